import { CHECK_BUDGET_MS, withCheckBudget } from '../../../custom-resource/recovery/run/contract';
import { PREFLIGHT_SERVICE_TIMEOUT_SECONDS } from '../../../generator/shared/preflight';

describe("the preflight's time in a function that may run a runbook step for 300 s", () => {
  it('stays within what CloudFormation waits for the reply', () => {
    expect(CHECK_BUDGET_MS).toBeLessThan(PREFLIGHT_SERVICE_TIMEOUT_SECONDS * 1000);
  });

  it.each([
    [300_000, CHECK_BUDGET_MS],
    [20_000, 20_000],
  ])('with %d ms left, the check sees %d', (left, seen) => {
    const context = { getRemainingTimeInMillis: () => left, logStreamName: 'stream' };
    const budgeted = withCheckBudget(context);
    expect(budgeted.getRemainingTimeInMillis()).toBe(seen);
    expect(budgeted.logStreamName).toBe('stream');
  });
});
