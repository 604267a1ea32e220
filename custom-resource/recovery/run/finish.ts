/**
 * Every run ends here, after success, any failure, a timeout or a cancel.
 *
 * It finds the run's cluster by its tags (so it needs nothing from the steps
 * before it) and gives the verdict: cluster and writer available, engine and
 * version those of the snapshot, up within the time the waits allow. It reports
 * the endpoint, the measured restore time (RTO: from the cluster's creation to
 * now; split at the writer's request, made once the cluster was available) and
 * the recovery point's age when the restore started (the copy's
 * source-created-at tag, the source snapshot's time; SnapshotCreateTime for
 * copies made before the tag). A drill deletes its own cluster first, then any left-over drill
 * cluster of this stack (another run's, older than a drill can last), without
 * a final snapshot; an error deleting one does not stop the others. Then it
 * publishes the figures as CloudWatch metrics (DrillSucceeded 0 when it did
 * not verify). A restore's cluster is the user's: never deleted, even after a
 * failure. A run fails here, so the alert rule hears it, when it did not
 * verify, when a drill cluster is left (the next drill deletes it) or when
 * the metrics were not published.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DBCluster,
  DBInstance,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { RECOVERY_METRIC, RESTORE_KIND, RESTORE_TAG } from '../contract';
import { COPY_TAG } from '../../shared/captured-config';
import { RunEvent, RunReport } from './contract';
import { stackName } from '../watchdog/check';
import {
  CLUSTER_BUDGET_HOURS,
  RUN_CLIENT_OPTIONS,
  WRITER_BUDGET_HOURS,
  instancesOf,
  isLeftOver,
  rdsClient,
  stackClusters,
} from './restore';

/** Tries to delete a cluster while its writer is still being deleted: RDS refuses until it is gone. */
const DELETE_ATTEMPTS = 10;
const DELETE_PAUSE_MS = 20_000;
const BUDGET_MINUTES = (CLUSTER_BUDGET_HOURS + WRITER_BUDGET_HOURS) * 60;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes a drill cluster and its instances; returns a sentence for what is left, or undefined. */
async function deleteCluster(rds: RDSClient, id: string, instances: DBInstance[]): Promise<string | undefined> {
  try {
    for (const i of instances) {
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: i.DBInstanceIdentifier })).catch((error: Error) => {
        if (!/DBInstanceNotFound|InvalidDBInstanceState/.test(error.name)) throw error;
      });
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
        return undefined;
      } catch (error) {
        // Its writer is not deleted yet.
        if ((error as Error).name !== 'InvalidDBClusterStateFault' || attempt >= DELETE_ATTEMPTS) throw error;
        await pause(DELETE_PAUSE_MS);
      }
    }
  } catch (error) {
    return `${id} left for the next drill (${(error as Error).name}: ${(error as Error).message})`;
  }
}

/** Minutes to all available, hours of the recovery point's age, minutes to the cluster, minutes of the writer. */
type Figures = [number, number, number, number];

async function verify(
  rds: RDSClient,
  c: DBCluster,
  instances: DBInstance[],
  snapshotId: string,
  now: number,
): Promise<{ problems: string[]; figures?: Figures }> {
  const problems = instances.length
    ? instances.filter((i) => i.DBInstanceStatus !== 'available').map((i) => `${i.DBInstanceIdentifier} is ${i.DBInstanceStatus}`)
    : ['no writer'];
  if (c.Status !== 'available') return { problems: [`cluster is ${c.Status}`, ...problems] };
  const [snap] =
    (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }))).DBClusterSnapshots ?? [];
  for (const k of ['Engine', 'EngineVersion'] as const) {
    if (c[k] !== snap?.[k]) problems.push(`${k} is ${c[k]}, the snapshot's ${snap?.[k]}`);
  }
  const start = c.ClusterCreateTime!.getTime();
  const minutes = (ms: number) => Math.round(ms / 6_000) / 10;
  const rto = minutes(now - start);
  const taken = Date.parse(snap?.TagList?.find((t) => t.Key === COPY_TAG.sourceCreatedAt)?.Value ?? '') || snap?.SnapshotCreateTime?.getTime() || start;
  const rpo = Math.round((start - taken) / 36_000) / 100;
  const cluster = minutes((instances[0]?.InstanceCreateTime?.getTime() ?? now) - start);
  if (rto > BUDGET_MINUTES) problems.push(`it took ${rto.toFixed(1)} min, over the ${BUDGET_MINUTES} the waits allow`);
  return { problems, figures: [rto, rpo, cluster, Math.round((rto - cluster) * 10) / 10] };
}

export async function finishRun(e: RunEvent, now: number): Promise<RunReport> {
  const rds = rdsClient();
  const region = process.env.AWS_REGION;
  const ours = await Promise.all(
    (await stackClusters(rds, e.RecoveryStackId)).map(async (o) => ({ ...o, instances: await instancesOf(rds, o.cluster.DBClusterIdentifier!) })),
  );
  const mine = ours.find((o) => o.tags[RESTORE_TAG.execution] === e.ExecutionId);
  const out: RunReport = {
    ClusterId: mine?.cluster.DBClusterIdentifier ?? '',
    Endpoint: mine?.cluster.Endpoint ?? '',
    SnapshotId: mine?.tags[RESTORE_TAG.snapshot] ?? '',
    RestoreMinutes: '',
    RecoveryPointHours: '',
    Message: '',
  };
  let problems = ['no cluster was restored'];
  let figures: Figures | undefined;
  if (mine) {
    // Whatever the check meets, the teardown below must run.
    try {
      ({ problems, figures } = await verify(rds, mine.cluster, mine.instances, out.SnapshotId, now));
    } catch (error) {
      problems = [`could not check it: ${(error as Error).name}: ${(error as Error).message}`];
    }
  }
  if (figures) [out.RestoreMinutes, out.RecoveryPointHours] = [figures[0].toFixed(1), figures[1].toFixed(2)];
  let verdict =
    `${out.ClusterId || 'Nothing'} from ${out.SnapshotId || 'no copy'}: ` +
    (problems.join('; ') || `verified in ${out.RestoreMinutes} min, recovery point ${out.RecoveryPointHours} h old`);
  if (e.Kind === RESTORE_KIND.drill) {
    const left: string[] = [];
    const gone: string[] = [];
    // This run's cluster first: a left-over must not stop it.
    for (const o of [...(mine ? [mine] : []), ...ours.filter((o) => o !== mine && isLeftOver(o.cluster, o.tags, e, now))]) {
      if (o.tags[RESTORE_TAG.kind] !== RESTORE_KIND.drill || o.cluster.DeletionProtection) continue;
      const id = o.cluster.DBClusterIdentifier!;
      const problem = await deleteCluster(rds, id, o.instances);
      if (problem) left.push(problem);
      else gone.push(id);
    }
    const data: [string, number][] = [[RECOVERY_METRIC.drillSucceeded, problems.length ? 0 : 1]];
    if (!problems.length && figures) {
      data.push(
        [RECOVERY_METRIC.drillRestoreMinutes, figures[0]],
        [RECOVERY_METRIC.drillCopyAgeHours, figures[1]],
        [RECOVERY_METRIC.drillClusterRestoreMinutes, figures[2]],
        [RECOVERY_METRIC.drillWriterMinutes, figures[3]],
      );
    }
    try {
      await new CloudWatchClient({ region, ...RUN_CLIENT_OPTIONS }).send(
        new PutMetricDataCommand({
          Namespace: RECOVERY_METRIC.namespace,
          MetricData: data.map(([MetricName, Value]) => ({
            MetricName,
            Value,
            Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: stackName(e.RecoveryStackId) }],
          })),
        }),
      );
    } catch (error) {
      left.push(`metrics not published (${(error as Error).message})`);
    }
    verdict = [`Drill ${verdict}. Deleted: ${gone.join(', ') || 'nothing'}`, ...left].join('. ');
    problems.push(...left);
  } else if (problems.length) {
    verdict += '. The cluster, if any, is left for you';
  }
  if (problems.length) {
    throw new Error(`${verdict}. See why: aws ssm get-automation-execution --region ${region} --automation-execution-id ${e.ExecutionId}`);
  }
  return { ...out, Message: verdict };
}
