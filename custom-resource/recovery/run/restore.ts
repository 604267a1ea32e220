/**
 * The restore half of a recovery run, one call (advance) per look of the
 * runbook's RestoreCopy step:
 * - at the first look, the run has no cluster yet: the named copy, or the
 *   newest available copy the source stack made of the cluster, is restored
 *   into a new cluster (engine and version from the snapshot, the target key,
 *   the stack's network). A drill's cluster has no deletion protection (finish
 *   deletes it); a restore's has (it is the user's);
 * - at each later look: RDS adds instances only to an available cluster, so
 *   the writer is added then; until cluster and writer are available the
 *   runbook pauses and asks again. A state from which neither comes back ends
 *   the wait at once, naming the state.
 * Everything made is tagged with the recovery stack's ARN, the kind of run and
 * the execution id: later steps find the run's cluster by these tags, and IAM
 * lets the project delete only a cluster tagged kind=drill.
 *
 * A restore run again after one that stopped part way (a cluster of this stack,
 * kind=restore, still without a writer) takes that cluster over instead of
 * restoring a second one: it retags it with its own execution id and goes on.
 * A writer refused for want of capacity or by throttling is asked for again at
 * the next look, after the runbook's pause, until the writer's time is up.
 */
import {
  DBCluster,
  DBInstance,
  RDS,
  Tag,
} from '@aws-sdk/client-rds';
import { RESTORE_KIND, RESTORE_TAG } from '../contract';
import { listCopies } from '../clients';
import { newestAvailable, unrestorableProblem } from '../rules';
import { KEEP_WAITING, READERS, RunEvent } from './contract';
import { capturedConfig, copyGroup, groupName, restoreSettings } from './fidelity';

/** The SDK's standard retries (throttling, 5xx) with more attempts than the preflight's: a run has time. */
export const RUN_CLIENT_OPTIONS = {
  maxAttempts: 10,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 20_000, throwOnRequestTimeout: true },
};

/** Restoring a large cluster takes a while; the writer starts after it. A drill that hangs this long has failed. */
export const CLUSTER_BUDGET_HOURS = 4;
export const WRITER_BUDGET_HOURS = 2;

/**
 * States a cluster or instance does not leave by itself (RDS User Guide,
 * "Viewing Amazon Aurora DB cluster status" and "DB instance status"): a wait
 * for `available` would burn its whole budget on them.
 */
export const TERMINAL_STATE =
  /^(failed|inaccessible-encryption-credentials(-recoverable)?|incompatible-(network|option-group|parameters|restore)|insufficient-capacity|restore-error|storage-full|deleting|stopped)$/;

/** CreateDBInstance errors that a later try can get past (RDS API reference, CreateDBInstance; common errors). */
const TRANSIENT = /InsufficientDBInstanceCapacity|Throttl|RequestLimitExceeded|InternalFailure|ServiceUnavailable/;

const clientOptions = () => ({ region: process.env.AWS_REGION, ...RUN_CLIENT_OPTIONS });
export const rdsClient = (): RDS => new RDS(clientOptions());
/** The configuration captured with copy `snapshotId` (run/fidelity.ts), read in this Region. */
export const configOf = (snapshotId: string) => capturedConfig(snapshotId, clientOptions());

export const tagsOf = (tags: Tag[] | undefined): { [key: string]: string } =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** Identifiers are at most 63 characters and may not end with a hyphen. */
const trim = (text: string, length: number): string => text.slice(0, length).replace(/-+$/, '');

export const writerId = (clusterId: string): string => `${trim(clusterId, 56)}-writer`;
/** A restore's readers, numbered from 1 in the order the capture lists them (at most 15 in a cluster). */
export const readerId = (clusterId: string, n: number): string => `${trim(clusterId, 54)}-reader-${n}`;

export async function allClusters(rds: RDS): Promise<DBCluster[]> {
  const clusters: DBCluster[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.describeDBClusters({ Marker });
    clusters.push(...(page.DBClusters ?? []));
    Marker = page.Marker;
  } while (Marker);
  return clusters;
}

export const instancesOf = async (rds: RDS, clusterId: string): Promise<DBInstance[]> =>
  (await rds.describeDBInstances({ Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }] })).DBInstances ?? [];

/** The clusters of the recovery stack `recoveryStackId`, each with its tags. */
export async function stackClusters(rds: RDS, recoveryStackId: string): Promise<{ cluster: DBCluster; tags: { [key: string]: string } }[]> {
  return (await allClusters(rds))
    .map((cluster) => ({ cluster, tags: tagsOf(cluster.TagList) }))
    .filter(({ tags }) => tags[RESTORE_TAG.stackId] === recoveryStackId);
}

/** Deletes a drill's cluster: its instances first, as RDS requires, then the cluster with no final snapshot. */
export async function deleteDrillCluster(rds: RDS, cluster: DBCluster): Promise<void> {
  for (const { DBInstanceIdentifier } of cluster.DBClusterMembers ?? []) {
    await rds.deleteDBInstance({ DBInstanceIdentifier }).catch((error: Error) => {
      // Gone or going already: the cluster is next. One still creating makes the cluster's delete fail, for a later try.
      if (!/DBInstanceNotFound|InvalidDBInstanceState/.test(error.name)) throw error;
    });
  }
  await rds.deleteDBCluster({ DBClusterIdentifier: cluster.DBClusterIdentifier, SkipFinalSnapshot: true });
}

const runTags = (e: RunEvent, snapshotId: string): Tag[] => [
  { Key: RESTORE_TAG.stackId, Value: e.RecoveryStackId },
  { Key: RESTORE_TAG.kind, Value: e.Kind },
  { Key: RESTORE_TAG.snapshot, Value: snapshotId },
  { Key: RESTORE_TAG.execution, Value: e.ExecutionId },
];

/**
 * A drill's cluster name as the run policy recognises it (cluster:*-drill-????????, its writer db:*-drill-*-writer):
 * IAM lets the function tag kind=drill onto, and delete, only such names.
 */
const DRILL_NAME = /-drill-\w{8}$/;

/** The new cluster's identifier: the one asked for (RDS checks it and names the rule it breaks), or one derived from the source's. */
export function targetClusterId(e: RunEvent, now: number): string {
  const named = e.ClusterIdentifier.trim().toLowerCase();
  if (named && e.Kind === RESTORE_KIND.drill && !DRILL_NAME.test(named)) {
    throw new Error(`ClusterIdentifier "${named}": drill names end -drill-<8 letters/digits>; or leave it empty`);
  }
  if (named) return named;
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/\D/g, '');
  const suffix = e.Kind === RESTORE_KIND.drill ? `-drill-${e.ExecutionId.slice(0, 8)}` : `-restored-${stamp}`;
  return trim(e.SourceClusterId.toLowerCase(), 63 - suffix.length) + suffix;
}

/** A restore of this stack left without its writer, that this run may finish: the newest, if it fits what is asked. */
async function halfDoneRestore(rds: RDS, e: RunEvent): Promise<{ cluster: DBCluster; tags: { [key: string]: string } } | undefined> {
  const [wantedSnapshot, wantedCluster] = [e.SnapshotIdentifier.trim(), e.ClusterIdentifier.trim().toLowerCase()];
  return (await stackClusters(rds, e.RecoveryStackId))
    .filter(
      ({ cluster, tags }) =>
        tags[RESTORE_TAG.kind] === RESTORE_KIND.restore &&
        !cluster.DBClusterMembers?.length &&
        !TERMINAL_STATE.test(cluster.Status ?? '') &&
        (!wantedSnapshot || wantedSnapshot === tags[RESTORE_TAG.snapshot]) &&
        (!wantedCluster || wantedCluster === cluster.DBClusterIdentifier),
    )
    .sort((a, b) => (b.cluster.ClusterCreateTime?.getTime() ?? 0) - (a.cluster.ClusterCreateTime?.getTime() ?? 0))[0];
}

async function restoreCopy(e: RunEvent, now: number): Promise<{ ClusterId: string; SnapshotId: string }> {
  const rds = rdsClient();
  const region = process.env.AWS_REGION;
  const resumed = e.Kind === RESTORE_KIND.restore ? await halfDoneRestore(rds, e) : undefined;
  if (resumed) {
    const { cluster, tags } = resumed;
    await rds.addTagsToResource({ ResourceName: cluster.DBClusterArn, Tags: runTags(e, tags[RESTORE_TAG.snapshot] ?? '') });
    console.log(`Resuming ${cluster.DBClusterIdentifier}, restored by execution ${tags[RESTORE_TAG.execution]} without its writer`);
    return { ClusterId: cluster.DBClusterIdentifier!, SnapshotId: tags[RESTORE_TAG.snapshot] ?? '' };
  }
  const wanted = e.SnapshotIdentifier.trim();
  const copies = (await listCopies(region!, e.SourceClusterId, e.SourceStackId)).filter(
    (s) => !wanted || wanted === s.DBClusterSnapshotIdentifier || wanted === s.DBClusterSnapshotArn,
  );
  const snap = newestAvailable(copies);
  if (!snap) {
    throw new Error(
      `No available copy ${wanted} of ${e.SourceClusterId} made by ${e.SourceStackId} in ${region}. See them with: ` +
        `aws rds describe-db-cluster-snapshots --region ${region} --snapshot-type manual`,
    );
  }
  const refused = unrestorableProblem(snap);
  if (refused) throw new Error(refused);
  const target = targetClusterId(e, now);
  const sid = snap.DBClusterSnapshotIdentifier!;
  const tags = runTags(e, sid);
  // Without a captured configuration (a copy older than captures) the restore gets the engine's defaults; Verify says so.
  const config = await configOf(sid);
  const settings = config ? restoreSettings(config.cluster, await copyGroup(rds, true, groupName(e.Kind, target, config), config.cluster.parameterGroup, tags)) : {};
  await rds.restoreDBClusterFromSnapshot({
    ...settings,
    DBClusterIdentifier: target,
    SnapshotIdentifier: sid,
    Engine: snap.Engine,
    EngineVersion: snap.EngineVersion,
    // RDS would otherwise give every restore Aurora Standard storage (API reference: "Default: aurora").
    StorageType: snap.StorageType,
    KmsKeyId: e.KmsKeyArn,
    DBSubnetGroupName: e.SubnetGroup,
    VpcSecurityGroupIds: e.SecurityGroupIds.split(',').map((g) => g.trim()).filter(Boolean),
    DeletionProtection: e.Kind !== RESTORE_KIND.drill,
    CopyTagsToSnapshot: true,
    Tags: [...(settings.Tags ?? []).filter((t) => !tags.some((own) => own.Key === t.Key)), ...tags],
  });
  return { ClusterId: target, SnapshotId: sid };
}

/** This run's cluster, found by its execution tag. */
export async function runCluster(rds: RDS, e: RunEvent): Promise<{ cluster: DBCluster; tags: { [key: string]: string } } | undefined> {
  return (await stackClusters(rds, e.RecoveryStackId)).find(({ tags }) => tags[RESTORE_TAG.execution] === e.ExecutionId);
}

const waitOr = (what: string, status: string | undefined, since: Date | undefined, budgetHours: number, now: number): string => {
  if (TERMINAL_STATE.test(status ?? '')) throw new Error(`${what} is ${status}: it will not become available`);
  const minutes = (now - (since?.getTime() ?? now)) / 60_000;
  if (minutes > budgetHours * 60) throw new Error(`${what} is ${status} after ${Math.round(minutes)} min, over the ${budgetHours * 60} allowed`);
  return `${KEEP_WAITING}: ${what} is ${status}`;
};

/** The run's writer among the cluster's instances: the one named for it (readers are added after it). */
export const writerOf = (clusterId: string, instances: DBInstance[]): DBInstance | undefined =>
  instances.find((i) => i.DBInstanceIdentifier === writerId(clusterId));

/**
 * One look at the run: 'ready', or a sentence starting with KEEP_WAITING; throws when waiting cannot help.
 * A restore that asks for the source's readers gets them once its writer is available, all requested at one
 * look, each of the class captured with the copy and with the writer's parameter group.
 */
export async function advance(e: RunEvent, now: number): Promise<string> {
  const rds = rdsClient();
  const run = await runCluster(rds, e);
  if (!run) {
    const { ClusterId, SnapshotId } = await restoreCopy(e, now);
    return `${KEEP_WAITING}: ${ClusterId} is restoring from ${SnapshotId}`;
  }
  const { cluster, tags } = run;
  const id = cluster.DBClusterIdentifier!;
  if (cluster.Status !== 'available') return waitOr(`cluster ${id}`, cluster.Status, cluster.ClusterCreateTime, CLUSTER_BUDGET_HOURS, now);
  const instances = await instancesOf(rds, id);
  const writer = writerOf(id, instances);
  const snapshot = tags[RESTORE_TAG.snapshot] ?? '';
  const readers = e.Kind === RESTORE_KIND.restore && e.Readers === READERS.source;
  // The capture is read only by a look that adds an instance: not while the writer starts.
  const config = !writer || readers ? await configOf(snapshot) : undefined;
  const runTagList = runTags(e, snapshot);
  const add = async (DBInstanceIdentifier: string, DBInstanceClass: string | undefined, DBParameterGroupName?: string): Promise<string> => {
    try {
      await rds.createDBInstance({ DBInstanceIdentifier, DBClusterIdentifier: id, Engine: cluster.Engine, DBInstanceClass, DBParameterGroupName, Tags: runTagList });
    } catch (error) {
      const { name, message } = error as Error;
      // Capacity comes back and throttling passes: ask again at the next look, while the writer's time lasts.
      if (!TRANSIENT.test(name)) throw error;
      return waitOr(`${DBInstanceIdentifier} (${name}: ${message})`, 'not added yet', cluster.ClusterCreateTime, CLUSTER_BUDGET_HOURS + WRITER_BUDGET_HOURS, now);
    }
    return `${KEEP_WAITING}: ${DBInstanceIdentifier} added`;
  };
  if (!writer) {
    // The source's secret is in the source Region: a new one here, under the cluster's (the target) key, is the way to log in.
    if (config?.cluster.manageMasterUserPassword && !cluster.MasterUserSecret) {
      await rds.modifyDBCluster({ DBClusterIdentifier: id, ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: cluster.KmsKeyId, ApplyImmediately: true });
      return `${KEEP_WAITING}: ${id} gets a master user secret`;
    }
    return add(
      writerId(id),
      e.InstanceClass || (e.Kind === RESTORE_KIND.restore && config?.writer?.instanceClass) || e.DrillInstanceClass,
      config ? await copyGroup(rds, false, groupName(e.Kind, writerId(id), config), config.writer?.parameterGroup, runTagList) : undefined,
    );
  }
  if (writer.DBInstanceStatus !== 'available') {
    return waitOr(`writer ${writer.DBInstanceIdentifier}`, writer.DBInstanceStatus, writer.InstanceCreateTime ?? cluster.ClusterCreateTime, WRITER_BUDGET_HOURS, now);
  }
  const said: string[] = [];
  for (const [n, { instanceClass }] of ((readers && config?.readers) || []).entries()) {
    const reader = readerId(id, n + 1);
    const found = instances.find((i) => i.DBInstanceIdentifier === reader);
    if (!found) said.push(await add(reader, instanceClass, writer.DBParameterGroups?.[0]?.DBParameterGroupName));
    else if (found.DBInstanceStatus !== 'available') {
      said.push(waitOr(`reader ${reader}`, found.DBInstanceStatus, found.InstanceCreateTime, WRITER_BUDGET_HOURS, now));
    }
  }
  return said.join('; ') || 'ready';
}
