/**
 * `teardown` against moto: the recovery stack goes first, then the DR stack;
 * with --delete-snapshots, exactly the snapshots and copies carrying the DR
 * stack's ownership tag and the configuration captured with each copy go
 * too. Beside them stand what must never be touched: another product stack
 * and its recovery stack, an unrelated stack, snapshots without the tag or
 * with another stack's ARN (one of a stack of the same name deleted long
 * ago), the clusters, a restored cluster, and another stack's parameter.
 * The parameter groups the recovery stack's drills shared go with it; a
 * restore's, another stack's drills' and an untagged one of the same shape stay.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBParameterGroupCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBParameterGroupsCommand,
  RDSClient,
  Tag,
} from '@aws-sdk/client-rds';
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

/** A parameter group pair (cluster and instance) of one name, as a restore or the drills make them. */
async function groupPair(region: string, name: string, tags: Tag[]): Promise<void> {
  const rds = new RDSClient({ region });
  const common = { DBParameterGroupFamily: 'aurora-postgresql16', Description: 'restored values', Tags: tags };
  await rds.send(new CreateDBClusterParameterGroupCommand({ DBClusterParameterGroupName: name, ...common }));
  await rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: name, ...common }));
}
async function groupsIn(region: string): Promise<string[]> {
  const rds = new RDSClient({ region });
  const cluster = (await rds.send(new DescribeDBClusterParameterGroupsCommand({}))).DBClusterParameterGroups ?? [];
  const instance = (await rds.send(new DescribeDBParameterGroupsCommand({}))).DBParameterGroups ?? [];
  return [...cluster.map((g) => `cluster-pg:${g.DBClusterParameterGroupName}`), ...instance.map((g) => `pg:${g.DBParameterGroupName}`)]
    .filter((name) => name.includes('aurora-snapshot-dr-'))
    .sort();
}

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
  const ordersRecovery = await createRecoveryStandIn('orders-prod-dr-recovery', TARGET, 'orders-prod', orders);
  const billingRecovery = await createRecoveryStandIn('billing-dr-recovery', TARGET, 'billing', billing);
  const made = (stack: string, kind: string): Tag[] => [
    { Key: 'aurora-snapshot-dr:recovery-stack-id', Value: stack },
    { Key: 'aurora-snapshot-dr:restore-kind', Value: kind },
  ];
  await groupPair(TARGET, 'aurora-snapshot-dr-orders-prod-drill-aurora-postgresql16', made(ordersRecovery, 'drill'));
  await groupPair(TARGET, 'aurora-snapshot-dr-orders-prod-restored-202612070412', made(ordersRecovery, 'restore'));
  await groupPair(TARGET, 'aurora-snapshot-dr-billing-drill-aurora-postgresql16', made(billingRecovery, 'drill'));
  await groupPair(TARGET, 'aurora-snapshot-dr-someone-drill-by-hand', []);
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
    expect(await groupsIn(TARGET)).toEqual(
      ['billing-drill-aurora-postgresql16', 'orders-prod-restored-202612070412', 'someone-drill-by-hand']
        .flatMap((name) => [`cluster-pg:aurora-snapshot-dr-${name}`, `pg:aurora-snapshot-dr-${name}`])
        .sort(),
    );
    expect(output.stdout).toContain("  deleted the drills' cluster parameter group aurora-snapshot-dr-orders-prod-drill-aurora-postgresql16");
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
    expect(output.stdout).toContain(
      `  the 2 parameter group(s) the recovery stack's drills shared in ${TARGET}, named aurora-snapshot-dr-orders-prod-drill-aurora-postgresql16`,
    );
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
