/**
 * The recovery function exactly as the recovery template inlines it, run in a
 * child Node process against moto server: invoked as the hourly rule invokes
 * it (with the rule's Input from the template), as the first-check custom
 * resource, and as the preflight whose AllowedCopyAgeHours the alarm uses.
 * The ages here come from the real clock; the virtual-clock cases are in
 * watchdog.test.ts and the rehearsal.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { renderRecoveryTemplates } from '../../../generator/main';
import { RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { WATCHDOG_ID } from '../../../generator/recovery/watchdog';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { RECOVERY_METRIC, RECOVERY_PREFLIGHT_RESOURCE_TYPE, RecoveryPreflightProperties } from '../../../custom-resource/recovery/contract';
import { WATCHDOG_FIRST_CHECK_TYPE } from '../../../custom-resource/recovery/watchdog/contract';
import { MotoServer, MOTO_CREDENTIALS, startMotoServer } from '../../support/moto-server';
import { ChildEnvironment, invokeInChild, writeLambdaDir } from '../support/lambda-harness';
import { CapturedReply, ResponseServer, startResponseServer } from '../support/response-server';
import { RECOVERY_SEED, RecoverySeed, recoveryProperties, seedRecoveryNetwork } from '../support/recovery-seed';

jest.setTimeout(60_000);

// The seeded network lives in RECOVERY_SEED.target.
const { source: SOURCE, target: TARGET } = RECOVERY_SEED;
const CLUSTER = 'orders-prod';
const SOURCE_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod-dr/0a1b2c3d-0000-4000-8000-000000000001';
const HOUR = 3_600_000;

let moto: MotoServer;
let server: ResponseServer;
let lambda: ReturnType<typeof writeLambdaDir>;
let environment: ChildEnvironment;
let template: any;
let recoveryStackId: string;
let network: RecoverySeed;

const config = (region: string) => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });

beforeAll(async () => {
  template = JSON.parse(renderRecoveryTemplates().json);
  lambda = writeLambdaDir(template.Resources[RECOVERY_ID.preflightFunction].Properties.Code.ZipFile);
  [moto, server] = await Promise.all([startMotoServer(), startResponseServer()]);
  environment = { awsEndpoint: moto.endpoint, caFile: server.certFile, region: TARGET };
});
afterAll(async () => {
  await Promise.all([moto?.stop(), server?.stop()]);
  lambda?.remove();
});
beforeEach(async () => {
  await moto.reset();
  const cfn = new CloudFormationClient(config(TARGET));
  // A stand-in with the parameters the check reads: which copies to watch.
  const body = JSON.stringify({
    Parameters: { SourceStackId: { Type: 'String' }, DBClusterIdentifier: { Type: 'String' } },
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
  });
  const Parameters = [
    { ParameterKey: 'SourceStackId', ParameterValue: SOURCE_STACK_ID },
    { ParameterKey: 'DBClusterIdentifier', ParameterValue: CLUSTER },
  ];
  recoveryStackId = (await cfn.send(new CreateStackCommand({ StackName: 'orders-prod-recovery', TemplateBody: body, Parameters }))).StackId!;
  network = await seedRecoveryNetwork(moto.endpoint);
});

/** A copy of the cluster in the target Region, tagged as the source stack's; returns its creation time. */
async function makeCopy(id: string): Promise<Date> {
  const source = new RDSClient(config(SOURCE));
  await source.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'not-a-real-password-1',
      StorageEncrypted: true,
    }),
  );
  const tags = [{ Key: SNAPSHOT_TAG.stackId, Value: SOURCE_STACK_ID }];
  const { DBClusterSnapshot } = await source.send(
    new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: CLUSTER, DBClusterSnapshotIdentifier: id, Tags: tags }),
  );
  const copy = await new RDSClient(config(TARGET)).send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: DBClusterSnapshot!.DBClusterSnapshotArn,
      TargetDBClusterSnapshotIdentifier: id,
      KmsKeyId: network.targetKeyArn,
      Tags: tags,
    }),
  );
  return copy.DBClusterSnapshot!.SnapshotCreateTime!;
}

/** The hourly rule's event: its Input from the template, with this test's values substituted. */
function scheduledEvent(stackId = recoveryStackId): unknown {
  const text: string = template.Resources[WATCHDOG_ID.schedule].Properties.Targets[0].Input['Fn::Sub'];
  const values: { [name: string]: string } = { SourceStackId: SOURCE_STACK_ID, DBClusterIdentifier: CLUSTER, 'AWS::StackId': stackId };
  return JSON.parse(text.replace(/\$\{([A-Za-z:]+)\}/g, (_, name: string) => values[name]));
}

async function publishedAges(): Promise<number[]> {
  const { Datapoints } = await new CloudWatchClient(config(TARGET)).send(
    new GetMetricStatisticsCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: 'orders-prod-recovery' }],
      StartTime: new Date(Date.now() - HOUR),
      EndTime: new Date(Date.now() + HOUR),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  return (Datapoints ?? []).map((point) => point.Maximum!);
}

async function customResource(type: string, requestType: string, properties: object): Promise<{ reply: CapturedReply; logs: string }> {
  const endpoint = server.endpoint();
  const event = {
    RequestType: requestType,
    ResponseURL: endpoint.url,
    StackId: recoveryStackId,
    RequestId: `request-${requestType}`,
    LogicalResourceId: type === WATCHDOG_FIRST_CHECK_TYPE ? WATCHDOG_ID.firstCheck : RECOVERY_ID.preflight,
    ResourceType: type,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'existing-id' }),
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-west-2:123456789012:function:f', ...properties },
  };
  const invocation = await invokeInChild(lambda.indexFile, event, environment);
  const reply = await Promise.race([
    endpoint.reply,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply; the function logged:\n${invocation.logs}`)), 500).unref()),
  ]);
  return { reply, logs: invocation.logs };
}

describe('the hourly check, as the inlined function runs it', () => {
  it("publishes the newest copy's age for the rule's input", async () => {
    const created = await makeCopy('orders-prod-dr-202612010300-aaaaaaaa');
    const invocation = await invokeInChild(lambda.indexFile, scheduledEvent(), environment);
    const after = Date.now();
    expect(invocation.exitCode).toBe(0);
    expect(invocation.logs).toContain('orders-prod-dr-202612010300-aaaaaaaa, since ');
    const [age] = await publishedAges();
    // Measured inside the invocation: between its start and its end.
    expect(age).toBeGreaterThanOrEqual((invocation.invokedAt - created.getTime()) / HOUR);
    expect(age).toBeLessThanOrEqual((after - created.getTime()) / HOUR);
  });

  it('fails the invocation and publishes nothing when it cannot measure, so the alarm sees missing data', async () => {
    const gone = recoveryStackId.replace(/[0-9a-f-]+$/, '00000000-0000-4000-8000-000000000000');
    const invocation = await invokeInChild(lambda.indexFile, scheduledEvent(gone), environment);
    expect(invocation.exitCode).toBe(1);
    expect(invocation.logs).toMatch(/handler rejected: .*(does not exist|not found|no CreationTime)/i);
    expect(await publishedAges()).toEqual([]);
  });
});

describe('the first check, as a custom resource', () => {
  const properties = { SourceStackId: SOURCE_STACK_ID, DBClusterIdentifier: CLUSTER, AllowedCopyAgeHours: '38' };

  it('publishes a datapoint at create and replies with the age', async () => {
    const { reply } = await customResource(WATCHDOG_FIRST_CHECK_TYPE, 'Create', properties);
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: WATCHDOG_ID.firstCheck });
    const { Stacks } = await new CloudFormationClient(config(TARGET)).send(new DescribeStacksCommand({ StackName: recoveryStackId }));
    const ages = await publishedAges();
    expect(ages).toHaveLength(1);
    expect(Number(reply.body.Data!.NewestCopyAgeHours)).toBeCloseTo(ages[0], 2);
    // No copy yet: the age of the stack itself.
    expect(ages[0]).toBeLessThanOrEqual((Date.now() - Stacks![0].CreationTime!.getTime()) / HOUR);
  });

  it('measures nothing at delete', async () => {
    const { reply } = await customResource(WATCHDOG_FIRST_CHECK_TYPE, 'Delete', properties);
    expect(reply.body.Status).toBe('SUCCESS');
    expect(await publishedAges()).toEqual([]);
  });
});

describe("the recovery preflight's allowed copy age", () => {
  const preflight = (changes: Partial<RecoveryPreflightProperties>): RecoveryPreflightProperties =>
    recoveryProperties(network, { DBClusterIdentifier: CLUSTER, SourceStackId: SOURCE_STACK_ID, ...changes });

  it.each([
    ['computes it from the source schedule and copy timeout, as status does', {}, '38'],
    ['takes MaxCopyAgeHours when it is above 0', { MaxCopyAgeHours: '30' }, '30'],
    ['computes it for an hourly schedule with a short copy timeout', { SourceScheduleExpression: 'rate(1 hour)', CopyTimeoutHours: '2' }, '5'],
    ['computes it for hours that wrap past midnight (22-2: the 20-hour gap from 02:00 to 22:00)', { SourceScheduleExpression: 'cron(0 22-2 * * ? *)' }, '34'],
  ])('%s', async (_, changes, allowed) => {
    const { reply } = await customResource(RECOVERY_PREFLIGHT_RESOURCE_TYPE, 'Create', preflight(changes));
    expect(reply.body.Reason).toBeUndefined();
    expect(reply.body.Data).toMatchObject({ AllowedCopyAgeHours: allowed });
  });

  it('fails with the value and the fix when EventBridge would refuse the schedule, even with MaxCopyAgeHours set', async () => {
    for (const changes of [{}, { MaxCopyAgeHours: '30' }]) {
      const { reply } = await customResource(RECOVERY_PREFLIGHT_RESOURCE_TYPE, 'Create', preflight({ SourceScheduleExpression: 'cron(0 3 * * *)', ...changes }));
      expect(reply.body.Status).toBe('FAILED');
      expect(reply.body.Reason).toBe(
        'SourceScheduleExpression "cron(0 3 * * *)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 3 * * ? *)',
      );
    }
  });
});
