/**
 * The watchdog's check: find the newest available copy the source stack made
 * in this Region and publish its age in hours, so an alarm can tell when
 * copies stop arriving, whatever stopped them. The clock is passed in, so
 * tests run it on a virtual clock against moto; the clients are made as the
 * preflight's are, from the Region and the SDK's environment.
 *
 * No copy ever: the age published is that of the watch itself (hours since
 * the recovery stack was created). A new recovery stack so gets one allowed
 * interval for its first copy to land, as `status` gives a new source stack,
 * and then alarms like a stale copy would; a missing metric stays reserved
 * for "the check itself is broken" (the alarm treats it as breaching).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CLIENT_OPTIONS } from '../../shared/clients';
import { RECOVERY_METRIC } from '../contract';
import { listCopies } from '../clients';
import { newestAvailable } from '../rules';

export interface WatchdogConfig {
  /** The Region of the copies: the recovery stack's own. */
  region: string;
  sourceStackId: string;
  cluster: string;
  recoveryStackId: string;
}

export interface Measurement {
  ageHours: number;
  /** The newest available copy; absent when the source stack has made none here. */
  copy?: string;
  /** Since when the age counts: the copy's creation, or the recovery stack's when there is no copy. */
  since: Date;
}

const HOUR_MS = 3_600_000;

/** arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid> → <name>. */
export const stackName = (stackId: string): string => stackId.split('/')[1] ?? stackId;

export async function measureNewestCopyAge(config: WatchdogConfig, now: number): Promise<Measurement> {
  // The recovery preflight's listing and choice: the same newest copy a restore would use.
  const copy = newestAvailable(await listCopies(config.region, config.cluster, config.sourceStackId));
  let since = copy?.SnapshotCreateTime;
  if (!since) {
    const cfn = new CloudFormationClient({ region: config.region, ...CLIENT_OPTIONS });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: config.recoveryStackId }));
    since = Stacks?.[0]?.CreationTime;
    if (!since) throw new Error(`Stack ${config.recoveryStackId} has no CreationTime`);
  }
  return { ageHours: Math.max(0, (now - since.getTime()) / HOUR_MS), copy: copy?.DBClusterSnapshotIdentifier, since };
}

/** Measure and publish RECOVERY_METRIC.newestCopyAgeHours; a failure throws, so no metric arrives and the alarm breaches. */
export async function checkNewestCopy(config: WatchdogConfig, now: number): Promise<Measurement> {
  const measurement = await measureNewestCopyAge(config, now);
  await new CloudWatchClient({ region: config.region, ...CLIENT_OPTIONS }).send(
    new PutMetricDataCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricData: [
        {
          MetricName: RECOVERY_METRIC.newestCopyAgeHours,
          Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: stackName(config.recoveryStackId) }],
          Timestamp: new Date(now),
          Value: measurement.ageHours,
          Unit: 'None',
        },
      ],
    }),
  );
  const { copy, since, ageHours } = measurement;
  console.log(`${copy ?? 'No copy yet: age of the stack'}, since ${since.toISOString()}: ${ageHours.toFixed(2)} h`);
  return measurement;
}
