/**
 * Runs over simulated days: the virtual clock moves a day between runs, moto
 * stamps each snapshot with that day, and pruning must keep exactly the
 * snapshots younger than the retention in each Region — and never touch what
 * the stack did not make, nor the newest available copy, nor a source
 * snapshot whose copy is still in progress.
 */
import { CopyDBClusterSnapshotCommand, DeleteDBClusterSnapshotCommand } from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { ACCOUNT_ID, DAY_MS, RehearsalWorld, SOURCE_REGION, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';

const world = useRehearsalWorld();
const CLUSTER = 'billing-db';
const OTHER_STACK = `arn:aws:cloudformation:${SOURCE_REGION}:${ACCOUNT_ID}:stack/someone-elses-dr/00000000-0000-0000-0000-000000000000`;

async function deploy(w: RehearsalWorld, retention: { source: number; target: number }): Promise<Stack> {
  await w.createEncryptedCluster(CLUSTER);
  const keyArn = await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  return w.createStack({
    clusterId: CLUSTER,
    kmsTargetKey: keyArn,
    sourceRetentionDays: retention.source,
    targetRetentionDays: retention.target,
  });
}

/** Execution ids of the stack's snapshots in a Region, from their execution tag. */
async function executionsHeld(w: RehearsalWorld, region: string, stack: Stack): Promise<string[]> {
  return (await w.stackSnapshots(region, stack)).map((s) => s.tags[SNAPSHOT_TAG.execution]).sort();
}

describe('retention over simulated days', () => {
  it('keeps exactly the snapshots younger than the retention in each Region, and nothing the stack did not make', async () => {
    const w = world();
    const retention = { source: 3, target: 5 };
    const stack = await deploy(w, retention);
    const targetKeyArn = stack.targetKeyArn;

    // Not the stack's: a hand-made snapshot, another stack's snapshot and its copy. The cluster's automated one exists already.
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'before-major-upgrade');
    const otherTags = [
      { Key: SNAPSHOT_TAG.stackId, Value: OTHER_STACK },
      { Key: SNAPSHOT_TAG.cluster, Value: CLUSTER },
    ];
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'other-stack-snapshot', otherTags);
    await w.rds[TARGET_REGION].send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: `arn:aws:rds:${SOURCE_REGION}:${ACCOUNT_ID}:cluster-snapshot:other-stack-snapshot`,
        TargetDBClusterSnapshotIdentifier: 'other-stack-snapshot',
        KmsKeyId: targetKeyArn,
        Tags: otherTags,
      }),
    );
    const notOurs = {
      source: (await w.snapshots(SOURCE_REGION)).map((s) => s.id),
      target: (await w.snapshots(TARGET_REGION)).map((s) => s.id),
    };
    expect(notOurs.source).toHaveLength(3);
    expect(notOurs.source.some((id) => id.startsWith('rds:'))).toBe(true);

    const dayZero = w.clock.now();
    const executions: string[] = [];
    for (let day = 0; day < 9; day += 1) {
      await w.clock.advanceTo(dayZero + day * DAY_MS);
      const result = await w.run(stack);
      expectStatus(result, 'Success');
      executions.push(result.executionId);

      // The run of day d made a snapshot that is 0 days old; one made k days ago is kept while k < retention.
      const expectedSource = executions.slice(Math.max(0, day - retention.source + 1)).sort();
      const expectedTarget = executions.slice(Math.max(0, day - retention.target + 1)).sort();
      expect({ day, held: await executionsHeld(w, SOURCE_REGION, stack) }).toEqual({ day, held: expectedSource });
      expect({ day, held: await executionsHeld(w, TARGET_REGION, stack) }).toEqual({ day, held: expectedTarget });

      const deleted = result.outputs['PruneExpiredSnapshots.DeletedSnapshots'] as string[];
      const expectedDeleted = [
        ...(day >= retention.source ? [`${SOURCE_REGION}:`] : []),
        ...(day >= retention.target ? [`${TARGET_REGION}:`] : []),
      ];
      expect({ day, deletedRegions: deleted.map((entry) => entry.split(':')[0] + ':').sort() }).toEqual({
        day,
        deletedRegions: expectedDeleted.sort(),
      });

      for (const [region, ids] of [
        [SOURCE_REGION, notOurs.source],
        [TARGET_REGION, notOurs.target],
      ] as const) {
        const present = (await w.snapshots(region)).map((s) => s.id);
        expect({ day, region, missing: ids.filter((id) => !present.includes(id)) }).toEqual({ day, region, missing: [] });
      }
    }
    // Every stack snapshot is available: prune never deletes what a later run would need.
    for (const region of [SOURCE_REGION, TARGET_REGION]) {
      expect((await w.stackSnapshots(region, stack)).every((s) => s.status === 'available')).toBe(true);
    }
  }, 180_000);

  it('keeps the newest available copy even when it is older than the retention', async () => {
    const w = world();
    const stack = await deploy(w, { source: 1, target: 1 });
    const dayZero = w.clock.now();
    const first = await w.run(stack);
    expectStatus(first, 'Success');
    const firstCopyId = first.timeline[2].outputs.TargetSnapshotId as string;

    // Three days later (the schedule was off), today's copy disappears before pruning —
    // deleted by hand — so the only available copy left is the expired one of day 0.
    await w.clock.advanceTo(dayZero + 3 * DAY_MS);
    const later = await w.run(stack, {
      beforeStep: async ({ step }) => {
        if (step !== 'PruneExpiredSnapshots') return;
        const todays = (await w.stackSnapshots(TARGET_REGION, stack)).find((s) => s.id !== firstCopyId)!;
        await w.rds[TARGET_REGION].send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: todays.id }));
      },
    });
    expectStatus(later, 'Success');
    expect((await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.id)).toEqual([firstCopyId]);
    // The source side has no such exception: day 0's snapshot is past retention and goes.
    expect(await executionsHeld(w, SOURCE_REGION, stack)).toEqual([later.executionId]);
  });

  it('keeps an expired source snapshot while its copy is still in progress', async () => {
    const w = world();
    const stack = await deploy(w, { source: 1, target: 1 });
    const dayZero = w.clock.now();

    // Day 0: the copy is slow; the run gives up after CopyTimeoutHours, but RDS goes on copying.
    await w.moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying' });
    const slow = await w.run(stack, { executionParameters: { CopyTimeoutHours: '1' } });
    expectStatus(slow, 'Failed');
    expect(slow.failedStep).toBe('CheckCopy');
    const slowSource = slow.outputs['CreateSourceSnapshot.SnapshotArn'] as string;
    await w.moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: null });

    // Day 2: a normal run. Day 0's source snapshot is expired, but its copy is still copying.
    await w.clock.advanceTo(dayZero + 2 * DAY_MS);
    const next = await w.run(stack);
    expectStatus(next, 'Success');
    expect(stepsOf(next)).toContain('PruneExpiredSnapshots');
    const source = await w.stackSnapshots(SOURCE_REGION, stack);
    expect(source.map((s) => s.arn)).toContain(slowSource);
    const target = await w.stackSnapshots(TARGET_REGION, stack);
    expect(target.map((s) => `${s.tags[SNAPSHOT_TAG.execution]}:${s.status}`).sort()).toEqual(
      [`${slow.executionId}:copying`, `${next.executionId}:available`].sort(),
    );
  });
});
