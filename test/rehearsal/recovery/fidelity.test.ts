/**
 * The restore gives back the user's cluster, with the source Region down: three
 * sources, each with what a snapshot does not keep (custom cluster and writer
 * parameter groups, I/O-Optimized storage, IAM auth, log exports, tags, a
 * password Secrets Manager manages, Backtrack, lower_case_table_names, a
 * Serverless v2 writer), copied by a real run of the source stack, then
 * restored in the target Region with every call to the source Region failing
 * and compared with the source attribute by attribute, as read before the
 * outage. A drill compares the same itself, and fails naming a difference.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterParameterGroupCommand,
} from '@aws-sdk/client-rds';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RECOVERY_OUTPUT, RECOVERY_STEP } from '../../../generator/recovery/document';
import { RunReport } from '../../../custom-resource/recovery/run/contract';
import { RECOVERY_METRIC, RESTORED_GROUP_PREFIX, RESTORE_TAG } from '../../../custom-resource/recovery/contract';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { RehearsalWorld, SOURCE_REGION, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, useRehearsalWorld } from '../shared/scenario-support';
import { RecoveryWorld } from './recovery-world';
import { SOURCES, Source, attributes, createConfiguredSource, userValues } from './configured-source';
import { recordedRequests } from '../shared/iam-check';

jest.setTimeout(120_000);

const world = useRehearsalWorld();
const HOUR_MS = 3_600_000;
const reportOf = (result: { outputs: { [name: string]: unknown } }): RunReport => JSON.parse(String(result.outputs[RECOVERY_OUTPUT])) as RunReport;

/** The source cluster and its writer in the source Region, the source stack, one copy run, and the recovery stack. */
async function protectedSource(w: RehearsalWorld, source: Source, recoveryParameters: { [name: string]: string } = {}) {
  const before = await createConfiguredSource(w, source);
  await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  const stack = await w.createStack({ clusterId: source.cluster, kmsTargetKey: 'alias/aurora-dr' });
  expectStatus(await w.run(stack), 'Success');
  await w.clock.advanceBy(2 * HOUR_MS);
  const recovery = new RecoveryWorld(w);
  const recoveryStack = await recovery.createRecoveryStack(stack, recoveryParameters);
  await w.moto.setRestoreTiming({ region: TARGET_REGION, clusterSeconds: 15 * 60, instanceSeconds: 8 * 60 });
  return { before, recovery, recoveryStack };
}

describe('a restore gives back the source as it was configured, with the source Region down', () => {
  it.each(SOURCES.map((s) => [s.cluster, s] as const))('%s: restored and compared attribute by attribute', async (_, source) => {
    const w = world();
    const { before, recovery, recoveryStack } = await protectedSource(w, source);
    // The checks above read the source; from here on its Region answers nothing.
    await recovery.refuseRegion(SOURCE_REGION);

    const result = await recovery.run(recoveryStack);

    expectStatus(result, 'Success');
    const report = reportOf(result);
    const target = w.rds[TARGET_REGION];
    const restored = await attributes(target, report.ClusterId);
    // The restore's writer is of the source's class by default; the secret is new, in this Region.
    expect(restored).toEqual(before);
    expect(report.Message).toContain('verified');
    if (source.settings.ManageMasterUserPassword) {
      expect(report.SecretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:${TARGET_REGION}:\\d{12}:secret:rds!cluster-`));
      const secrets = new SecretsManagerClient({ region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS });
      await expect(secrets.send(new DescribeSecretCommand({ SecretId: report.SecretArn }))).resolves.toMatchObject({ ARN: report.SecretArn });
    } else {
      expect(report.SecretArn).toBe('');
    }
    // The parameter values live in groups the restore made, named after the cluster and tagged as it is.
    const [cluster] = (await target.send(new DescribeDBClustersCommand({ DBClusterIdentifier: report.ClusterId }))).DBClusters!;
    expect(cluster.DBClusterParameterGroup).toBe(`${RESTORED_GROUP_PREFIX}${report.ClusterId}`);
    expect(Object.fromEntries(cluster.TagList!.map((t) => [t.Key, t.Value]))).toMatchObject({ [RESTORE_TAG.stackId]: recoveryStack.stackId, [RESTORE_TAG.kind]: 'restore' });
    await recovery.refuseRegion(undefined);
  });

  it('drills the same way: the drill finds no difference, publishes none, and leaves its groups for the next drill', async () => {
    const w = world();
    const target = w.rds[TARGET_REGION];
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0]);
    const group = `${RESTORED_GROUP_PREFIX}orders-pg-drill-aurora-postgresql16`;
    for (const round of [1, 2]) {
      const result = await recovery.run(recoveryStack, { kind: 'drill' });
      expectStatus(result, 'Success');
      expect(reportOf(result).Message).toContain('verified');
      expect(await recovery.clusters()).toEqual([]);
      expect(await differencesPublished(w, recoveryStack.stackName)).toEqual({ samples: round, maximum: 0 });
      // A stack that names no validation function asks none, and publishes no validation verdict.
      expect((await recordedRequests(w.moto.endpoint)).filter((r) => r.service === 'lambda')).toEqual([]);
      expect(await published(w, recoveryStack.stackName, RECOVERY_METRIC.drillValidationSucceeded)).toEqual({ samples: 0, maximum: -Infinity });
      // One pair of groups serves every drill, holding the source's values and no other.
      const { DBClusterParameterGroups } = await target.send(new DescribeDBClusterParameterGroupsCommand({}));
      expect(DBClusterParameterGroups!.map((g) => g.DBClusterParameterGroupName).filter((name) => name!.startsWith(RESTORED_GROUP_PREFIX))).toEqual([group]);
      expect(await userValues(target, true, group)).toEqual(SOURCES[0].clusterParameters);
      expect(await userValues(target, false, group)).toEqual(SOURCES[0].writerParameters);
      // A value an older capture had must not outlive it: the next drill empties the group first.
      await target.send(
        new ModifyDBClusterParameterGroupCommand({ DBClusterParameterGroupName: group, Parameters: [{ ParameterName: 'work_mem', ParameterValue: '65536', ApplyMethod: 'immediate' }] }),
      );
      await w.clock.advanceBy(7 * 24 * HOUR_MS);
    }
  });

  it('fails a drill whose cluster comes back unlike the source, naming each difference', async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0]);
    const group = `${RESTORED_GROUP_PREFIX}orders-pg-drill-aurora-postgresql16`;
    const result = await recovery.run(recoveryStack, {
      kind: 'drill',
      beforeStep: async ({ step }) => {
        // Something changes the drill's cluster group between the restore and the check.
        if (step !== RECOVERY_STEP.verify) return;
        await w.rds[TARGET_REGION].send(
          new ModifyDBClusterParameterGroupCommand({
            DBClusterParameterGroupName: group,
            Parameters: [{ ParameterName: 'rds.force_ssl', ParameterValue: '0', ApplyMethod: 'immediate' }],
          }),
        );
      },
    });
    expect(result.status).toBe('Failed');
    const verify = result.timeline.at(-1)!;
    expect(verify.step).toBe(RECOVERY_STEP.verify);
    expect(verify.error).toContain('cluster parameter rds.force_ssl is "0", the source\'s "1"');
    expect(await recovery.clusters()).toEqual([]);
    expect(await differencesPublished(w, recoveryStack.stackName)).toEqual({ samples: 1, maximum: 1 });
  });

  it("adds the source's readers when the restore asks, once the writer is up, each of its class with the writer's group", async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0]);
    await recovery.refuseRegion(SOURCE_REGION);
    const without = await recovery.run(recoveryStack, { parameters: { ClusterIdentifier: 'orders-pg-writer-only' } });
    const withReaders = await recovery.run(recoveryStack, { parameters: { ClusterIdentifier: 'orders-pg-full', Readers: 'source' } });
    await recovery.refuseRegion(undefined);

    expectStatus(without, 'Success');
    expectStatus(withReaders, 'Success');
    const target = w.rds[TARGET_REGION];
    const instancesOf = async (cluster: string) =>
      ((await target.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [cluster] }] }))).DBInstances ?? [])
        .map((i) => [i.DBInstanceIdentifier, i.DBInstanceClass, i.DBInstanceStatus, i.DBParameterGroups![0].DBParameterGroupName])
        .sort();
    // By default a restore is its writer alone: the fastest way back.
    expect(await instancesOf('orders-pg-writer-only')).toEqual([
      ['orders-pg-writer-only-writer', 'db.r6g.xlarge', 'available', `${RESTORED_GROUP_PREFIX}orders-pg-writer-only-writer`],
    ]);
    const group = `${RESTORED_GROUP_PREFIX}orders-pg-full-writer`;
    expect(await instancesOf('orders-pg-full')).toEqual([
      ['orders-pg-full-reader-1', 'db.r6g.large', 'available', group],
      ['orders-pg-full-reader-2', 'db.r6g.xlarge', 'available', group],
      ['orders-pg-full-writer', 'db.r6g.xlarge', 'available', group],
    ]);
    // The readers were asked for once the writer was available, at one look.
    const [cluster] = (await target.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-pg-full' }))).DBClusters!;
    expect(cluster.DBClusterMembers!.filter((m) => m.IsClusterWriter).map((m) => m.DBInstanceIdentifier)).toEqual(['orders-pg-full-writer']);
    const advances = withReaders.timeline.filter((t) => t.step === RECOVERY_STEP.restore).map((t) => String(t.outputs?.Payload ?? ''));
    expect(advances.filter((said) => said.includes('reader-1 added'))).toEqual([expect.stringContaining('orders-pg-full-reader-2 added')]);
    expect(reportOf(withReaders).Message).toContain('verified');
  });

  it('restores a copy with the configuration captured with it, not a later one', async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[1]);
    const [first] = await w.stackSnapshots(TARGET_REGION, recoveryStack.sourceStack);
    // The source changes, and the next run copies it as it is now.
    await w.rds[SOURCE_REGION].send(
      new ModifyDBClusterParameterGroupCommand({
        DBClusterParameterGroupName: 'ledger-mysql-params',
        Parameters: [{ ParameterName: 'binlog_format', ParameterValue: 'MIXED', ApplyMethod: 'immediate' }],
      }),
    );
    expectStatus(await w.run(recoveryStack.sourceStack), 'Success');

    const older = await recovery.run(recoveryStack, { parameters: { SnapshotIdentifier: first.id } });
    const newer = await recovery.run(recoveryStack, { parameters: { ClusterIdentifier: 'ledger-mysql-now' } });

    expectStatus(older, 'Success');
    expectStatus(newer, 'Success');
    const target = w.rds[TARGET_REGION];
    expect((await attributes(target, reportOf(older).ClusterId)).clusterParameters).toEqual({ lower_case_table_names: '1', binlog_format: 'ROW' });
    expect((await attributes(target, 'ledger-mysql-now')).clusterParameters).toEqual({ lower_case_table_names: '1', binlog_format: 'MIXED' });
  });
});

describe("a drill asks the stack's validation function whether the cluster serves", () => {
  const VALIDATOR = 'orders-drill-check';
  const invocations = async (w: RehearsalWorld) =>
    (await recordedRequests(w.moto.endpoint)).filter((r) => r.service === 'lambda' && r.operation === 'Invoke');

  it('sends it the endpoint, port, secret and copy once the writer is up; its yes is in the verdict and the metrics', async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0], { DrillValidationFunction: VALIDATOR });
    await recovery.answerValidations({ Succeeded: true, Message: 'logged in as postgres; SELECT 1' });

    const result = await recovery.run(recoveryStack, { kind: 'drill' });

    expectStatus(result, 'Success');
    const report = reportOf(result);
    expect(report.Message).toContain('verified');
    expect(report.Message).toContain('validated: logged in as postgres; SELECT 1');
    const [call] = await invocations(w);
    expect(call.parameters).toEqual({
      FunctionName: VALIDATOR,
      Payload: {
        ClusterIdentifier: report.ClusterId,
        Endpoint: report.Endpoint,
        Port: 5433,
        SecretArn: report.SecretArn,
        SnapshotIdentifier: report.SnapshotId,
        Engine: 'aurora-postgresql',
      },
    });
    expect(report.SecretArn).toMatch(/:secret:rds!cluster-/);
    expect(await published(w, recoveryStack.stackName, RECOVERY_METRIC.drillValidationSucceeded)).toEqual({ samples: 1, maximum: 1 });
    // The login is the RTO's last part: the function answers in no virtual time here.
    expect(await published(w, recoveryStack.stackName, RECOVERY_METRIC.drillLoginMinutes)).toEqual({ samples: 1, maximum: 0 });
    expect(await recovery.clusters()).toEqual([]);
  });

  it('fails the drill, naming the function and its message, when it says no; the cluster still goes', async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0], { DrillValidationFunction: VALIDATOR });
    await recovery.answerValidations({ Succeeded: false, Message: 'password authentication failed for user "postgres"' });

    const result = await recovery.run(recoveryStack, { kind: 'drill' });

    // Failed: the stack's alert rule hears every run that ends so.
    expect(result.status).toBe('Failed');
    expect(result.timeline.at(-1)!.error).toContain(
      `validation function ${VALIDATOR} says the cluster fails: password authentication failed for user "postgres"`,
    );
    expect(await published(w, recoveryStack.stackName, RECOVERY_METRIC.drillValidationSucceeded)).toEqual({ samples: 1, maximum: 0 });
    expect(await published(w, recoveryStack.stackName, RECOVERY_METRIC.drillSucceeded)).toEqual({ samples: 1, maximum: 0 });
    expect(await recovery.clusters()).toEqual([]);
  });

  it('is not asked by a restore: the cluster is the user\'s, and the function may write to what it checks', async () => {
    const w = world();
    const { recovery, recoveryStack } = await protectedSource(w, SOURCES[0], { DrillValidationFunction: VALIDATOR });
    expectStatus(await recovery.run(recoveryStack), 'Success');
    expect(await invocations(w)).toEqual([]);
  });
});

/** How many drills published DrillFidelityDifferences, and the most differences one found. */
const differencesPublished = (w: RehearsalWorld, stackName: string) => published(w, stackName, RECOVERY_METRIC.drillFidelityDifferences);

/** How many drills of the stack published `metric`, and the highest value. */
async function published(w: RehearsalWorld, stackName: string, metric: string): Promise<{ samples: number; maximum: number }> {
  const cloudWatch = new CloudWatchClient({ region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS });
  const { Datapoints } = await cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: metric,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: stackName }],
      StartTime: new Date(w.clock.now() - 30 * 24 * HOUR_MS),
      EndTime: new Date(w.clock.now() + HOUR_MS),
      Period: 60,
      Statistics: ['Maximum', 'SampleCount'],
    }),
  );
  const points = Datapoints ?? [];
  return { samples: points.reduce((sum, d) => sum + d.SampleCount!, 0), maximum: Math.max(...points.map((d) => d.Maximum!)) };
}
