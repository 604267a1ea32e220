/**
 * The watchdog's check: find the newest available copy the source stack made
 * in this Region and publish its age in hours, so an alarm can tell when
 * copies stop arriving, whatever stopped them. The clock and the clients are
 * passed in, so tests run it on a virtual clock against moto.
 *
 * No copy ever: the age published is that of the watch itself (hours since
 * the recovery stack was created). A new recovery stack so gets one allowed
 * interval for its first copy to land, as `status` gives a new source stack,
 * and then alarms like a stale copy would; a missing metric stays reserved
 * for "the check itself is broken" (the alarm treats it as breaching).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DBClusterSnapshot, DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../contract';
import { RECOVERY_METRIC } from '../recovery-contract';

export interface WatchdogConfig {
  sourceStackId: string;
  cluster: string;
  recoveryStackId: string;
}

export interface WatchdogClients {
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  cloudFormation: CloudFormationClient;
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

/** The newest snapshot that is available and carries the source stack's ownership tag. Pure. */
export function newestAvailableCopy(snapshots: DBClusterSnapshot[], sourceStackId: string): DBClusterSnapshot | undefined {
  let newest: DBClusterSnapshot | undefined;
  for (const s of snapshots) {
    const ours = s.TagList?.some((tag) => tag.Key === SNAPSHOT_TAG.stackId && tag.Value === sourceStackId);
    if (ours && s.Status === 'available' && s.SnapshotCreateTime && (!newest || s.SnapshotCreateTime > newest.SnapshotCreateTime!)) newest = s;
  }
  return newest;
}

/**
 * This Region's manual snapshots of the cluster. Never DBClusterIdentifier:
 * it must name a cluster that exists here, and the protected one does not
 * (RDS answers DBClusterNotFoundFault); the db-cluster-id filter only filters.
 */
async function listCopies(rds: RDSClient, cluster: string): Promise<DBClusterSnapshot[]> {
  const all: DBClusterSnapshot[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.send(
      new DescribeDBClusterSnapshotsCommand({
        SnapshotType: 'manual',
        Filters: [{ Name: 'db-cluster-id', Values: [cluster] }],
        Marker,
      }),
    );
    all.push(...(page.DBClusterSnapshots ?? []));
    Marker = page.Marker;
  } while (Marker);
  return all;
}

export async function measureNewestCopyAge(config: WatchdogConfig, clients: WatchdogClients, now: number): Promise<Measurement> {
  const copy = newestAvailableCopy(await listCopies(clients.rds, config.cluster), config.sourceStackId);
  let since = copy?.SnapshotCreateTime;
  if (!since) {
    const { Stacks } = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: config.recoveryStackId }));
    since = Stacks?.[0]?.CreationTime;
    if (!since) throw new Error(`Stack ${config.recoveryStackId} has no CreationTime`);
  }
  return { ageHours: Math.max(0, (now - since.getTime()) / HOUR_MS), copy: copy?.DBClusterSnapshotIdentifier, since };
}

/** Measure and publish RECOVERY_METRIC.newestCopyAgeHours; a failure throws, so no metric arrives and the alarm breaches. */
export async function checkNewestCopy(config: WatchdogConfig, clients: WatchdogClients, now: number): Promise<Measurement> {
  const measurement = await measureNewestCopyAge(config, clients, now);
  await clients.cloudWatch.send(
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
  const what = measurement.copy ? `newest copy ${measurement.copy}` : 'no copy yet; counting from the stack creation';
  console.log(`${what}, since ${measurement.since.toISOString()}: ${measurement.ageHours.toFixed(2)} h`);
  return measurement;
}
