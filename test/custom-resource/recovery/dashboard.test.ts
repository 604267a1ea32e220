import { dashboardBody } from '../../../custom-resource/recovery/dashboard';
import { RECOVERY_METRIC } from '../../../custom-resource/recovery/contract';

describe('the recovery objectives dashboard', () => {
  it("shows the copy age against the allowed age beside the worst-case RPO and the copy age at each drill, and the drills' RTO split and verdicts", () => {
    const body = JSON.parse(dashboardBody('us-west-2', 'orders-recovery', 38));
    const [hours, drills] = body.widgets;
    // "." repeats the namespace and the dimension of the line above.
    expect(hours.properties.metrics).toEqual([
      [RECOVERY_METRIC.namespace, RECOVERY_METRIC.newestCopyAgeHours, RECOVERY_METRIC.dimension, 'orders-recovery'],
      ['.', RECOVERY_METRIC.worstCaseRpoHours, '.', '.'],
      ['.', RECOVERY_METRIC.drillCopyAgeHours, '.', '.'],
    ]);
    expect(drills.properties.metrics).toEqual([
      [RECOVERY_METRIC.namespace, RECOVERY_METRIC.drillClusterRestoreMinutes, RECOVERY_METRIC.dimension, 'orders-recovery'],
      ['.', RECOVERY_METRIC.drillWriterMinutes, '.', '.'],
      ['.', RECOVERY_METRIC.drillLoginMinutes, '.', '.'],
      ['.', RECOVERY_METRIC.drillRestoreMinutes, '.', '.'],
      ['.', RECOVERY_METRIC.drillSucceeded, '.', '.'],
    ]);
    expect(body.widgets.every((widget: { type: string; properties: { region: string } }) => widget.type === 'metric' && widget.properties.region === 'us-west-2')).toBe(true);
    expect(hours.properties.annotations).toEqual({ horizontal: [{ label: 'Allowed age', value: 38 }] });
  });
});
