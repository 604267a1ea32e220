/**
 * One virtual clock for a rehearsal: real time plus an offset that only grows.
 * aws:sleep, polling waits and the scripts' time.sleep() advance it instead of
 * waiting, so hours of runbook time pass in milliseconds. When moto runs
 * behind the clock-aware wrapper, every advance is forwarded to it, so the
 * SnapshotCreateTime moto stamps agrees with the time the scripts read.
 *
 * Advancing is "to at least": two executions sleeping ten minutes from the
 * same moment both wake at that moment plus ten minutes, as they would in AWS.
 */

export interface ClockListener {
  /** Called after every advance with the new offset; may be async (moto's control endpoint). */
  (offsetSeconds: number): Promise<void> | void;
}

export class VirtualClock {
  private offsetMs = 0;
  private readonly listeners: ClockListener[] = [];

  /** Virtual now, epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  onAdvance(listener: ClockListener): void {
    this.listeners.push(listener);
  }

  /** Move virtual time to at least `epochMs` (never backwards). */
  async advanceTo(epochMs: number): Promise<void> {
    const wanted = epochMs - Date.now();
    if (wanted <= this.offsetMs) return;
    this.offsetMs = wanted;
    for (const listener of this.listeners) await listener(this.offsetSeconds);
  }

  async advanceBy(milliseconds: number): Promise<void> {
    await this.advanceTo(this.now() + milliseconds);
  }

  /** Adopt an offset another party (a script, moto) reached; never moves backwards. */
  async adoptOffsetSeconds(offsetSeconds: number): Promise<void> {
    await this.advanceTo(Date.now() + offsetSeconds * 1000);
  }

  /** Back to real time: only between tests, when nothing is running. */
  resetToRealTime(): void {
    this.offsetMs = 0;
  }
}
