/**
 * Every run ends here, after success, any failure, a timeout or a cancel.
 *
 * It finds the run's cluster by its tags (so it needs nothing from the steps
 * before it) and gives the verdict: cluster and writer available, engine and
 * version those of the snapshot, every attribute the configuration captured
 * with the copy names as the source had it (run/fidelity.ts), up within the
 * time the waits allow. It reports the endpoint, the master user secret, the
 * measured restore time (RTO: from the cluster's creation to now; split at the
 * writer's request, made once the cluster was available) and the recovery
 * point's age when the restore started (the copy's source-created-at tag, the
 * source snapshot's time; SnapshotCreateTime for copies made before the tag).
 * A drill deletes its own cluster, without a final snapshot (what it cannot
 * delete yet, the hourly check deletes: watchdog/drill-cleanup.ts), then
 * publishes the figures as CloudWatch metrics (DrillSucceeded 0 when it did
 * not verify, DrillFidelityDifferences the count of differences). A drill's
 * validation function, when the stack names one, is asked once the cluster
 * and writer are available (run/validation.ts): its verdict is part of the
 * drill's, the time it took the RTO's last part (DrillLoginMinutes). A
 * restore's cluster is the user's: never deleted, even after a failure. A run
 * fails here, so the alert rule hears it, when it did not verify, when a drill
 * cluster is left or when the metrics were not published.
 */
import { CloudWatch } from '@aws-sdk/client-cloudwatch';
import {
  DBCluster,
  DBInstance,
  RDS,
} from '@aws-sdk/client-rds';
import { RECOVERY_METRIC, RESTORE_KIND, RESTORE_TAG } from '../contract';
import { COPY_TAG } from '../../shared/captured-config';
import { RunEvent, RunReport, VALIDATED } from './contract';
import { stackName } from '../watchdog/check';
import { differences } from './fidelity';
import { validate } from './validation';
import {
  CLUSTER_BUDGET_HOURS,
  RUN_CLIENT_OPTIONS,
  WRITER_BUDGET_HOURS,
  configOf,
  deleteDrillCluster,
  instancesOf,
  rdsClient,
  runCluster,
  writerOf,
} from './restore';

const BUDGET_MINUTES = (CLUSTER_BUDGET_HOURS + WRITER_BUDGET_HOURS) * 60;

/** Minutes to all available, hours of the recovery point's age, minutes to the cluster, minutes of the writer. */
type Figures = [number, number, number, number];

async function verify(
  rds: RDS,
  c: DBCluster,
  instances: DBInstance[],
  snapshotId: string,
  now: number,
): Promise<{ problems: string[]; figures?: Figures; unfaithful?: number }> {
  const writer = writerOf(c.DBClusterIdentifier!, instances);
  const problems = writer
    ? instances.filter((i) => i.DBInstanceStatus !== 'available').map((i) => `${i.DBInstanceIdentifier} is ${i.DBInstanceStatus}`)
    : ['no writer'];
  if (c.Status !== 'available') return { problems: [`cluster is ${c.Status}`, ...problems] };
  const [snap] =
    (await rds.describeDBClusterSnapshots({ DBClusterSnapshotIdentifier: snapshotId })).DBClusterSnapshots ?? [];
  for (const k of ['Engine', 'EngineVersion'] as const) {
    if (c[k] !== snap?.[k]) problems.push(`${k} is ${c[k]}, the snapshot's ${snap?.[k]}`);
  }
  const start = c.ClusterCreateTime!.getTime();
  const minutes = (ms: number) => Math.round(ms / 6_000) / 10;
  const rto = minutes(now - start);
  const taken = Date.parse(snap?.TagList?.find((t) => t.Key === COPY_TAG.sourceCreatedAt)?.Value ?? '') || snap?.SnapshotCreateTime?.getTime() || start;
  const rpo = Math.round((start - taken) / 36_000) / 100;
  const cluster = minutes((writer?.InstanceCreateTime?.getTime() ?? now) - start);
  if (rto > BUDGET_MINUTES) problems.push(`it took ${rto.toFixed(1)} min, over the ${BUDGET_MINUTES} the waits allow`);
  const config = await configOf(snapshotId);
  const unfaithful = config ? await differences(rds, c, writer, config) : [`no configuration was captured with ${snapshotId}, so it has the engine's defaults`];
  return { problems: [...problems, ...unfaithful], figures: [rto, rpo, cluster, Math.round((rto - cluster) * 10) / 10], unfaithful: unfaithful.length };
}

export async function finishRun(e: RunEvent, now: number): Promise<RunReport> {
  const rds = rdsClient();
  const region = process.env.AWS_REGION;
  const run = await runCluster(rds, e);
  const mine = run && { ...run, instances: await instancesOf(rds, run.cluster.DBClusterIdentifier!) };
  const out: RunReport = {
    ClusterId: mine?.cluster.DBClusterIdentifier ?? '',
    Endpoint: mine?.cluster.Endpoint ?? '',
    SnapshotId: mine?.tags[RESTORE_TAG.snapshot] ?? '',
    RestoreMinutes: '',
    RecoveryPointHours: '',
    SecretArn: mine?.cluster.MasterUserSecret?.SecretArn ?? '',
    Message: '',
  };
  let problems = ['no cluster was restored'];
  let figures: Figures | undefined;
  let unfaithful: number | undefined;
  if (mine) {
    // Whatever the check meets, the teardown below must run.
    try {
      ({ problems, figures, unfaithful } = await verify(rds, mine.cluster, mine.instances, out.SnapshotId, now));
    } catch (error) {
      problems = [`could not check it: ${(error as Error).name}: ${(error as Error).message}`];
    }
  }
  const hook = e.Kind === RESTORE_KIND.drill && e.ValidationFunction;
  let validated: { problem?: string; message: string; minutes: number } | undefined;
  if (hook && figures && mine!.instances.every((i) => i.DBInstanceStatus === 'available')) {
    const started = Date.now();
    const { Port, Engine } = mine!.cluster;
    validated = {
      ...(await validate(hook, { ClusterIdentifier: out.ClusterId, Endpoint: out.Endpoint, Port: Port!, SecretArn: out.SecretArn, SnapshotIdentifier: out.SnapshotId, Engine: Engine! })),
      minutes: Math.round((Date.now() - started) / 6_000) / 10,
    };
    if (validated.problem) problems.push(validated.problem);
    // The RTO's last part: the time until the function had logged in and answered.
    else figures[0] = Math.round((figures[0] + validated.minutes) * 10) / 10;
  }
  if (figures) [out.RestoreMinutes, out.RecoveryPointHours] = [figures[0].toFixed(1), figures[1].toFixed(2)];
  let verdict =
    `${out.ClusterId || 'Nothing'} from ${out.SnapshotId || 'no copy'}: ` +
    (problems.join('; ') || `verified in ${out.RestoreMinutes} min, recovery point ${out.RecoveryPointHours} h old`);
  if (e.Kind === RESTORE_KIND.drill) {
    const left: string[] = [];
    const gone: string[] = [];
    if (mine?.tags[RESTORE_TAG.kind] === RESTORE_KIND.drill && !mine.cluster.DeletionProtection) {
      try {
        await deleteDrillCluster(rds, mine.cluster);
        gone.push(out.ClusterId);
      } catch (error) {
        left.push(`${out.ClusterId} left for the hourly check (${(error as Error).name}: ${(error as Error).message})`);
      }
    }
    const data: [string, number][] = [[RECOVERY_METRIC.drillSucceeded, problems.length ? 0 : 1]];
    if (unfaithful !== undefined) data.push([RECOVERY_METRIC.drillFidelityDifferences, unfaithful]);
    if (hook) data.push([RECOVERY_METRIC.drillValidationSucceeded, validated && !validated.problem ? 1 : 0]);
    if (!problems.length && figures) {
      if (validated) data.push([RECOVERY_METRIC.drillLoginMinutes, validated.minutes]);
      data.push(
        [RECOVERY_METRIC.drillRestoreMinutes, figures[0]],
        [RECOVERY_METRIC.drillCopyAgeHours, figures[1]],
        [RECOVERY_METRIC.drillClusterRestoreMinutes, figures[2]],
        [RECOVERY_METRIC.drillWriterMinutes, figures[3]],
      );
    }
    try {
      await new CloudWatch({ region, ...RUN_CLIENT_OPTIONS }).putMetricData({
        Namespace: RECOVERY_METRIC.namespace,
        MetricData: data.map(([MetricName, Value]) => ({
          MetricName,
          Value,
          Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: stackName(e.RecoveryStackId) }],
        })),
      });
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
  // The validation function's own words end the message, where the CLI finds them.
  return { ...out, Message: verdict + (validated ? VALIDATED + validated.message : '') };
}
