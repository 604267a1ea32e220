/**
 * The longest time between two runs of an EventBridge schedule expression:
 * the heart of the staleness rule (staleness.ts) that `status` and the
 * recovery stack's copy-age alarm share. Conservative where it cannot be exact:
 *
 * - rate(n unit): exactly n units.
 * - cron(...) with any day of the month and any month: exact, from the
 *   minutes, hours and days of the week the expression selects (all seven
 *   days when the day-of-week field is `*` or `?`).
 * - cron(...) that names days of the month, or uses L, W or # in a day field:
 *   62 days (two months, the longest gap of a "31st of the month" schedule).
 * - cron(...) that names months: 366 days.
 *
 * The year field is ignored. Undefined when scheduleProblem (schedule.ts)
 * refuses the expression.
 */
import { cronFieldValues, cronFields, dayOfWeekValues, scheduleProblem } from './schedule';

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

const RATE_UNIT_HOURS: { [unit: string]: number } = { minute: 1 / 60, hour: 1, day: 24 };

export const DAY_OF_MONTH_GAP_HOURS = 62 * 24;
export const MONTH_GAP_HOURS = 366 * 24;

/** The largest gap between consecutive points of a cycle of `period` minutes. */
function largestCircularGap(points: number[], period: number): number {
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  let gap = sorted[0] + period - sorted[sorted.length - 1];
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i] - sorted[i - 1]);
  return gap;
}

export function longestGapHours(expression: string): number | undefined {
  if (scheduleProblem(expression)) return undefined;
  const rate = /^rate\((\d+) (\w+?)s?\)$/.exec(expression);
  if (rate) return +rate[1] * RATE_UNIT_HOURS[rate[2]];

  const [minuteField, hourField, dayOfMonth, month, dayOfWeek] = cronFields(expression);
  const minutes = cronFieldValues(minuteField, 0, 59)!;
  const hours = cronFieldValues(hourField, 0, 23)!;
  if (month !== '*') return MONTH_GAP_HOURS;
  if ((dayOfMonth !== '*' && dayOfMonth !== '?') || /[LW#]/i.test(dayOfWeek)) return DAY_OF_MONTH_GAP_HOURS;
  const days = dayOfWeekValues(dayOfWeek)!;
  const times: number[] = [];
  for (const day of days) for (const hour of hours) for (const minute of minutes) times.push((day - 1) * MINUTES_PER_DAY + hour * 60 + minute);
  return largestCircularGap(times, MINUTES_PER_WEEK) / 60;
}
