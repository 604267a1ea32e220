/**
 * The watchdog's check: find the newest available copy the source stack made
 * in this Region and publish the age of its recovery point in hours, so an
 * alarm can tell when copies stop arriving, whatever stopped them; and beside
 * it the worst-case RPO (custom-resource/shared/staleness.ts worstCaseRpoHours),
 * measured from the ages this check published before. The clock is passed in, so
 * tests run it on a virtual clock against moto; the clients are made as the
 * preflight's are, from the Region and the SDK's environment.
 *
 * No copy ever: the age published is that of the watch itself (hours since
 * the recovery stack was created). A new recovery stack so gets one allowed
 * interval for its first copy to land, as `status` gives a new source stack,
 * and then alarms like a stale copy would; a missing metric stays reserved
 * for "the check itself is broken" (the alarm treats it as breaching).
 */
import { CloudFormation } from '@aws-sdk/client-cloudformation';
import { CloudWatch, Dimension } from '@aws-sdk/client-cloudwatch';
import { CLIENT_OPTIONS } from '../../shared/clients';
import { recoveryPointOf, snapshotPlusCopyHours, worstCaseRpoHours } from '../../shared/staleness';
import { RECOVERY_METRIC, RecoveryPreflightProperties } from '../contract';
import { listCopies } from '../clients';
import { newestAvailable } from '../rules';

export interface WatchdogConfig {
  /** The Region of the copies: the recovery stack's own. */
  region: string;
  /** The source stack and cluster come from its parameters, as the stack has them now. */
  recoveryStackId: string;
}

export interface Measurement {
  ageHours: number;
  /** The newest available copy; absent when the source stack has made none here. */
  copy?: string;
  /** Since when the age counts: the copy's recovery point, or the recovery stack's creation when there is no copy. */
  since: Date;
  /** Undefined when the source schedule cannot be read (MaxCopyAgeHours set instead). */
  worstCaseRpoHours?: number;
}

const HOUR_MS = 3_600_000;
/** How far back the check looks for copies landing, to measure the snapshot-plus-copy time. */
export const COPY_TIME_LOOKBACK_DAYS = 30;

/** arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid> → <name>. */
export const stackName = (stackId: string): string => stackId.split('/')[1] ?? stackId;

/**
 * The ages this check published over the lookback, oldest first, one per hour.
 * One page: 30 days of hourly points are far below GetMetricData's 100,800.
 */
async function publishedAges(cloudWatch: CloudWatch, Dimensions: Dimension[], now: number): Promise<number[]> {
  const { MetricDataResults } = await cloudWatch.getMetricData({
    StartTime: new Date(now - COPY_TIME_LOOKBACK_DAYS * 24 * HOUR_MS),
    EndTime: new Date(now),
    ScanBy: 'TimestampAscending',
    MetricDataQueries: [
      { Id: 'age', MetricStat: { Metric: { Namespace: RECOVERY_METRIC.namespace, MetricName: RECOVERY_METRIC.newestCopyAgeHours, Dimensions }, Period: 3600, Stat: 'Maximum' } },
    ],
  });
  return MetricDataResults?.[0]?.Values ?? [];
}

/**
 * Measure and publish RECOVERY_METRIC.newestCopyAgeHours and worstCaseRpoHours;
 * a failure throws, so no age arrives and the alarm breaches.
 */
export async function checkNewestCopy(config: WatchdogConfig, now: number): Promise<Measurement> {
  const cfn = new CloudFormation({ region: config.region, ...CLIENT_OPTIONS });
  const { Stacks } = await cfn.describeStacks({ StackName: config.recoveryStackId });
  const parameter = (key: keyof RecoveryPreflightProperties) => Stacks?.[0]?.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue ?? '';
  // The recovery preflight's listing and choice: the same newest copy a restore would use.
  const copy = newestAvailable(await listCopies(config.region, parameter('DBClusterIdentifier'), parameter('SourceStackId')));
  const since = (copy && recoveryPointOf(copy)) ?? Stacks?.[0]?.CreationTime;
  if (!since) throw new Error(`Stack ${config.recoveryStackId} has no CreationTime`);
  const ageHours = Math.max(0, (now - since.getTime()) / HOUR_MS);

  const cloudWatch = new CloudWatch({ region: config.region, ...CLIENT_OPTIONS });
  const Dimensions = [{ Name: RECOVERY_METRIC.dimension, Value: stackName(config.recoveryStackId) }];
  const measured = snapshotPlusCopyHours([...(await publishedAges(cloudWatch, Dimensions, now)), ageHours]);
  const worst = worstCaseRpoHours(parameter('SourceScheduleExpression'), +parameter('CopyTimeoutHours'), measured);
  const datum = (MetricName: string, Value: number) => ({ MetricName, Dimensions, Timestamp: new Date(now), Value });
  await cloudWatch.putMetricData({
    Namespace: RECOVERY_METRIC.namespace,
    MetricData: [datum(RECOVERY_METRIC.newestCopyAgeHours, ageHours), ...(worst === undefined ? [] : [datum(RECOVERY_METRIC.worstCaseRpoHours, worst)])],
  });
  console.log(`${copy?.DBClusterSnapshotIdentifier ?? 'No copy yet: age of the stack'}, since ${since.toISOString()}: ${ageHours.toFixed(2)} h${worst ? `; worst-case RPO ${worst.toFixed(1)} h` : ''}`);
  return { ageHours, copy: copy?.DBClusterSnapshotIdentifier, since, worstCaseRpoHours: worst };
}
