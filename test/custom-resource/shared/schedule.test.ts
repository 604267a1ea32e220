import { maxRunsPerDay, snapshotsHeld } from '../../../custom-resource/shared/schedule';

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
