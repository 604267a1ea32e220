/**
 * The vault's copy-age watchdog, as the recovery stack's
 * (../recovery/watchdog/): every hour, for each protected cluster, the age of
 * its newest available vault copy, published per cluster and, as the oldest
 * of them, per vault, which the alarm watches. A cluster with no copy yet
 * counts from the vault stack's creation, so a protected account that never
 * shares, or stops sharing, raises the alarm once its allowance has passed.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DBClusterSnapshot, DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { CLIENT_OPTIONS } from '../shared/clients';
import { SNAPSHOT_TAG } from '../dr/contract';
import { stackName } from '../recovery/watchdog/check';
import { VAULT_METRIC, VaultWatchdogInput } from './contract';
import { protectedClusters } from './rules';

const HOUR_MS = 3_600_000;

/** The vault stack's newest available copy of each cluster, by `account:cluster` (the account is the shared snapshot's owner). */
export function newestCopyByCluster(snapshots: DBClusterSnapshot[], vaultStackId: string): Map<string, DBClusterSnapshot> {
  const newest = new Map<string, DBClusterSnapshot>();
  for (const s of snapshots) {
    const tags = new Map((s.TagList ?? []).map((t) => [t.Key, t.Value]));
    if (s.Status !== 'available' || tags.get(SNAPSHOT_TAG.stackId) !== vaultStackId || !s.SnapshotCreateTime) continue;
    const pair = `${tags.get(SNAPSHOT_TAG.sourceSnapshot)?.split(':')[4]}:${tags.get(SNAPSHOT_TAG.cluster)}`;
    if (!(newest.get(pair)?.SnapshotCreateTime! >= s.SnapshotCreateTime)) newest.set(pair, s);
  }
  return newest;
}

async function listManualSnapshots(region: string): Promise<DBClusterSnapshot[]> {
  const rds = new RDSClient({ region, ...CLIENT_OPTIONS });
  const all: DBClusterSnapshot[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', Marker }));
    all.push(...(page.DBClusterSnapshots ?? []));
    Marker = page.Marker;
  } while (Marker);
  return all;
}

/** Measure and publish every protected cluster's newest copy age; returns the ages in hours by `account:cluster`. */
export async function checkVaultCopies(input: VaultWatchdogInput, now: number): Promise<{ [pair: string]: number }> {
  const region = input.VaultStackId.split(':')[3];
  const newest = newestCopyByCluster(await listManualSnapshots(region), input.VaultStackId);
  let created: Date | undefined;
  const ages: { [pair: string]: number } = {};
  for (const { account, cluster } of protectedClusters(input.ProtectedClusters)) {
    const pair = `${account}:${cluster}`;
    let since = newest.get(pair)?.SnapshotCreateTime;
    if (!since) {
      const cfn = new CloudFormationClient({ region, ...CLIENT_OPTIONS });
      created ??= (await cfn.send(new DescribeStacksCommand({ StackName: input.VaultStackId }))).Stacks?.[0]?.CreationTime;
      if (!created) throw new Error(`Stack ${input.VaultStackId} has no CreationTime`);
      since = created;
    }
    ages[pair] = Math.max(0, (now - since.getTime()) / HOUR_MS);
  }
  const vault = stackName(input.VaultStackId);
  const datum = (value: number, dimensions: { Name: string; Value: string }[]) => ({
    MetricName: VAULT_METRIC.newestCopyAgeHours,
    Dimensions: dimensions,
    Timestamp: new Date(now),
    Value: value,
    Unit: 'None' as const,
  });
  await new CloudWatchClient({ region, ...CLIENT_OPTIONS }).send(
    new PutMetricDataCommand({
      Namespace: VAULT_METRIC.namespace,
      MetricData: [
        datum(Math.max(...Object.values(ages)), [{ Name: VAULT_METRIC.stackDimension, Value: vault }]),
        ...Object.entries(ages).map(([pair, age]) =>
          datum(age, [
            { Name: VAULT_METRIC.stackDimension, Value: vault },
            { Name: VAULT_METRIC.clusterDimension, Value: pair },
          ]),
        ),
      ],
    }),
  );
  console.log(Object.entries(ages).map(([pair, age]) => `${pair}: ${age.toFixed(2)} h`).join('; '));
  return ages;
}
