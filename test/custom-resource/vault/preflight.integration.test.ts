/**
 * The vault stack's function, as the vault template inlines it, run in Node
 * against moto server with a local HTTPS server as the ResponseURL: what
 * CloudFormation would hear from the preflight.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { renderVaultTemplates } from '../../../generator/main';
import { VAULT_ID } from '../../../generator/vault/logical-ids';
import { bundleVaultFunction } from '../../../generator/vault/preflight';
import { VAULT_PREFLIGHT_RESOURCE_TYPE, VaultPreflightProperties } from '../../../custom-resource/vault/contract';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MotoServer, startMotoServer } from '../../support/moto-server';
import { makeEvent } from '../support/events';
import { ChildEnvironment, invokeInChild, writeLambdaDir } from '../support/lambda-harness';
import { CapturedReply, ResponseServer, startResponseServer } from '../support/response-server';

jest.setTimeout(60_000);

const REGION = 'us-west-2';
const PHYSICAL_ID = `aurora-snapshot-dr-preflight-${VAULT_ID.preflight}`;
const VAULT_STACK_ID = `arn:aws:cloudformation:${REGION}:${MOTO_ACCOUNT_ID}:stack/vault/8e3f4c32-0a1b-11f1-9f6b-0a1b2c3d4e5f`;

describe('vault preflight code from the vault template, against moto', () => {
  let moto: MotoServer;
  let server: ResponseServer;
  let lambda: ReturnType<typeof writeLambdaDir>;
  let code: string;
  let environment: ChildEnvironment;
  let keyArn: string;

  beforeAll(async () => {
    code = JSON.parse(renderVaultTemplates().json).Resources[VAULT_ID.preflightFunction].Properties.Code.ZipFile;
    lambda = writeLambdaDir(code);
    [moto, server] = await Promise.all([startMotoServer(), startResponseServer()]);
    const kms = new KMSClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    keyArn = (await kms.send(new CreateKeyCommand({ Description: 'vault key', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }))).KeyMetadata!.Arn!;
    environment = { awsEndpoint: moto.endpoint, caFile: server.certFile, region: REGION };
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), server?.stop()]);
    lambda?.remove();
  });

  async function run(properties: Partial<VaultPreflightProperties> = {}, requestType = 'Create'): Promise<CapturedReply> {
    const endpoint = server.endpoint();
    const good: VaultPreflightProperties = {
      VaultKmsKey: keyArn,
      ProtectedClusters: '111111111111:orders-db,222222222222:orders-db',
      RetentionDays: '35',
      MinimumCopiesPerCluster: '3',
      ScheduleExpression: 'cron(0 6 * * ? *)',
      MaxCopyAgeHours: '0',
      StackRegion: REGION,
      StackAccount: MOTO_ACCOUNT_ID,
    };
    const event = {
      ...makeEvent(),
      RequestType: requestType,
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_ID }),
      ResponseURL: endpoint.url,
      StackId: VAULT_STACK_ID,
      LogicalResourceId: VAULT_ID.preflight,
      ResourceType: VAULT_PREFLIGHT_RESOURCE_TYPE,
      ResourceProperties: { ServiceToken: `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT_ID}:function:f`, ...good, ...properties },
    };
    const invocation = await invokeInChild(lambda.indexFile, event, environment);
    const reply = await Promise.race([
      endpoint.reply,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply:\n${invocation.logs}`)), 500).unref()),
    ]);
    expect(invocation.exitCode).toBe(0);
    return reply;
  }

  it('runs the very code the generator bundles from custom-resource/vault/', () => {
    expect(code).toBe(bundleVaultFunction());
  });

  it("replies SUCCESS with the key, the alarm's allowance and what the role may reach in the protected accounts", async () => {
    const reply = await run();
    expect(reply.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Data: {
        VaultKeyArn: keyArn,
        AllowedCopyAgeHours: '72',
        SourceSnapshotArns: `arn:aws:rds:${REGION}:111111111111:cluster-snapshot:orders-db-dr-*,arn:aws:rds:${REGION}:222222222222:cluster-snapshot:orders-db-dr-*`,
        SourceKeyArns: `arn:aws:kms:${REGION}:111111111111:key/*,arn:aws:kms:${REGION}:222222222222:key/*`,
      },
    });
  });

  it.each<[string, Partial<VaultPreflightProperties>, string]>([
    ['the AWS managed aws/rds key', { VaultKmsKey: 'alias/aws/rds' }, 'VaultKmsKey "alias/aws/rds" is AWS managed: use a customer managed key, whose key policy the vault account controls'],
    ['a key that does not exist', { VaultKmsKey: 'alias/no-such-key' }, `VaultKmsKey "alias/no-such-key" was not found in ${REGION} (TargetRegion): use a key or alias that exists there`],
    [
      "the vault's own account among the protected ones",
      { ProtectedClusters: `${MOTO_ACCOUNT_ID}:orders-db` },
      `ProtectedClusters "${MOTO_ACCOUNT_ID}:orders-db" names the vault's own account: a vault protects other accounts' clusters`,
    ],
  ])('replies FAILED to %s, naming the value and the fix', async (_, properties, reason) => {
    const reply = await run(properties);
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(reason);
  });

  it('replies SUCCESS to a Delete whatever the parameters', async () => {
    const reply = await run({ VaultKmsKey: 'alias/no-such-key', ProtectedClusters: '' }, 'Delete');
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });
});
