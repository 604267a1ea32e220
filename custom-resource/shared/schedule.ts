/**
 * How many manual snapshots a schedule and a retention keep at once, from the
 * EventBridge schedule expression alone. Pure, so the quota rule is tested
 * without AWS.
 */

const RATE_MINUTES_PER_UNIT: { [unit: string]: number } = { minute: 1, hour: 60, day: 1440 };

/**
 * Values of one cron field (minutes 0-59 or hours 0-23): `*`, `n`, `a-b`,
 * `a/b`, `*\/b`, `a-b/c` and comma lists of them. A range whose start is past
 * its end wraps around (22-2 is 22, 23, 0, 1, 2), which can only overcount.
 * Returns undefined for anything else.
 */
function cronFieldCount(field: string, max: number): number | undefined {
  const seen = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const [, all, first, last, step] = match;
    const start = all === '*' ? 0 : +first;
    // `a/b` runs from a to the end of the field; a plain `a` is just a.
    const end = all === '*' || (step && last === undefined) ? max : last === undefined ? start : +last;
    const by = step === undefined ? 1 : +step;
    if (start > max || end > max || by < 1) return undefined;
    const span = (end - start + max + 1) % (max + 1);
    for (let offset = 0; offset <= span; offset += by) seen.add((start + offset) % (max + 1));
  }
  return seen.size;
}

/**
 * The most runs one UTC day can hold under an EventBridge schedule expression:
 * exact for rate(), an upper bound for cron() (minute values × hour values; the
 * day fields only ever remove days). Undefined when the expression is not one
 * this function understands.
 */
export function maxRunsPerDay(expression: string): number | undefined {
  const rate = /^rate\(([1-9]\d*) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const [, value, unit, plural] = rate;
    // EventBridge wants "1 day" but "2 days": a wrong form fails later, at the rule.
    if ((value === '1') !== (plural === '')) return undefined;
    return 1440 / (+value * RATE_MINUTES_PER_UNIT[unit]);
  }
  const cron = /^cron\((\S+) +(\S+)(?: +\S+){4}\)$/.exec(expression);
  if (!cron) return undefined;
  const minutes = cronFieldCount(cron[1], 59);
  const hours = cronFieldCount(cron[2], 23);
  return minutes && hours ? minutes * hours : undefined;
}

/** Manual snapshots held at the worst moment: every run inside the retention window, plus the one being made. */
export function snapshotsHeld(retentionDays: number, runsPerDay: number): number {
  return Math.ceil(retentionDays * runsPerDay) + 1;
}
