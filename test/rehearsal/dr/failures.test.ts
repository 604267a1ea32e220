/**
 * Runs that cannot succeed, and runs that must wait: the source snapshot ends
 * "failed"; the copy is refused, ends "failed" or never ends; the target Region already has its five copies in
 * progress. A failed run must fail loudly, with the script's own message, and
 * must delete nothing.
 */
import { CopyDBClusterSnapshotCommand } from '@aws-sdk/client-rds';
import { ACCOUNT_ID, DAY_MS, RehearsalWorld, SOURCE_REGION, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';
import { ExecutionResult } from '../shared/runbook-runner';

const world = useRehearsalWorld();
const CLUSTER = 'ledger-db';

/** A stack with one day of history: day 0's snapshot and copy, expired by the time of the run under test. */
async function deployWithHistory(w: RehearsalWorld): Promise<{ stack: Stack; dayZero: number }> {
  await w.createEncryptedCluster(CLUSTER);
  const keyArn = await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  const stack = await w.createStack({ clusterId: CLUSTER, kmsTargetKey: 'alias/aurora-dr', sourceRetentionDays: 1, targetRetentionDays: 1 });
  expect(stack.targetKeyArn).toBe(keyArn);
  const dayZero = w.clock.now();
  expectStatus(await w.run(stack), 'Success');
  await w.clock.advanceTo(dayZero + 2 * DAY_MS);
  return { stack, dayZero };
}

/** Every snapshot present before is still there: the run deleted nothing. */
async function expectNothingDeleted(w: RehearsalWorld, before: { source: string[]; target: string[] }, result: ExecutionResult) {
  const after = await w.snapshotIds();
  expect({ source: before.source.filter((id) => !after.source.includes(id)), target: before.target.filter((id) => !after.target.includes(id)) }).toEqual({
    source: [],
    target: [],
  });
  expect(stepsOf(result)).not.toContain('PruneExpiredSnapshots');
}

/** Five cross-Region copies of somebody else's snapshots, in progress in the target Region. */
async function fiveCopiesInProgress(w: RehearsalWorld, stack: Stack, forSeconds?: number): Promise<void> {
  for (let n = 1; n <= 5; n += 1) {
    const id = `reporting-copy-${n}`;
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, id);
    await w.rds[TARGET_REGION].send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: `arn:aws:rds:${SOURCE_REGION}:${ACCOUNT_ID}:cluster-snapshot:${id}`,
        TargetDBClusterSnapshotIdentifier: id,
        KmsKeyId: stack.targetKeyArn,
      }),
    );
    await w.moto.setSnapshotStatus(id, { region: TARGET_REGION, status: 'copying', forSeconds });
  }
}

describe('when the source snapshot fails', () => {
  it('fails within minutes, naming the snapshot and its status, and starts no copy', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    await w.moto.setNewSnapshotStatus('create', { region: SOURCE_REGION, status: 'creating', forSeconds: 5 * 60, thenStatus: 'failed' });
    const before = await w.snapshotIds();
    const copiesBefore = (await w.moto.snapshotCalls()).filter((call) => call.operation === 'CopyDBClusterSnapshot').length;

    const result = await w.run(stack);
    expectStatus(result, 'Failed');
    const snapshotId = String(result.timeline[0].outputs.SnapshotId);
    expect(result.failedStep).toBe('CopyToTargetRegion');
    expect(result.failureMessage).toContain(`Source snapshot ${snapshotId} in ${SOURCE_REGION} is failed, not available: no copy started`);
    const minutes = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 60_000;
    expect(minutes).toBeLessThan(15);
    expect((await w.moto.snapshotCalls()).filter((call) => call.operation === 'CopyDBClusterSnapshot')).toHaveLength(copiesBefore);
    await expectNothingDeleted(w, before, result);
  });
});

describe('when the copy fails', () => {
  it('fails at the copy with a message about the key when the target key was disabled after the stack was created', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    await w.disableKey(TARGET_REGION, stack.targetKeyArn);
    const before = await w.snapshotIds();

    const result = await w.run(stack);
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CopyToTargetRegion');
    expect(result.failureMessage).toContain(stack.targetKeyArn);
    expect(result.failureMessage).toMatch(/KMS key .* enabled/);
    await expectNothingDeleted(w, before, result);
    expect((await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.tags['aurora-snapshot-dr:execution-id'])).not.toContain(result.executionId);
  });

  it('fails at the check with a clear message when the copy ends "failed"', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    await w.moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying', forSeconds: 20 * 60, thenStatus: 'failed' });
    const before = await w.snapshotIds();

    const result = await w.run(stack);
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CheckCopy');
    expect(result.failureMessage).toMatch(/is failed/);
    await expectNothingDeleted(w, before, result);
  });

  it('fails at the check once CopyTimeoutHours has passed while the copy is still in progress', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    await w.moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying' });
    const before = await w.snapshotIds();

    const result = await w.run(stack, { executionParameters: { CopyTimeoutHours: '1' } });
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CheckCopy');
    expect(result.failureMessage).toMatch(/still copying after 1\.\d h.*CopyTimeoutHours/);
    const elapsedHours = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 3_600_000;
    expect(elapsedHours).toBeGreaterThanOrEqual(1);
    expect(elapsedHours).toBeLessThan(1.5);
    await expectNothingDeleted(w, before, result);
  });
});

describe('when the target Region already has five copies in progress', () => {
  it('waits for a copy slot, then copies and succeeds', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    const queuedAt = w.clock.now();
    await fiveCopiesInProgress(w, stack, 25 * 60);

    const result = await w.run(stack);
    expectStatus(result, 'Success');
    const tries = result.timeline.filter((entry) => entry.step === 'CopyToTargetRegion');
    expect(tries.map((entry) => entry.outputs.Started)).toEqual([false, false, false, true]);
    expect(tries[0].outputs.Message).toMatch(/5 copies in progress/);
    expect(stepsOf(result).filter((step) => step === 'WaitForCopySlot')).toHaveLength(3);
    // The copy started only once the others had finished.
    expect(Date.parse(tries[3].outputs.StartedAt as string)).toBeGreaterThanOrEqual(queuedAt + 25 * 60 * 1000);
    expect((await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.tags['aurora-snapshot-dr:execution-id'])).toContain(result.executionId);
  });

  it('fails clearly, deleting nothing, when no slot frees up within CopyTimeoutHours', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    await fiveCopiesInProgress(w, stack);
    const before = await w.snapshotIds();

    const result = await w.run(stack, { executionParameters: { CopyTimeoutHours: '1' } });
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CopyToTargetRegion');
    expect(result.failureMessage).toMatch(/still has 5 copies in progress \(limit 5\)/);
    const waits = stepsOf(result).filter((step) => step === 'WaitForCopySlot').length;
    expect(waits).toBeGreaterThanOrEqual(6);
    expect(waits).toBeLessThanOrEqual(7);
    await expectNothingDeleted(w, before, result);
  });
});

describe('two runs overlapping', () => {
  it('both succeed when they prune the same expired snapshots at the same moment', async () => {
    const w = world();
    const { stack } = await deployWithHistory(w);
    const expired = {
      source: (await w.stackSnapshots(SOURCE_REGION, stack)).map((s) => s.id),
      target: (await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.id),
    };
    // Both runs reach the prune together, and each lists the snapshots before either deletes.
    let arrived = 0;
    let release!: () => void;
    const bothAtPrune = new Promise<void>((resolve) => (release = resolve));
    const barrier = async ({ step }: { step: string }) => {
      if (step !== 'PruneExpiredSnapshots') return;
      arrived += 1;
      if (arrived === 2) {
        await w.moto.setDelay('DescribeDBClusterSnapshots', 1);
        release();
      }
      await bothAtPrune;
    };

    const [a, b] = await Promise.all([w.run(stack, { beforeStep: barrier }), w.run(stack, { beforeStep: barrier })]);
    await w.moto.setDelay('DescribeDBClusterSnapshots', 0);
    expectStatus(a, 'Success');
    expectStatus(b, 'Success');

    const deletedByEither = [
      ...(a.outputs['PruneExpiredSnapshots.DeletedSnapshots'] as string[]),
      ...(b.outputs['PruneExpiredSnapshots.DeletedSnapshots'] as string[]),
    ].sort();
    expect(deletedByEither).toEqual([`${SOURCE_REGION}:${expired.source[0]}`, `${TARGET_REGION}:${expired.target[0]}`].sort());
    // The race really happened: the second delete of the same snapshot found it gone.
    const deletes = (await w.moto.snapshotCalls()).filter((call) => call.operation === 'DeleteDBClusterSnapshot');
    expect(deletes.filter((call) => call.outcome === 'DBClusterSnapshotNotFoundFault')).toHaveLength(2);
    // Each run's own snapshot and copy are there.
    for (const run of [a, b]) {
      for (const region of [SOURCE_REGION, TARGET_REGION]) {
        const held = (await w.stackSnapshots(region, stack)).map((s) => s.tags['aurora-snapshot-dr:execution-id']);
        expect(held).toContain(run.executionId);
      }
    }
  });
});
