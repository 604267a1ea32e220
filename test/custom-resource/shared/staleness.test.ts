import { buildRunbook, STEP } from '../../../generator/dr/document';
import { allowedCopyAgeHours, copyAgeRule, SOURCE_SNAPSHOT_WAIT_HOURS } from '../../../custom-resource/shared/staleness';

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
