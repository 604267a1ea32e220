import { maxRunsPerDay, scheduleProblem, snapshotsHeld } from '../../../custom-resource/shared/schedule';
import { longestGapHours } from '../../../custom-resource/shared/schedule-interval';

/** The one rule both stacks' schedules are judged by, at the CLI and in each preflight. */
describe('scheduleProblem', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
    'cron(0 3 * * ? *)',
    'cron(0 5 ? * SUN *)',
    'cron(15 10 ? * MON-FRI *)',
    'cron(0/15 8-17 ? * 2-6 *)',
    'cron(0 18 L * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 12 ? * 6L *)',
    'cron(0 12 ? * 3#2 *)',
    'cron(0 0 1 JAN,JUL ? 2027-2030)',
    'cron(0 22-2 * * ? *)',
    'cron(0  3 * * ? *)',
  ])('lets EventBridge have %s', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  const ANY = 'must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field';
  it.each([
    ['cron(0 5 * * SUN)', 'five fields (a crontab line), with the six-field form', `${ANY}, e.g. cron(0 5 ? * SUN *)`],
    ['cron(0 3 * * *)', 'five fields, every day', `${ANY}, e.g. cron(0 3 * * ? *)`],
    ['cron(0 3 * * ? * *)', 'seven fields', ANY],
    ['cron(0 3 * * * *)', 'no ? in either day field', ANY],
    ['cron(0 3 ? * ? *)', '? in both day fields', ANY],
    ['cron(0 3 1 * MON *)', 'both day fields set', ANY],
    ['cron(60 3 * * ? *)', 'minute 60', ANY],
    ['cron(0 24 * * ? *)', 'hour 24', ANY],
    ['cron(0/0 3 * * ? *)', 'a zero step', ANY],
    ['cron(0 3 ? * MOON *)', 'an unknown day name', ANY],
    ['cron(0 3 ? * 8 *)', 'day of week 8', ANY],
    ['cron(0 3 * * ? 2027;)', 'a stray character', ANY],
    ['rate(0 minutes)', 'N of zero', 'must be rate(1 minute) or rate(N minutes)'],
    ['rate(1 days)', 'plural unit for 1', 'must be rate(1 day) or rate(N days)'],
    ['rate(2 hour)', 'singular unit for 2', 'must be rate(1 hour) or rate(N hours)'],
    ['rate(1 week)', 'a unit EventBridge lacks', ANY],
    ['rate(1.5 hours)', 'a fraction', ANY],
    ['0 3 * * ? *', 'no cron(...) around it', ANY],
    ['', 'empty', ANY],
  ])('refuses %j (%s) with the fix', (expression, _, fix) => {
    expect(scheduleProblem(expression)).toBe(fix);
  });

  it.each(['cron(0 5 * * SUN)', 'cron(0 3 * * * *)', 'rate(1 days)'])('leaves the copy-age gap of %j unknown, as it refuses it', (expression) => {
    expect(longestGapHours(expression)).toBeUndefined();
  });
});


describe('maxRunsPerDay', () => {
  it.each([
    ['rate(1 minute)', 1440],
    ['rate(5 minutes)', 288],
    ['rate(7 minutes)', 1440 / 7],
    ['rate(1 hour)', 24],
    ['rate(6 hours)', 4],
    ['rate(1 day)', 1],
    ['rate(7 days)', 1 / 7],
  ])('counts %s exactly as %d runs a day', (expression, runs) => {
    expect(maxRunsPerDay(expression)).toBeCloseTo(runs, 10);
  });

  it.each([
    ['cron(0 3 * * ? *)', 1, 'one minute value × one hour value'],
    ['cron(0 3 1 * ? *)', 1, 'day fields ignored: an upper bound'],
    ['cron(15 10 ? * MON-FRI *)', 1, 'weekdays ignored'],
    ['cron(* * * * ? *)', 1440, 'every minute of every hour'],
    ['cron(0 * * * ? *)', 24, 'every hour'],
    ['cron(0,30 * * * ? *)', 48, 'a minute list'],
    ['cron(0/15 * * * ? *)', 96, 'a/b steps through the field from a'],
    ['cron(*/20 * * * ? *)', 72, '*/b steps through the whole field'],
    ['cron(5/20 2 * * ? *)', 3, 'a/b from a non-zero start (5, 25, 45)'],
    ['cron(0 8-17 * * ? *)', 10, 'an hour range'],
    ['cron(0 0-23/6 * * ? *)', 4, 'a range with a step'],
    ['cron(0 22-2 * * ? *)', 5, 'a wrapped range counts 22, 23, 0, 1, 2'],
    ['cron(0,0,0 3,3 * * ? *)', 1, 'duplicates count once'],
    ['cron(0,15 1-3,12 * * ? *)', 8, 'lists of ranges in both fields'],
    ['cron(0  3 * * ? *)', 1, 'extra spaces between fields'],
  ])('bounds %s by %d runs a day (%s)', (expression, runs) => {
    expect(maxRunsPerDay(expression)).toBe(runs);
  });

  it.each([
    ['rate(1 days)', 'plural unit for 1'],
    ['rate(2 hour)', 'singular unit for more than 1'],
    ['rate(0 minutes)', 'zero'],
    ['rate(1 week)', 'unknown unit'],
    ['rate(1.5 hours)', 'not a whole number'],
    ['RATE(1 day)', 'upper case'],
    ['cron(0 3 * * ?)', 'five fields'],
    ['cron(0 3 * * ? * *)', 'seven fields'],
    ['cron(60 3 * * ? *)', 'minute out of range'],
    ['cron(0 24 * * ? *)', 'hour out of range'],
    ['cron(0/0 3 * * ? *)', 'zero step'],
    ['cron(? 3 * * ? *)', '? in the minute field'],
    ['cron(0 3-a * * ? *)', 'letters in the hour field'],
    ['cron(0,,5 3 * * ? *)', 'an empty list item'],
    ['0 3 * * ? *', 'no cron(...) wrapper'],
    ['', 'empty'],
  ])('does not understand %j (%s)', (expression) => {
    expect(maxRunsPerDay(expression)).toBeUndefined();
  });
});

describe('snapshotsHeld', () => {
  it.each([
    [7, 1, 8],
    [14, 1, 15],
    [7, 24, 169],
    [4, 24, 97],
    [1, 1 / 7, 2],
    [99, 1, 100],
    [100, 1, 101],
  ])('holds ceil(%d days × %d runs) + 1 = %d snapshots', (days, runs, held) => {
    expect(snapshotsHeld(days, runs)).toBe(held);
  });
});
