/**
 * The preflight functions of both stacks, run as the templates inline them
 * against the rehearsal's moto, with their calls signed by their role's own
 * key: every call a good Create makes is simulated under the function's role
 * from the generated template, and one IAM would deny fails the test.
 */
import { renderRecoveryTemplates } from '../../generator/main';
import { LOGICAL_ID } from '../../generator/dr/logical-ids';
import { RECOVERY_ID } from '../../generator/recovery/logical-ids';
import { WATCHDOG_ID } from '../../generator/recovery/watchdog';
import { RECOVERY_DATA, RECOVERY_PREFLIGHT_RESOURCE_TYPE, rdsArnPrefix } from '../../custom-resource/recovery/contract';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../support/moto-server';
import { MotoClockServer, startMotoClockServer } from '../support/moto-clock-server';
import { makeEvent } from '../custom-resource/support/events';
import { inlinedPreflightCode, invokeInChild, seedMoto, writeLambdaDir } from '../custom-resource/support/lambda-harness';
import { RECOVERY_SEED, RecoverySeed, recoveryProperties, seedRecovery } from '../custom-resource/support/recovery-seed';
import { ResponseServer, startResponseServer } from '../custom-resource/support/response-server';
import { LoadedTemplate, StackValues, loadTemplate, pseudoParameters } from '../rehearsal/shared/intrinsics';
import { generatedTemplateFile } from '../rehearsal/shared/rehearsal-world';
import { recoveryTemplate } from '../rehearsal/recovery/recovery-world';
import { RehearsedRole, assertCallsAllowed, recordedRequests, roleAccessKeyId } from '../rehearsal/shared/iam-check';
import { rolePolicy } from './simulate';

jest.setTimeout(120_000);

let moto: MotoClockServer;
let server: ResponseServer;
let network: RecoverySeed;
beforeAll(async () => {
  [moto, server] = await Promise.all([startMotoClockServer(), startResponseServer()]);
  await seedMoto(moto.endpoint);
  network = await seedRecovery(moto.endpoint);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), server?.stop()]);
});

/** Runs the function on the event as its role; returns the reply's status and how many calls the role made. */
async function runAs(code: string, role: string, event: object, region: string): Promise<{ status: unknown; calls: number; since: number }> {
  const lambda = writeLambdaDir(code);
  try {
    const since = (await recordedRequests(moto.endpoint)).length;
    const endpoint = server.endpoint();
    const invocation = await invokeInChild(
      lambda.indexFile,
      { ...event, ResponseURL: endpoint.url },
      { awsEndpoint: moto.endpoint, caFile: server.certFile, region, accessKeyId: roleAccessKeyId(role) },
    );
    const reply = await Promise.race([
      endpoint.reply,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply:\n${invocation.logs}`)), 2000).unref()),
    ]);
    const calls = (await recordedRequests(moto.endpoint)).slice(since).filter((r) => r.accessKeyId === roleAccessKeyId(role)).length;
    return { status: (reply.body as { Status: unknown }).Status, calls, since };
  } finally {
    lambda.remove();
  }
}

const stackValues = (stackId: string, region: string, parameters: StackValues['parameters'], attributes: StackValues['attributes']): StackValues => ({
  parameters,
  pseudo: pseudoParameters(region, MOTO_ACCOUNT_ID, stackId, stackId.split('/')[1]),
  attributes,
});

it("makes only calls its role allows: the DR stack's preflight on a good Create", async () => {
  const event = makeEvent();
  const properties = event.ResourceProperties;
  const template: LoadedTemplate = loadTemplate(generatedTemplateFile());
  const values = stackValues(
    event.StackId,
    properties.SourceRegion,
    { DBClusterIdentifier: properties.DBClusterIdentifier, KMSTargetKey: properties.KMSTargetKey, SourceRegion: properties.SourceRegion, TargetRegion: properties.TargetRegion },
    { [`${LOGICAL_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${properties.SourceRegion}:${MOTO_ACCOUNT_ID}:log-group:/aws/lambda/preflight:*` },
  );
  const { status, calls, since } = await runAs(inlinedPreflightCode(), LOGICAL_ID.preflightRole, event, properties.SourceRegion);
  expect(status).toBe('SUCCESS');
  expect(calls).toBeGreaterThan(0);
  await assertCallsAllowed(moto.endpoint, { name: LOGICAL_ID.preflightRole, policy: rolePolicy(template, LOGICAL_ID.preflightRole, values) }, MOTO_ACCOUNT_ID, since);
});

it("makes only calls its role allows: the recovery stack's preflight on a good Create", async () => {
  const properties = recoveryProperties(network);
  const stackId = `arn:aws:cloudformation:${RECOVERY_SEED.target}:${MOTO_ACCOUNT_ID}:stack/orders-dr-recovery/8e3f4c32-0a1b-11f1-9f6b-0a1b2c3d4e5f`;
  const event = {
    ...makeEvent(),
    StackId: stackId,
    LogicalResourceId: RECOVERY_ID.preflight,
    ResourceType: RECOVERY_PREFLIGHT_RESOURCE_TYPE,
    ResourceProperties: { ServiceToken: `arn:aws:lambda:${RECOVERY_SEED.target}:${MOTO_ACCOUNT_ID}:function:f`, ...properties },
  };
  const { status, calls, since } = await runAs(recoveryCode(), RECOVERY_ID.preflightRole, event, RECOVERY_SEED.target);
  expect(status).toBe('SUCCESS');
  expect(calls).toBeGreaterThan(0);
  await assertCallsAllowed(moto.endpoint, recoveryFunctionRole(stackId), MOTO_ACCOUNT_ID, since);
});

it('makes only calls its role allows: the hourly copy-age check of the recovery stack', async () => {
  const cfn = new CloudFormationClient({ region: RECOVERY_SEED.target, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const body = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  const stackId = (await cfn.send(new CreateStackCommand({ StackName: 'orders-dr-recovery', TemplateBody: body }))).StackId!;
  // The hourly rule's event: its Input from the template, with this stack's values; once with copies to
  // measure, once without (the age then counts from the stack's creation).
  const input: string = JSON.parse(renderRecoveryTemplates().json).Resources[WATCHDOG_ID.schedule].Properties.Targets[0].Input['Fn::Sub'];
  const eventFor = (cluster: string) => {
    const values: { [name: string]: string } = { SourceStackId: RECOVERY_SEED.sourceStackId, DBClusterIdentifier: cluster, 'AWS::StackId': stackId };
    return JSON.parse(input.replace(/\$\{([A-Za-z:]+)\}/g, (_, name: string) => values[name]));
  };
  const lambda = writeLambdaDir(recoveryCode());
  try {
    const since = (await recordedRequests(moto.endpoint)).length;
    for (const cluster of [RECOVERY_SEED.cluster, RECOVERY_SEED.clusterWithoutCopies]) {
      const invocation = await invokeInChild(lambda.indexFile, eventFor(cluster), {
        awsEndpoint: moto.endpoint,
        caFile: server.certFile,
        region: RECOVERY_SEED.target,
        accessKeyId: roleAccessKeyId(RECOVERY_ID.preflightRole),
      });
      expect(invocation.exitCode).toBe(0);
    }
    const made = (await recordedRequests(moto.endpoint)).slice(since).filter((r) => r.accessKeyId === roleAccessKeyId(RECOVERY_ID.preflightRole));
    // The copy age, the ages published before (worst-case RPO), and the drills whose run has ended.
    expect(new Set(made.map((r) => r.operation))).toEqual(
      new Set(['DescribeDBClusterSnapshots', 'DescribeStacks', 'GetMetricData', 'PutMetricData', 'DescribeDBClusters']),
    );
    await assertCallsAllowed(moto.endpoint, recoveryFunctionRole(stackId), MOTO_ACCOUNT_ID, since);
  } finally {
    lambda.remove();
  }
});

const recoveryCode = (): string => JSON.parse(renderRecoveryTemplates().json).Resources[RECOVERY_ID.preflightFunction].Properties.Code.ZipFile;

/** The recovery function's role, resolved for a recovery stack made with the seeded network's values. */
function recoveryFunctionRole(stackId: string): RehearsedRole {
  const properties = recoveryProperties(network);
  const values = stackValues(
    stackId,
    RECOVERY_SEED.target,
    {
      DBClusterIdentifier: properties.DBClusterIdentifier,
      SourceStackId: properties.SourceStackId,
      KMSTargetKey: properties.KMSTargetKey,
      DBSubnetGroupName: properties.DBSubnetGroupName,
      VpcSecurityGroupIds: properties.VpcSecurityGroupIds,
    },
    {
      [`${RECOVERY_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${RECOVERY_SEED.target}:${MOTO_ACCOUNT_ID}:log-group:/aws/lambda/recovery-preflight:*`,
      [`${RECOVERY_ID.preflight}.TargetKeyArn`]: network.targetKeyArn,
      [`${RECOVERY_ID.preflight}.${RECOVERY_DATA.rdsArn}`]: rdsArnPrefix(network.targetKeyArn),
    },
  );
  return { name: RECOVERY_ID.preflightRole, policy: rolePolicy(recoveryTemplate(), RECOVERY_ID.preflightRole, values) };
}
