import { buildRunbook, STEP } from '../../../generator/dr/document';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import {
  allowedCopyAgeHours,
  copyAgeRule,
  recoveryPointOf,
  snapshotPlusCopyHours,
  SOURCE_SNAPSHOT_WAIT_HOURS,
  worstCaseRpoHours,
} from '../../../custom-resource/shared/staleness';

describe('how old the newest copy may be', () => {
  it.each([
    ['cron(0 3 * * ? *)', 12, 38],
    ['rate(12 hours)', 1, 15],
    ['rate(30 minutes)', 12, 14.5],
    ['cron(0 3 ? * MON-FRI *)', 6, 80],
    ['cron(0 3 1 * ? *)', 12, 62 * 24 + 14],
  ])('schedule %s with a %dh copy timeout allows %d hours: longest gap + snapshot wait + copy timeout', (schedule, timeout, hours) => {
    expect(allowedCopyAgeHours(schedule, timeout)).toBeCloseTo(hours, 6);
  });

  it('leaves a schedule it cannot read unjudged rather than guessing', () => {
    expect(allowedCopyAgeHours('daily', 12)).toBeUndefined();
    expect(copyAgeRule('daily', 12)).toBeUndefined();
  });

  it('shows the parts of the sum, for messages', () => {
    expect(copyAgeRule('cron(0 3 * * ? *)', 12)).toEqual({ allowedHours: 38, scheduleGapHours: 24 });
  });

  it('lets a MaxCopyAgeHours above 0 replace the computed allowance, even for a schedule it cannot read', () => {
    expect(copyAgeRule('cron(0 3 * * ? *)', 12, 30)).toEqual({ allowedHours: 30 });
    expect(copyAgeRule('daily', 12, 30)).toEqual({ allowedHours: 30 });
    expect(copyAgeRule('cron(0 3 * * ? *)', 12, 0)).toEqual({ allowedHours: 38, scheduleGapHours: 24 });
  });

  it("counts the snapshot wait the runbook's WaitForSourceSnapshot step really allows", () => {
    const step = buildRunbook().mainSteps.find((s) => s.name === STEP.waitForSnapshot)!;
    expect(step.timeoutSeconds).toBe(SOURCE_SNAPSHOT_WAIT_HOURS * 3600);
  });
});

describe("a copy's recovery point", () => {
  const copyTime = new Date('2026-12-07T05:40:00Z');
  const tagged = (value: string) => ({ SnapshotCreateTime: copyTime, TagList: [{ Key: COPY_TAG.sourceCreatedAt, Value: value }] });

  it("is the source snapshot's time from the copy's tag, not the copy's own time", () => {
    expect(recoveryPointOf(tagged('2026-12-07T03:00:12Z'))).toEqual(new Date('2026-12-07T03:00:12Z'));
  });

  it('falls back to SnapshotCreateTime for a copy made before the tag existed, or with a tag that is not a time', () => {
    expect(recoveryPointOf({ SnapshotCreateTime: copyTime, TagList: [{ Key: 'other', Value: '2026-12-07T03:00:12Z' }] })).toEqual(copyTime);
    expect(recoveryPointOf(tagged('yesterday'))).toEqual(copyTime);
    expect(recoveryPointOf({ SnapshotCreateTime: copyTime })).toEqual(copyTime);
  });
});

describe('the measured snapshot-plus-copy time', () => {
  it.each([
    ['nothing published yet', [], undefined],
    ['ages only growing: no copy seen landing', [1, 2, 3, 4], undefined],
    ['a copy seen landing 1.5 h after its recovery point', [22.5, 23.5, 24.5, 1.5, 2.5], 1.5],
    ['the slowest of several landings', [23.5, 1.5, 2.5, 24.5, 25.5, 6.5, 7.5, 24.5, 0.5], 6.5],
    ['the first copy, after the stack counted its own age', [3, 4, 5, 0.5], 0.5],
  ])('%s', (_, ages, hours) => {
    expect(snapshotPlusCopyHours(ages as number[])).toBe(hours);
  });
});

describe('the worst-case RPO', () => {
  it.each([
    ['a daily schedule, copies measured landing 1.5 h after their recovery point', 'cron(0 3 * * ? *)', 12, 1.5, 25.5],
    ['a daily schedule before any copy was seen landing: the snapshot wait and copy timeout', 'cron(0 3 * * ? *)', 12, undefined, 38],
    ['weekdays only: the weekend is the longest gap', 'cron(0 3 ? * MON-FRI *)', 12, 2, 74],
    ['every 6 hours with a 4 h copy', 'rate(6 hours)', 12, 4, 10],
  ])('%s', (_, schedule, timeout, measured, hours) => {
    expect(worstCaseRpoHours(schedule as string, timeout as number, measured as number | undefined)).toBe(hours);
  });

  it('is not guessed for a schedule it cannot read', () => {
    expect(worstCaseRpoHours('daily', 12, 2)).toBeUndefined();
  });

  it("is the allowed copy age until a copy has been measured, so the objective and the alarm agree", () => {
    expect(worstCaseRpoHours('cron(0 3 * * ? *)', 12)).toBe(allowedCopyAgeHours('cron(0 3 * * ? *)', 12));
  });
});
