/**
 * One virtual clock for a rehearsal. It starts at the real time it was
 * created (so dates look current) and from then on moves only when advanced:
 * aws:sleep, polling waits and the scripts' time.sleep() advance it instead
 * of waiting, so hours of runbook time pass in milliseconds. Real seconds
 * never leak in, so a snapshot made "exactly N days ago" is exactly N days
 * old however slow the machine is. When moto runs behind the clock-aware
 * wrapper, every advance is forwarded to it, so the SnapshotCreateTime moto
 * stamps is the time the scripts read.
 *
 * Advancing is "to at least": two executions sleeping ten minutes from the
 * same moment both wake at that moment plus ten minutes, as they would in AWS.
 */

export interface ClockListener {
  /** Called after every advance with the new virtual now (epoch ms); may be async (moto's control endpoint). */
  (nowMs: number): Promise<void> | void;
}

export class VirtualClock {
  private nowMs: number;
  private readonly listeners: ClockListener[] = [];

  constructor(startMs: number = Date.now()) {
    this.nowMs = startMs;
  }

  /** Virtual now, epoch milliseconds. */
  now(): number {
    return this.nowMs;
  }

  /** Virtual now, epoch seconds: what the scripts' time.time() starts from. */
  get nowSeconds(): number {
    return this.nowMs / 1000;
  }

  onAdvance(listener: ClockListener): void {
    this.listeners.push(listener);
  }

  /** Move virtual time to at least `epochMs` (never backwards). */
  async advanceTo(epochMs: number): Promise<void> {
    if (epochMs <= this.nowMs) return;
    this.nowMs = epochMs;
    for (const listener of this.listeners) await listener(this.nowMs);
  }

  async advanceBy(milliseconds: number): Promise<void> {
    await this.advanceTo(this.nowMs + milliseconds);
  }

  /** Start again at the real time: only between tests, when nothing is running. */
  restart(startMs: number = Date.now()): void {
    this.nowMs = startMs;
  }
}
