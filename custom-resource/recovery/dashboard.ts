/**
 * The recovery objectives dashboard's body, which the preflight returns
 * (RECOVERY_DATA.dashboardBody) for the template's optional dashboard: the
 * metric names live here, beside the code that publishes them, and the
 * template carries one attribute instead of their JSON.
 *
 * Two widgets, whose metric names say what each line is: hours (the copy age
 * against the allowed age, the worst-case RPO, the copy's age at each drill)
 * and the drills' RTO split in minutes with their verdicts ("." repeats the
 * line above's namespace and dimension); CloudWatch lays them out in reading
 * order.
 */
import { RECOVERY_METRIC as M } from './contract';

export function dashboardBody(region: string, stackName: string, allowedHours: number): string {
  const widget = (title: string, [first, ...others]: string[], extra = {}) => ({
    type: 'metric',
    properties: {
      title,
      region,
      metrics: [[M.namespace, first, M.dimension, stackName], ...others.map((metric) => ['.', metric, '.', '.'])],
      ...extra,
    },
  });
  return JSON.stringify({
    widgets: [
      widget('Hours', [M.newestCopyAgeHours, M.worstCaseRpoHours, M.drillCopyAgeHours], {
        annotations: { horizontal: [{ label: 'Allowed age', value: allowedHours }] },
      }),
      widget('Drills: RTO minutes, verified 1/0', [
        M.drillClusterRestoreMinutes,
        M.drillWriterMinutes,
        M.drillLoginMinutes,
        M.drillRestoreMinutes,
        M.drillSucceeded,
      ]),
    ],
  });
}
