/**
 * The recovery runbook from the generated recovery template, end to end in
 * the target Region of moto, after a real copy run of the source stack:
 * a restore, a drill, a drill failing at each step (always torn down), a
 * left-over drill cluster swept, and what must never be touched.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { AddTagsToResourceCommand, CreateDBClusterCommand, CreateDBInstanceCommand, DeleteDBClusterCommand, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { RECOVERY_METRIC, RESTORE_TAG } from '../../../custom-resource/recovery/contract';
import { RECOVERY_OUTPUT, RECOVERY_STEP } from '../../../generator/recovery/document';
import { RunReport } from '../../../custom-resource/recovery/run/contract';
import { RehearsalWorld, SOURCE_REGION, TARGET_REGION } from '../shared/rehearsal-world';
import { RecoveryStack, RecoveryWorld } from './recovery-world';
import { recordedRequests } from '../shared/iam-check';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';

jest.setTimeout(60_000);

const world = useRehearsalWorld();
const CLUSTER = 'orders-db';
const HOUR_MS = 3600 * 1000;
/** The steps a run went through, each once, in the order first reached (the look-and-pause loop repeats). */
const stepsReached = (result: Parameters<typeof stepsOf>[0]): string[] => [...new Set(stepsOf(result))];
const ALL_STEPS = [RECOVERY_STEP.restore, RECOVERY_STEP.waiting, RECOVERY_STEP.pause, RECOVERY_STEP.verify];
/** A verified run's report: the runbook's one output, Verify's JSON Payload. */
const reportOf = (result: { outputs: { [name: string]: unknown } }): RunReport => JSON.parse(String(result.outputs[RECOVERY_OUTPUT])) as RunReport;
/** A restore that takes 18 minutes for the cluster and 9 more for its writer. */
const TIMING = { region: TARGET_REGION, clusterSeconds: 18 * 60, instanceSeconds: 9 * 60 };

/** The source stack, one copy run of it six hours ago, and the recovery stack in the target Region. */
async function deployed(w: RehearsalWorld): Promise<{ recovery: RecoveryWorld; stack: RecoveryStack; copy: string }> {
  await w.createEncryptedCluster(CLUSTER);
  await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  const source = await w.createStack({ clusterId: CLUSTER, kmsTargetKey: 'alias/aurora-dr' });
  const copyRun = await w.run(source);
  expectStatus(copyRun, 'Success');
  await w.clock.advanceBy(6 * HOUR_MS);
  const recovery = new RecoveryWorld(w);
  const stack = await recovery.createRecoveryStack(source);
  await w.moto.setRestoreTiming(TIMING);
  return { recovery, stack, copy: (await w.stackSnapshots(TARGET_REGION, source))[0].id };
}

describe('recovery runbook rehearsal', () => {
  it('restores the newest copy into a protected cluster the user keeps, with its figures', async () => {
    const { recovery, stack, copy } = await deployed(world());
    const result = await recovery.run(stack);
    expectStatus(result, 'Success');
    expect(stepsReached(result)).toEqual(ALL_STEPS);
    const [restored] = (await recovery.clusters()).filter((c) => c.tags[RESTORE_TAG.kind] === 'restore');
    expect(restored).toMatchObject({ status: 'available', deletionProtection: true, writers: [`${restored.id}-writer`] });
    expect(restored.id).toMatch(/^orders-db-restored-\d{12}$/);
    expect(restored.tags).toMatchObject({ [RESTORE_TAG.stackId]: stack.stackId, [RESTORE_TAG.snapshot]: copy });
    expect(reportOf(result)).toMatchObject({ ClusterId: restored.id, SnapshotId: copy, RestoreMinutes: '27.0', RecoveryPointHours: '6.00' });
    expect(reportOf(result).Endpoint).toMatch(new RegExp(`^${restored.id}\\.cluster-`));
  });

  it('runs a drill: restores, verifies, measures, and leaves nothing behind', async () => {
    const { recovery, stack, copy } = await deployed(world());
    const result = await recovery.run(stack, { kind: 'drill' });
    expectStatus(result, 'Success');
    expect(reportOf(result)).toMatchObject({ SnapshotId: copy, RestoreMinutes: '27.0', RecoveryPointHours: '6.00' });
    expect(reportOf(result).Message).toMatch(/verified in 27.0 min, recovery point 6.00 h old\. Deleted: orders-db-drill-/);
    expect(await recovery.clusters()).toEqual([]);
  });

  const failures: Array<[string, (r: RecoveryWorld, w: RehearsalWorld, s: RecoveryStack) => Promise<void>, string, string]> = [
    [
      'adding the writer (its name is taken)',
      async (r) => {
        // Another cluster's instance already holds the writer name this execution derives.
        await r.createCluster('holder');
        await r.world.rds[TARGET_REGION].send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: 'orders-db-drill-d0d0d0d0-writer',
            DBClusterIdentifier: 'holder',
            Engine: 'aurora-postgresql',
            DBInstanceClass: 'db.r6g.large',
          }),
        );
      },
      'WriterNameTaken',
      'no writer',
    ],
    [
      'the wait for the cluster (it never becomes available)',
      async (_r, w) => w.moto.setRestoreTiming({ ...TIMING, clusterSeconds: 5 * 3600 }),
      'is creating after 243 min, over the 240 allowed',
      'cluster is creating',
    ],
    [
      'the wait for the writer (it fails)',
      async (_r, w) => w.moto.setRestoreTiming({ ...TIMING, instanceThen: 'failed' }),
      'writer orders-db-drill-d0d0d0d0-writer is failed: it will not become available',
      'orders-db-drill-d0d0d0d0-writer is failed',
    ],
  ];

  it.each(failures)('tears a drill down when %s fails, and fails loudly', async (_, breakIt, stepError, reason) => {
    const { recovery, stack } = await deployed(world());
    await breakIt(recovery, world(), stack);
    const before = (await recovery.clusters()).map((c) => c.id);
    const result = await recovery.run(stack, { kind: 'drill', executionId: 'd0d0d0d0-1111-4222-8333-444444444444' });
    expect(['Failed', 'TimedOut']).toContain(result.status);
    // The look that met the failure ends the wait at once, and the run goes to Verify.
    const [failed, finish] = result.timeline.slice(-2);
    expect(failed).toMatchObject({ step: RECOVERY_STEP.restore, status: 'Failed' });
    expect(failed.error).toContain(stepError === 'WriterNameTaken' ? 'DBInstanceAlreadyExists' : stepError);
    expect(finish.step).toBe(RECOVERY_STEP.verify);
    expect(finish.status).toBe('Failed');
    expect(finish.error).toContain(reason);
    expect(finish.error).toContain('aws ssm get-automation-execution --region us-west-2 --automation-execution-id d0d0d0d0-1111-4222-8333-444444444444');
    // The drill's own cluster is gone; everything that was there before is still there.
    expect((await recovery.clusters()).map((c) => c.id)).toEqual(before);
  });

  it('tears a drill down when the run is cancelled, and ends Cancelled', async () => {
    const { recovery, stack } = await deployed(world());
    const result = await recovery.run(stack, {
      kind: 'drill',
      beforeStep: async ({ step, cancel }) => {
        // Cancelled while the writer is being created.
        if (step === RECOVERY_STEP.pause && (await recovery.clusters()).some((c) => c.writers.length > 0)) cancel();
      },
    });
    expect(result.status).toBe('Cancelled');
    expect(stepsReached(result)).toEqual(ALL_STEPS);
    expect(result.timeline.at(-1)!.error).toMatch(/^Error: Drill orders-db-drill-\w+ from .*: \S+-writer is creating/);
    expect(await recovery.clusters()).toEqual([]);
  });

  it("never touches the user's restored cluster, another stack's drill or unrelated clusters", async () => {
    const { recovery, stack } = await deployed(world());
    expectStatus(await recovery.run(stack), 'Success');
    const other = 'arn:aws:cloudformation:us-west-2:123456789012:stack/another-recovery/0b0b0b0b-0000-4000-8000-000000000000';
    await recovery.createCluster('another-stacks-drill', [
      { Key: RESTORE_TAG.stackId, Value: other },
      { Key: RESTORE_TAG.kind, Value: 'drill' },
      { Key: RESTORE_TAG.execution, Value: 'old' },
    ]);
    await recovery.createCluster('reporting-db');
    await recovery.createCluster('protected-drill', RecoveryWorld.drillTags(stack, 'old'), true);
    await world().clock.advanceBy(30 * 24 * HOUR_MS);
    const before = await recovery.clusters();
    expectStatus(await recovery.run(stack, { kind: 'drill' }), 'Success');
    await world().moto.setRestoreTiming({ ...TIMING, clusterSeconds: 5 * 3600 });
    expect((await recovery.run(stack, { kind: 'drill' })).status).not.toBe('Success');
    expect(await recovery.clusters()).toEqual(before);
    expect(before.map((c) => c.id)).toEqual(
      expect.arrayContaining(['another-stacks-drill', 'protected-drill', 'reporting-db', expect.stringMatching(/^orders-db-restored-/)]),
    );
  });

  it('asks again for a writer refused for want of capacity, after a pause, and restores', async () => {
    const { recovery, stack } = await deployed(world());
    await recovery.failInstanceCreations(2, 'InsufficientDBInstanceCapacity');
    const result = await recovery.run(stack);
    expectStatus(result, 'Success');
    const looks = result.timeline.filter((t) => t.step === RECOVERY_STEP.restore).map((t) => String(t.outputs.Payload));
    // Two looks refused, one after the other, then the look that adds the writer. (The emulator refuses an attempt the
    // SDK sends again within one call as it refused the call, so a busy machine cannot merge two refusals into one look.)
    const refused = looks.map((payload, i) => (payload.includes('InsufficientDBInstanceCapacity') ? i : -1)).filter((i) => i >= 0);
    expect(refused).toEqual([refused[0], refused[0] + 1]);
    expect(looks[refused[1] + 1]).toContain('writer added');
    const creates = (await recordedRequests(world().moto.endpoint)).filter((r) => r.operation === 'CreateDBInstance');
    expect(creates.at(-1)!.status).toBe(200);
    expect(creates.slice(0, -1).every((r) => r.status === 400)).toBe(true);
    const restored = (await recovery.clusters()).filter((c) => c.tags[RESTORE_TAG.kind] === 'restore');
    expect(restored).toHaveLength(1);
    expect(restored[0].writers).toEqual([`${restored[0].id}-writer`]);
  });

  it('resumes a restore that stopped without its writer when run again, and ends with one cluster', async () => {
    const { recovery, stack } = await deployed(world());
    await recovery.failInstanceCreations(1, 'InvalidVPCNetworkStateFault');
    const first = await recovery.run(stack);
    expect(first.status).toBe('Failed');
    expect(first.timeline.find((t) => t.step === RECOVERY_STEP.restore && t.status === 'Failed')!.error).toContain('InvalidVPCNetworkStateFault');
    const [halfDone] = await recovery.clusters();
    expect(halfDone.writers).toEqual([]);

    const second = await recovery.run(stack);
    expectStatus(second, 'Success');
    const clusters = await recovery.clusters();
    expect(clusters.map((c) => c.id)).toEqual([halfDone.id]);
    expect(clusters[0].writers).toEqual([`${halfDone.id}-writer`]);
    expect(clusters[0].tags[RESTORE_TAG.execution]).toBe(second.executionId);
    expect(reportOf(second).ClusterId).toBe(halfDone.id);
  });

  it('restores and drills with every call to the source Region failing', async () => {
    const { recovery, stack, copy } = await deployed(world());
    await recovery.refuseRegion(SOURCE_REGION);
    // The outage is real: the source Region answers nothing.
    await expect(world().rds[SOURCE_REGION].send(new DescribeDBClustersCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expectStatus(await recovery.run(stack, { kind: 'drill' }), 'Success');
    const restore = await recovery.run(stack);
    expectStatus(restore, 'Success');
    expect(reportOf(restore).SnapshotId).toBe(copy);
    await recovery.refuseRegion(undefined);
  });

  it('refuses, naming the reason, to restore an Aurora Serverless v1 copy', async () => {
    const w = world();
    // The DR stack refuses a Serverless v1 cluster now, so such a copy is one made before it did: here a snapshot
    // of a Serverless v1 cluster in the target Region, named and tagged as the stack names and tags its copies.
    await w.createEncryptedCluster('legacy-db');
    await w.createKey(TARGET_REGION, 'alias/aurora-dr');
    const source = await w.createStack({ clusterId: 'legacy-db', kmsTargetKey: 'alias/aurora-dr' });
    const rds = w.rds[TARGET_REGION];
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'legacy-db',
        Engine: 'aurora-mysql',
        EngineMode: 'serverless',
        MasterUsername: 'admin_user',
        MasterUserPassword: 'rehearsal-password-1',
        StorageEncrypted: true,
        KmsKeyId: source.targetKeyArn,
      }),
    );
    await w.createManualSnapshot(TARGET_REGION, 'legacy-db', 'legacy-db-dr-202612010300-0a1b2c3d', [
      { Key: SNAPSHOT_TAG.stackId, Value: source.stackId },
      { Key: SNAPSHOT_TAG.cluster, Value: 'legacy-db' },
    ]);
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'legacy-db', SkipFinalSnapshot: true }));
    const recovery = new RecoveryWorld(w);
    const stack = await recovery.createRecoveryStack(source);
    const result = await recovery.run(stack);
    expect(result.status).toBe('Failed');
    expect(result.timeline[0]).toMatchObject({ step: RECOVERY_STEP.restore, status: 'Failed' });
    expect(result.timeline[0].error).toContain('is Aurora Serverless v1 (EngineMode serverless), which takes no writer instance');
    expect(await recovery.clusters()).toEqual([]);
  });

  it("refuses a drill into a cluster named as the user likes, naming the value and the fix: only a drill's name lets it be deleted", async () => {
    const { recovery, stack } = await deployed(world());
    const result = await recovery.run(stack, { kind: 'drill', parameters: { ClusterIdentifier: 'orders-db-test' } });
    expect(result.status).toBe('Failed');
    expect(result.timeline[0]).toMatchObject({ step: RECOVERY_STEP.restore, status: 'Failed' });
    expect(result.timeline[0].error).toContain('ClusterIdentifier "orders-db-test"');
    expect(result.timeline[0].error).toContain('drill names end -drill-<8 letters/digits>; or leave it empty');
    expect(await recovery.clusters()).toEqual([]);
  });

  it('drills into a drill-named cluster when one is asked for, and deletes it', async () => {
    const { recovery, stack } = await deployed(world());
    const result = await recovery.run(stack, { kind: 'drill', parameters: { ClusterIdentifier: 'orders-db-drill-monday01' } });
    expectStatus(result, 'Success');
    expect(reportOf(result).ClusterId).toBe('orders-db-drill-monday01');
    expect(await recovery.clusters()).toEqual([]);
  });

  it("publishes a drill's RTO, split at the writer, and the age of the copy's recovery point from its source-created-at tag", async () => {
    const { recovery, stack, copy } = await deployed(world());
    const w = world();
    // The source snapshot was taken an hour before its copy: the tag, not the copy's own time, is the recovery point.
    const [{ arn }] = (await w.snapshots(TARGET_REGION)).filter((s) => s.id === copy);
    const sourceCreatedAt = new Date(w.clock.now() - 7 * HOUR_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    await w.rds[TARGET_REGION].send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: COPY_TAG.sourceCreatedAt, Value: sourceCreatedAt }] }));
    const result = await recovery.run(stack, { kind: 'drill' });
    expectStatus(result, 'Success');
    expect(reportOf(result).RecoveryPointHours).toBe('7.00');
    const cloudWatch = new CloudWatchClient({ region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS });
    const published = async (name: string) => {
      const { Datapoints } = await cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: RECOVERY_METRIC.namespace,
          MetricName: name,
          Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: stack.stackName }],
          StartTime: new Date(w.clock.now() - 24 * HOUR_MS),
          EndTime: new Date(w.clock.now() + HOUR_MS),
          Period: 60,
          Statistics: ['Maximum'],
        }),
      );
      return (Datapoints ?? []).map((d) => d.Maximum);
    };
    expect(await published(RECOVERY_METRIC.drillSucceeded)).toEqual([1]);
    expect(await published(RECOVERY_METRIC.drillRestoreMinutes)).toEqual([27]);
    expect(await published(RECOVERY_METRIC.drillClusterRestoreMinutes)).toEqual([18]);
    expect(await published(RECOVERY_METRIC.drillWriterMinutes)).toEqual([9]);
    expect(await published(RECOVERY_METRIC.drillCopyAgeHours)).toEqual([7]);
    expect(await published('DrillRecoveryPointHours')).toEqual([]);
  });
});
