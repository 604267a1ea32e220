/**
 * One scheduled run, end to end: the runbook from the generated template, the
 * scripts in python3.11 + boto3, RDS and KMS in two Regions of moto. What is
 * asserted is what a user would find afterwards in each Region.
 */
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { ACCOUNT_ID, RehearsalWorld, SnapshotView, SOURCE_REGION, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';
import { ExecutionResult } from '../shared/runbook-runner';

/** RDS snapshot identifiers: a letter, then letters, digits and single hyphens, no trailing hyphen, 1-63, stored lowercase. */
const SNAPSHOT_ID = /^[a-z](?:-?[a-z0-9])*$/;

const world = useRehearsalWorld();

async function deploy(w: RehearsalWorld, clusterId: string, keyForm: (arn: string) => string) {
  await w.createEncryptedCluster(clusterId);
  const targetKeyArn = await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  const stack = await w.createStack({ clusterId, kmsTargetKey: keyForm(targetKeyArn) });
  return { stack, targetKeyArn };
}

/** The assertions every successful first run must meet, in both Regions. */
async function expectOneCopiedSnapshot(w: RehearsalWorld, stack: Stack, result: ExecutionResult, targetKeyArn: string) {
  expectStatus(result, 'Success');
  expect(stepsOf(result)).toEqual([
    'CreateSourceSnapshot',
    'WaitForSourceSnapshot',
    'CopyToTargetRegion',
    'CopyStarted',
    'CheckCopy',
    'CopyAvailable',
    'ShareWithVault',
    'PruneExpiredSnapshots',
  ]);
  const clusterId = stack.options.clusterId;
  const sourceSnapshotId = result.timeline[0].outputs.SnapshotId as string;
  const sourceKeyArn = (await w.snapshots(SOURCE_REGION)).find((s) => s.type === 'automated')?.kmsKeyId;

  const source = await w.snapshots(SOURCE_REGION);
  const automated = source.filter((s) => s.type === 'automated');
  const manual = source.filter((s) => s.type === 'manual');
  expect(automated).toHaveLength(1);
  expect(manual).toHaveLength(1);
  const [snapshot] = manual;
  expect(snapshot).toMatchObject<Partial<SnapshotView>>({
    id: sourceSnapshotId,
    arn: `arn:aws:rds:${SOURCE_REGION}:${ACCOUNT_ID}:cluster-snapshot:${sourceSnapshotId}`,
    status: 'available',
    kmsKeyId: sourceKeyArn,
  });
  expect(snapshot.id).toMatch(SNAPSHOT_ID);
  expect(snapshot.id.length).toBeLessThanOrEqual(63);
  expect(snapshot.tags).toMatchObject({
    [SNAPSHOT_TAG.stackId]: stack.stackId,
    [SNAPSHOT_TAG.cluster]: clusterId,
    [SNAPSHOT_TAG.execution]: result.executionId,
  });

  const target = await w.snapshots(TARGET_REGION);
  expect(target).toHaveLength(1);
  const [copy] = target;
  expect(copy).toMatchObject<Partial<SnapshotView>>({
    id: result.timeline[2].outputs.TargetSnapshotId as string,
    arn: result.outputs['CopyToTargetRegion.TargetSnapshotArn'] as string,
    type: 'manual',
    status: 'available',
    kmsKeyId: targetKeyArn,
  });
  expect(copy.id).toMatch(SNAPSHOT_ID);
  expect(copy.id.length).toBeLessThanOrEqual(63);
  expect(copy.tags).toMatchObject({
    [SNAPSHOT_TAG.stackId]: stack.stackId,
    [SNAPSHOT_TAG.cluster]: clusterId,
    [SNAPSHOT_TAG.execution]: result.executionId,
    [SNAPSHOT_TAG.sourceSnapshot]: snapshot.arn,
  });
  expect(result.outputs).toEqual({
    'CreateSourceSnapshot.SnapshotArn': snapshot.arn,
    'CopyToTargetRegion.TargetSnapshotArn': copy.arn,
    'PruneExpiredSnapshots.DeletedSnapshots': [],
  });
}

describe('a run copies the encrypted cluster snapshot to the target Region with the target key', () => {
  it.each([
    ['a key id', (arn: string) => arn.split('/').pop()!],
    ['an alias name', () => 'alias/aurora-dr'],
    ['a key ARN', (arn: string) => arn],
    ['an alias ARN', () => `arn:aws:kms:${TARGET_REGION}:${ACCOUNT_ID}:alias/aurora-dr`],
  ])('when KMSTargetKey is given as %s', async (_form, keyForm) => {
    const w = world();
    const { stack, targetKeyArn } = await deploy(w, 'orders-db', keyForm);
    expect(stack.targetKeyArn).toBe(targetKeyArn);
    const result = await w.run(stack);
    await expectOneCopiedSnapshot(w, stack, result, targetKeyArn);
  });

  it('names snapshots validly and uniquely for a 63-character cluster identifier', async () => {
    const w = world();
    // Hyphens every third character, so any cut to make room for a suffix may end on one.
    const clusterId = `c${'-a1'.repeat(20)}xy`;
    expect(clusterId).toHaveLength(63);
    const { stack, targetKeyArn } = await deploy(w, clusterId, (arn) => arn);
    const first = await w.run(stack);
    await expectOneCopiedSnapshot(w, stack, first, targetKeyArn);

    // A second run in the same minute (a manual start beside the schedule) must not collide.
    const second = await w.run(stack);
    expectStatus(second, 'Success');
    const ids = (await w.stackSnapshots(SOURCE_REGION, stack)).map((s) => s.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of [...ids, ...(await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.id)]) {
      expect(id).toMatch(SNAPSHOT_ID);
      expect(id.length).toBeLessThanOrEqual(63);
    }
  });
});
