/**
 * The one rule for EventBridge schedule expressions (both stacks' schedules,
 * at the CLI and in each preflight), and how many manual snapshots a schedule
 * and a retention keep at once. Pure, so both are tested without AWS.
 */
const RATE_MINUTES_PER_UNIT: { [unit: string]: number } = { minute: 1, hour: 60, day: 1440 };

/**
 * Values of one cron field in [min, max]: `*`, `n`, `a-b`, `a/b`, `*\/b`,
 * `a-b/c` and comma lists of them. Names (MON, TUE, ...) are mapped first.
 * A range whose start is past its end wraps around (hours 22-2 are 22, 23, 0,
 * 1, 2). Undefined for anything else.
 */
export function cronFieldValues(field: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  const size = max - min + 1;
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const [, all, first, last, step] = match;
    const start = all === '*' ? min : +first;
    const end = all === '*' || (step !== undefined && last === undefined) ? max : last === undefined ? start : +last;
    const by = step === undefined ? 1 : +step;
    if (start < min || end > max || start > max || end < min || by < 1) return undefined;
    for (let offset = 0; offset <= (end - start + size) % size; offset += by) values.add(min + ((start - min + offset) % size));
  }
  return [...values].sort((a, b) => a - b);
}


/** Days of the week, 1-7 from SUN; `*` and `?` are every day. */
export function dayOfWeekValues(field: string): number[] | undefined {
  if (field === '*' || field === '?') return [1, 2, 3, 4, 5, 6, 7];
  return cronFieldValues(field.toUpperCase().replace(/[A-Z]{3}/g, (name) => String('SUNMONTUEWEDTHUFRISAT'.indexOf(name) / 3 + 1)), 1, 7);
}

/** The fields of a cron(...) expression; none for anything else. */
export const cronFields = (expression: string): string[] => /^cron\((.+)\)$/.exec(expression)?.[1].trim().split(/ +/) ?? [];

/**
 * What EventBridge refuses in a schedule expression, as the fix to append to
 * the value, or undefined when it takes it (EventBridge User Guide, "Schedule
 * expressions for rules"): rate(N unit) with N >= 1 and the unit singular
 * exactly when N is 1; cron with six fields, minutes hours day-of-month month
 * day-of-week year, and ? in exactly one of the two day fields. Minutes, hours
 * and days of the week are read value by value (the quota and the copy-age
 * rules count them); the other fields only by their characters, which keeps
 * the code inlined in both templates small.
 */
export function scheduleProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) return +rate[1] && (rate[1] === '1') === !rate[3] ? undefined : `must be rate(1 ${rate[2]}) or rate(N ${rate[2]}s)`;
  const [minutes, hours, day, month, weekday, ...year] = cronFields(expression);
  // A Unix crontab line has five fields: EventBridge adds the year and wants ? in one day field.
  const unix = year.length || !weekday ? "" : `, e.g. cron(${minutes} ${hours} ${weekday === '*' ? `${day} ${month} ?` : `? ${month} ${weekday}`} *)`;
  return year.length === 1 &&
    (day === '?') !== (weekday === '?') &&
    cronFieldValues(minutes, 0, 59) &&
    cronFieldValues(hours, 0, 23) &&
    (/[L#]/.test(weekday) || dayOfWeekValues(weekday)) &&
    /^[\w,*?#/-]+$/.test(day + month + weekday + year)
    ? undefined
    : `must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field${unix}`;
}

/**
 * The most runs one UTC day can hold under a schedule expression: exact for
 * rate(), an upper bound for cron() (minute values × hour values; the day
 * fields only ever remove days). Undefined when scheduleProblem refuses it.
 */
export function maxRunsPerDay(expression: string): number | undefined {
  if (scheduleProblem(expression)) return undefined;
  const rate = /^rate\((\d+) (\w+?)s?\)$/.exec(expression);
  if (rate) return 1440 / (+rate[1] * RATE_MINUTES_PER_UNIT[rate[2]]);
  const [minutes, hours] = cronFields(expression)!;
  return cronFieldValues(minutes, 0, 59)!.length * cronFieldValues(hours, 0, 23)!.length;
}

/** Manual snapshots held at the worst moment: every run inside the retention window, plus the one being made. */
export function snapshotsHeld(retentionDays: number, runsPerDay: number): number {
  return Math.ceil(retentionDays * runsPerDay) + 1;
}
