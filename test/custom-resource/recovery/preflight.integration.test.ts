/**
 * The recovery stack's preflight code, as the recovery template inlines it,
 * run in Node against moto server (KMS, RDS and EC2 wire protocols) with a
 * local HTTPS server as the ResponseURL. Every case asserts the reply
 * CloudFormation would get.
 */
import { dashboardBody } from '../../../custom-resource/recovery/dashboard';
import { renderRecoveryTemplates } from '../../../generator/main';
import { RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { bundleRecoveryPreflight } from '../../../generator/recovery/preflight';
import {
  RECOVERY_PREFLIGHT_RESOURCE_TYPE,
  RecoveryPreflightProperties,
} from '../../../custom-resource/recovery/contract';
import { CopyDBClusterSnapshotCommand, CreateDBClusterCommand, CreateDBClusterSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { MOTO_CREDENTIALS, MotoServer, startMotoServer } from '../../support/moto-server';
import { makeEvent } from '../support/events';
import { ChildEnvironment, Invocation, MotoSeed, invokeInChild, seedMoto, writeLambdaDir } from '../support/lambda-harness';
import { RECOVERY_SEED, RecoverySeed, recoveryProperties, seedRecovery } from '../support/recovery-seed';
import { CapturedReply, ResponseServer, startResponseServer } from '../support/response-server';

jest.setTimeout(60_000);

const PHYSICAL_ID = `aurora-snapshot-dr-preflight-${RECOVERY_ID.preflight}`;
const RECOVERY_STACK_ID = 'arn:aws:cloudformation:us-west-2:123456789012:stack/orders-dr-recovery/8e3f4c32-0a1b-11f1-9f6b-0a1b2c3d4e5f';

describe('recovery preflight code from the recovery template, against moto', () => {
  let moto: MotoServer;
  let server: ResponseServer;
  let keys: MotoSeed;
  let seed: RecoverySeed;
  let lambda: ReturnType<typeof writeLambdaDir>;
  let code: string;
  let environment: ChildEnvironment;

  beforeAll(async () => {
    code = JSON.parse(renderRecoveryTemplates().json).Resources[RECOVERY_ID.preflightFunction].Properties.Code.ZipFile;
    lambda = writeLambdaDir(code);
    [moto, server] = await Promise.all([startMotoServer(), startResponseServer()]);
    keys = await seedMoto(moto.endpoint);
    seed = await seedRecovery(moto.endpoint);
    environment = { awsEndpoint: moto.endpoint, caFile: server.certFile, region: RECOVERY_SEED.target };
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), server?.stop()]);
    lambda?.remove();
  });

  const goodProperties = (): RecoveryPreflightProperties => recoveryProperties(seed);

  async function run(
    properties: Partial<RecoveryPreflightProperties> = {},
    requestType = 'Create',
  ): Promise<{ reply: CapturedReply; invocation: Invocation }> {
    const endpoint = server.endpoint();
    const event = {
      ...makeEvent(),
      RequestType: requestType,
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_ID }),
      ResponseURL: endpoint.url,
      StackId: RECOVERY_STACK_ID,
      LogicalResourceId: RECOVERY_ID.preflight,
      ResourceType: RECOVERY_PREFLIGHT_RESOURCE_TYPE,
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-west-2:123456789012:function:f', ...goodProperties(), ...properties },
    };
    const invocation = await invokeInChild(lambda.indexFile, event, environment);
    const reply = await Promise.race([
      endpoint.reply,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no reply; the function logged:\n${invocation.logs}`)), 500).unref(),
      ),
    ]);
    expect(invocation.exitCode).toBe(0);
    expect(reply.bytes).toBeLessThanOrEqual(4096);
    expect(invocation.logs).not.toContain(endpoint.signature);
    return { reply, invocation };
  }

  it('runs the very code the generator bundles from custom-resource/recovery/', () => {
    expect(code).toBe(bundleRecoveryPreflight());
  });

  it("replies SUCCESS with the resolved key, the network's VPC and the newest copy of the source stack", async () => {
    const { reply, invocation } = await run({ KMSTargetKey: keys.goodKeyAlias, VpcSecurityGroupIds: `${seed.securityGroupId}` });
    expect(reply.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: RECOVERY_STACK_ID,
      RequestId: makeEvent().RequestId,
      LogicalResourceId: RECOVERY_ID.preflight,
      Data: {
        TargetKeyArn: keys.goodKeyArn,
        // The copy-age alarm's threshold for the default daily schedule and 12-hour copy timeout.
        AllowedCopyAgeHours: '38',
        // The run policy's RDS ARNs begin with this: the key's partition, Region and account.
        RdsArn: `arn:aws:rds:us-west-2:${keys.goodKeyArn.split(':')[4]}:`,
        // The dashboard's, for this stack (its name is in the request's StackId) and this threshold.
        DashboardBody: dashboardBody('us-west-2', RECOVERY_STACK_ID.split('/')[1], 38),
      },
    });
    // The other stack's copy of the same cluster is not counted.
    expect(invocation.logs).toContain(`1 copies; newest available: ${RECOVERY_SEED.copy}`);
  });

  it('succeeds before the first copy has landed, and says so', async () => {
    const { reply, invocation } = await run({ DBClusterIdentifier: RECOVERY_SEED.clusterWithoutCopies }, 'Update');
    expect(reply.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Data: { TargetKeyArn: expect.any(String), AllowedCopyAgeHours: '38' },
    });
    expect(invocation.logs).toContain(
      `No available copy of ${RECOVERY_SEED.clusterWithoutCopies} by ${RECOVERY_SEED.sourceStackId} here yet (0 in progress): restores and drills fail until one lands`,
    );
  });

  const badRequests: Array<[string, () => Partial<RecoveryPreflightProperties>, () => string]> = [
    [
      'a subnet group that does not exist',
      () => ({ DBSubnetGroupName: 'no-such-group' }),
      () => 'DBSubnetGroupName "no-such-group" was not found in us-west-2 (this Region): name a subnet group of this Region',
    ],
    [
      'a security group of another VPC',
      () => ({ VpcSecurityGroupIds: `${seed.securityGroupId},${seed.otherVpcSecurityGroupId}` }),
      () => `VpcSecurityGroupIds "${seed.otherVpcSecurityGroupId}" is in ${seed.otherVpcId}, the subnet group in ${seed.vpcId}: use groups of ${seed.vpcId}`,
    ],
    [
      'a security group that does not exist',
      () => ({ VpcSecurityGroupIds: 'sg-0123456789abcdef0' }),
      () => `VpcSecurityGroupIds "sg-0123456789abcdef0" was not found in us-west-2: use groups of VPC ${seed.vpcId} here`,
    ],
    [
      'an instance class that cannot run the copies',
      () => ({ DrillInstanceClass: 'db.t2.micro' }),
      () => 'DrillInstanceClass "db.t2.micro" cannot run the copies\' aurora-postgresql 11.15 here: see aws rds describe-orderable-db-instance-options --engine aurora-postgresql --engine-version 11.15',
    ],
    [
      'a disabled key',
      () => ({ KMSTargetKey: keys.disabledKeyId }),
      () => `KMSTargetKey "${keys.disabledKeyId}" is Disabled: enable it, or use another key`,
    ],
    [
      'a key that does not exist here',
      () => ({ KMSTargetKey: 'alias/no-such-key' }),
      () => 'KMSTargetKey "alias/no-such-key" was not found in us-west-2 (TargetRegion): use a key or alias that exists there',
    ],
    [
      'a source stack of this Region',
      () => ({ SourceStackId: RECOVERY_STACK_ID }),
      () => `SourceStackId "${RECOVERY_STACK_ID}" is in this Region: deploy this stack in the source stack's TargetRegion`,
    ],
    [
      'a five-field drill schedule, which EventBridge would refuse after other resources were made',
      () => ({ DrillScheduleExpression: 'cron(0 5 * * SUN)' }),
      () => 'DrillScheduleExpression "cron(0 5 * * SUN)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 5 ? * SUN *)',
    ],
    [
      'a source schedule EventBridge would refuse',
      () => ({ SourceScheduleExpression: 'rate(1 days)' }),
      () => 'SourceScheduleExpression "rate(1 days)" must be rate(1 day) or rate(N days)',
    ],
  ];

  it.each(badRequests)('replies FAILED to %s, with a Reason that names the value and the fix', async (_, properties, reason) => {
    const { reply } = await run(properties());
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(reason());
    expect(reply.body).not.toHaveProperty('Data');
    expect(reply.body.PhysicalResourceId).toBe(PHYSICAL_ID);
  });

  it('replies FAILED when the newest copy is Aurora Serverless v1, which the stack cannot restore', async () => {
    const config = { endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const sourceRds = new RDSClient({ region: RECOVERY_SEED.source, ...config });
    await sourceRds.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: 'legacy-db', Engine: 'aurora-mysql', EngineMode: 'serverless', MasterUsername: 'dbadmin', MasterUserPassword: 'not-a-secret-1' }),
    );
    const snapshot = (await sourceRds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'legacy-db', DBClusterSnapshotIdentifier: 'legacy-db-dr-1' }))).DBClusterSnapshot!;
    await new RDSClient({ region: RECOVERY_SEED.target, ...config }).send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotArn,
        TargetDBClusterSnapshotIdentifier: 'legacy-db-dr-1',
        Tags: [{ Key: SNAPSHOT_TAG.stackId, Value: RECOVERY_SEED.sourceStackId }],
      }),
    );
    const { reply } = await run({ DBClusterIdentifier: 'legacy-db' });
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toContain('Copy legacy-db-dr-1 is Aurora Serverless v1 (EngineMode serverless), which takes no writer instance');
  });

  it('names every problem of a request in one Reason', async () => {
    const { reply } = await run({ DBSubnetGroupName: 'no-such-group', KMSTargetKey: keys.disabledKeyId });
    expect(reply.body.Reason).toBe(
      `KMSTargetKey "${keys.disabledKeyId}" is Disabled: enable it, or use another key; ` +
        'DBSubnetGroupName "no-such-group" was not found in us-west-2 (this Region): name a subnet group of this Region',
    );
  });

  it('replies SUCCESS to a Delete of a stack whose parameters never passed, touching nothing', async () => {
    const { reply } = await run({ DBSubnetGroupName: 'no-such-group', SourceStackId: 'orders-dr' }, 'Delete');
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });
});
