/**
 * `teardown` against moto: the recovery stack goes first, then the DR stack;
 * with --delete-snapshots, exactly the snapshots and copies carrying the DR
 * stack's ownership tag and the configuration captured with each copy go
 * too. Beside them stand what must never be touched: another product stack
 * and its recovery stack, an unrelated stack, snapshots without the tag or
 * with another stack's ARN (one of a stack of the same name deleted long
 * ago), the clusters, a restored cluster, and another stack's parameter.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateDBClusterCommand, CreateDBClusterSnapshotCommand, DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, useIsolatedAwsEnv } from '../support';
import { createDrStandIn, createRecoveryStandIn } from '../stand-in-stacks';

let moto: MotoServer;
let restoreEnv: () => void;
beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => moto.reset());

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const OWNER = 'aurora-snapshot-dr:stack-id';

async function cluster(region: string, id: string): Promise<void> {
  await new RDSClient({ region }).send(
    new CreateDBClusterCommand({ DBClusterIdentifier: id, Engine: 'aurora-postgresql', MasterUsername: 'dba', MasterUserPassword: 'correct-horse-battery' }),
  );
}

async function snapshot(region: string, clusterId: string, id: string, owner?: string): Promise<void> {
  await new RDSClient({ region }).send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: clusterId,
      DBClusterSnapshotIdentifier: id,
      Tags: owner ? [{ Key: OWNER, Value: owner }] : [{ Key: 'team', Value: 'dba' }],
    }),
  );
}

const captured = (region: string, copy: string) =>
  new SSMClient({ region }).send(new PutParameterCommand({ Name: `/aurora-snapshot-dr/${copy}`, Value: '{"version":1}', Type: 'String' }));

async function stacksIn(region: string): Promise<string[]> {
  const { Stacks } = await new CloudFormationClient({ region }).send(new DescribeStacksCommand({}));
  return (Stacks ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => s.StackName!).sort();
}
async function snapshotsIn(region: string): Promise<string[]> {
  const { DBClusterSnapshots } = await new RDSClient({ region }).send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }));
  return (DBClusterSnapshots ?? []).map((s) => s.DBClusterSnapshotIdentifier!).sort();
}
async function clustersIn(region: string): Promise<string[]> {
  const { DBClusters } = await new RDSClient({ region }).send(new DescribeDBClustersCommand({}));
  return (DBClusters ?? []).map((c) => c.DBClusterIdentifier!).sort();
}
async function capturedIn(region: string): Promise<string[]> {
  const { Parameters } = await new SSMClient({ region }).send(new GetParametersByPathCommand({ Path: '/aurora-snapshot-dr/' }));
  return (Parameters ?? []).map((p) => p.Name!).sort();
}

/** Two protected clusters, each with its DR and recovery stack, snapshots and copies, and what surrounds them. */
async function landscape(): Promise<{ orders: string; billing: string }> {
  const orders = await createDrStandIn('orders-prod-dr', SOURCE, 'orders-prod', TARGET);
  const billing = await createDrStandIn('billing-dr', SOURCE, 'billing', TARGET);
  await createRecoveryStandIn('orders-prod-dr-recovery', TARGET, 'orders-prod', orders);
  await createRecoveryStandIn('billing-dr-recovery', TARGET, 'billing', billing);
  await new CloudFormationClient({ region: SOURCE }).send(
    new CreateStackCommand({
      StackName: 'payments-api',
      TemplateBody: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n",
    }),
  );
  await cluster(SOURCE, 'orders-prod');
  await cluster(SOURCE, 'billing');
  await snapshot(SOURCE, 'orders-prod', 'orders-prod-dr-202612060300-aaaa1111', orders);
  await snapshot(SOURCE, 'orders-prod', 'orders-prod-dr-202612070300-bbbb2222', orders);
  await snapshot(SOURCE, 'orders-prod', 'orders-prod-before-upgrade');
  // A stack of the same name, deleted long ago: another ARN, so not this stack's.
  await snapshot(SOURCE, 'orders-prod', 'orders-prod-dr-202401010300-old00000', orders.replace(/\/[^/]+$/, '/00000000-0000-0000-0000-000000000000'));
  await snapshot(SOURCE, 'billing', 'billing-dr-202612070300-cccc3333', billing);
  // Copies in the target Region, made from stand-in clusters there (moto cannot copy across Regions here).
  await cluster(TARGET, 'orders-prod-restored-202612070412');
  await snapshot(TARGET, 'orders-prod-restored-202612070412', 'orders-prod-dr-202612070300-bbbb2222', orders);
  await snapshot(TARGET, 'orders-prod-restored-202612070412', 'billing-dr-202612070300-cccc3333', billing);
  await captured(TARGET, 'orders-prod-dr-202612070300-bbbb2222');
  await captured(TARGET, 'billing-dr-202612070300-cccc3333');
  return { orders, billing };
}

describe('teardown against moto', () => {
  it('with --delete-snapshots deletes the recovery stack, then the DR stack, then exactly what carries its tag', async () => {
    await landscape();
    const { code, output } = await runCli(['teardown', '--stack-name', 'orders-prod-dr', '--region', SOURCE, '--delete-snapshots', '--yes']);
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const order = output.stdout.filter((line) => line.startsWith('Deleting stack'));
    expect(order).toEqual([`Deleting stack orders-prod-dr-recovery in ${TARGET}.`, `Deleting stack orders-prod-dr in ${SOURCE}.`]);
    expect(await stacksIn(SOURCE)).toEqual(['billing-dr', 'payments-api']);
    expect(await stacksIn(TARGET)).toEqual(['billing-dr-recovery']);
    expect(await snapshotsIn(SOURCE)).toEqual(['billing-dr-202612070300-cccc3333', 'orders-prod-before-upgrade', 'orders-prod-dr-202401010300-old00000']);
    expect(await snapshotsIn(TARGET)).toEqual(['billing-dr-202612070300-cccc3333']);
    expect(await capturedIn(TARGET)).toEqual(['/aurora-snapshot-dr/billing-dr-202612070300-cccc3333']);
    expect(await clustersIn(SOURCE)).toEqual(['billing', 'orders-prod']);
    expect(await clustersIn(TARGET)).toEqual(['orders-prod-restored-202612070412']);
  });

  it('without --delete-snapshots deletes both stacks and no snapshot, and says the snapshots stay billed', async () => {
    await landscape();
    const before = { source: await snapshotsIn(SOURCE), target: await snapshotsIn(TARGET) };
    const { code, output } = await runCli(['teardown', '--stack-name', 'orders-prod-dr', '--region', SOURCE, '--yes']);
    expect(code).toBe(0);
    expect(output.text()).toContain('Snapshots and copies stay, and stay billed');
    expect(await stacksIn(SOURCE)).toEqual(['billing-dr', 'payments-api']);
    expect(await stacksIn(TARGET)).toEqual(['billing-dr-recovery']);
    expect({ source: await snapshotsIn(SOURCE), target: await snapshotsIn(TARGET) }).toEqual(before);
  });

  it('without --yes and no terminal shows the plan and deletes nothing (exit 2)', async () => {
    await landscape();
    const { code, output } = await runCli(['teardown', '--stack-name', 'orders-prod-dr', '--region', SOURCE, '--delete-snapshots']);
    expect(code).toBe(2);
    expect(output.stdout).toContain(`  recovery stack orders-prod-dr-recovery in ${TARGET}`);
    expect(output.stdout.some((line) => /2 snapshot\(s\) in us-east-1 and 1 copy\(ies\) in us-west-2/.test(line))).toBe(true);
    expect(output.stderr).toEqual(['aurora-snapshot-dr teardown: nothing was deleted. Run again with --yes to delete the above.']);
    expect(await stacksIn(SOURCE)).toEqual(['billing-dr', 'orders-prod-dr', 'payments-api']);
    expect((await snapshotsIn(SOURCE)).length).toBe(5);
  });

  it.each([
    ['orders-prod-dr-recovery', TARGET, 'is not a DR stack of this project'],
    ['payments-api', SOURCE, 'is not a DR stack of this project'],
    ['orders-prod', SOURCE, 'no stack orders-prod in us-east-1'],
  ])('refuses %s, deleting nothing', async (name, region, message) => {
    await landscape();
    const { code, output } = await runCli(['teardown', '--stack-name', name, '--region', region, '--delete-snapshots', '--yes']);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain(message);
    expect(await stacksIn(SOURCE)).toEqual(['billing-dr', 'orders-prod-dr', 'payments-api']);
    expect(await stacksIn(TARGET)).toEqual(['billing-dr-recovery', 'orders-prod-dr-recovery']);
  });
});
