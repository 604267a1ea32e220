/**
 * The manual snapshot quota reached, in either Region. moto reads the quota
 * from MOTO_RDS_SNAPSHOT_LIMIT (and, unlike RDS, counts automated snapshots
 * in it); this file's moto is started with a quota of 3.
 */
import { CopyDBClusterSnapshotCommand, DeleteDBClusterSnapshotCommand } from '@aws-sdk/client-rds';
import { ACCOUNT_ID, RehearsalWorld, SOURCE_REGION, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';

const QUOTA = 3;
const world = useRehearsalWorld({ MOTO_RDS_SNAPSHOT_LIMIT: String(QUOTA) });
const CLUSTER = 'audit-db';

async function deploy(w: RehearsalWorld): Promise<Stack> {
  await w.createEncryptedCluster(CLUSTER); // moto also makes one automated snapshot, which counts towards its quota
  await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  return w.createStack({ clusterId: CLUSTER, kmsTargetKey: 'alias/aurora-dr' });
}

describe('when the manual snapshot quota is reached', () => {
  it('moto enforces the quota it was started with', async () => {
    const w = world();
    await deploy(w);
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'hand-made-1');
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'hand-made-2');
    await expect(w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'one-too-many')).rejects.toMatchObject({ name: 'SnapshotQuotaExceededFault' });
  });

  it('fails at the snapshot with a message naming the quota and the fix, deleting nothing, in the source Region', async () => {
    const w = world();
    const stack = await deploy(w);
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'hand-made-1');
    await w.createManualSnapshot(SOURCE_REGION, CLUSTER, 'hand-made-2');
    const before = await w.snapshotIds();

    const result = await w.run(stack);
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CreateSourceSnapshot');
    expect(result.failureMessage).toMatch(new RegExp(`${SOURCE_REGION} is at its quota of manual cluster snapshots`));
    expect(result.failureMessage).toMatch(/quota increase/);
    expect(await w.snapshotIds()).toEqual(before);
  });

  it('fails at the copy with a message naming the quota, deleting nothing, in the target Region', async () => {
    const w = world();
    const stack = await deploy(w);
    // The target Region is full of other copies (their sources since deleted).
    for (let n = 1; n <= QUOTA; n += 1) {
      await w.createManualSnapshot(SOURCE_REGION, CLUSTER, `old-copy-${n}`);
      await w.rds[TARGET_REGION].send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: `arn:aws:rds:${SOURCE_REGION}:${ACCOUNT_ID}:cluster-snapshot:old-copy-${n}`,
          TargetDBClusterSnapshotIdentifier: `old-copy-${n}`,
          KmsKeyId: stack.targetKeyArn,
        }),
      );
      await w.rds[SOURCE_REGION].send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: `old-copy-${n}` }));
    }
    const before = await w.snapshotIds();

    const result = await w.run(stack);
    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CopyToTargetRegion');
    expect(result.failureMessage).toMatch(new RegExp(`${TARGET_REGION} is at its quota of manual cluster snapshots`));
    expect(stepsOf(result)).not.toContain('PruneExpiredSnapshots');
    const after = await w.snapshotIds();
    expect(after.target).toEqual(before.target);
    expect(before.source.every((id) => after.source.includes(id))).toBe(true);
  });
});
