/**
 * Runs the preflight code exactly as the template inlines it: the ZipFile is
 * taken from the generated JSON template, written as index.js under build/
 * (so `require('@aws-sdk/...')` resolves from the project's node_modules, as
 * the runtime's bundled SDK would) and invoked in a child Node process whose
 * environment alone points the SDK at moto and trusts the test certificate.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { CreateDBClusterCommand, CreateDBClusterCommandInput, RDSClient } from '@aws-sdk/client-rds';
import { renderTemplates } from '../../../generator/main';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { BUILD_DIR } from './response-server';

const INVOKE_SCRIPT = path.join(__dirname, 'invoke-lambda.js');

/** The preflight code as it appears in the generated templates/aurora-snapshot-dr.json. */
export function inlinedPreflightCode(): string {
  const template = JSON.parse(renderTemplates().json);
  return template.Resources[LOGICAL_ID.preflightFunction].Properties.Code.ZipFile;
}

/** A fresh directory under build/ holding the code as index.js. */
export function writeLambdaDir(code: string): { dir: string; indexFile: string; remove(): void } {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(BUILD_DIR, 'preflight-lambda-'));
  const indexFile = path.join(dir, 'index.js');
  fs.writeFileSync(indexFile, code);
  return { dir, indexFile, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Invocation {
  exitCode: number;
  /** stdout and stderr together: what CloudWatch would show. */
  logs: string;
  invokedAt: number;
}

export interface ChildEnvironment {
  awsEndpoint: string;
  caFile: string;
  region?: string;
  /** The access key the function's calls are signed with: a role's own, where its calls are checked against IAM. */
  accessKeyId?: string;
}

/** A clean environment: no AWS settings of the machine, only the ones the test means. */
function childEnv({ awsEndpoint, caFile, region = 'us-east-1', accessKeyId = MOTO_CREDENTIALS.accessKeyId }: ChildEnvironment): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    AWS_ENDPOINT_URL: awsEndpoint,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_EXTRA_CA_CERTS: caFile,
  };
}

export function invokeInChild(
  indexFile: string,
  event: unknown,
  environment: ChildEnvironment,
  remainingMs = 60_000,
): Promise<Invocation> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [INVOKE_SCRIPT, indexFile, JSON.stringify({ event, remainingMs })],
      { env: childEnv(environment), timeout: remainingMs + 10_000 },
      (error, stdout, stderr) => {
        const invokedAt = Number(/INVOKED_AT (\d+)/.exec(stdout)?.[1] ?? NaN);
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, logs: `${stdout}${stderr}`, invokedAt });
      },
    );
  });
}

export interface MotoSeed {
  goodKeyArn: string;
  goodKeyAlias: string;
  disabledKeyId: string;
  pendingDeletionKeyId: string;
  asymmetricKeyId: string;
  otherRegionKeyArn: string;
  /** A key of TargetRegion whose policy names only one role, so this account's IAM policies cannot grant it. */
  adminOnlyKeyArn: string;
  sourceKeyArn: string;
  /** The key of SEED_CLUSTERS.adminOnlyKey, with the same kind of policy. */
  adminOnlySourceKeyArn: string;
  clusterArn: string;
}

/** A key policy that lets only `principal` use the key. */
export const keyPolicyFor = (principal: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Only', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }] });
export const KEY_ADMIN_ROLE = 'arn:aws:iam::123456789012:role/key-admin';

export const SEED_CLUSTERS = {
  good: 'prod-aurora',
  unencrypted: 'plain-aurora',
  nonAurora: 'multi-az-mysql',
  adminOnlyKey: 'locked-aurora',
};

/**
 * What the integration tests need in moto: keys in the target Region (usable,
 * disabled, pending deletion, asymmetric, one whose policy names only a role),
 * one in a third Region, and in the source Region an encrypted Aurora cluster,
 * one encrypted with a key whose policy names only a role, an unencrypted one
 * and a Multi-AZ MySQL (non-Aurora) cluster.
 */
export async function seedMoto(endpoint: string, source = 'us-east-1', target = 'us-west-2'): Promise<MotoSeed> {
  const clientConfig = { endpoint, credentials: MOTO_CREDENTIALS };
  const targetKms = new KMSClient({ region: target, ...clientConfig });
  // KMS defaults KeyUsage to ENCRYPT_DECRYPT; moto leaves it unset unless asked, so ask.
  const createKey = async (client: KMSClient, input = {}) =>
    (await client.send(new CreateKeyCommand({ Description: 'aurora-snapshot-dr test', KeyUsage: 'ENCRYPT_DECRYPT', ...input })))
      .KeyMetadata!;

  const good = await createKey(targetKms);
  const goodKeyAlias = 'alias/aurora-dr-copies';
  await targetKms.send(new CreateAliasCommand({ AliasName: goodKeyAlias, TargetKeyId: good.KeyId }));
  const disabled = await createKey(targetKms);
  await targetKms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
  const pending = await createKey(targetKms);
  await targetKms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
  const asymmetric = await createKey(targetKms, { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
  const otherRegion = await createKey(new KMSClient({ region: 'eu-west-1', ...clientConfig }));
  const sourceKms = new KMSClient({ region: source, ...clientConfig });
  const sourceKey = await createKey(sourceKms);
  const adminOnly = await createKey(targetKms);
  const adminOnlySource = await createKey(sourceKms);
  for (const [client, key] of [[targetKms, adminOnly], [sourceKms, adminOnlySource]] as const) {
    await client.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: keyPolicyFor(KEY_ADMIN_ROLE) }));
  }

  const rds = new RDSClient({ region: source, ...clientConfig });
  const cluster = async (input: Partial<CreateDBClusterCommandInput> & { DBClusterIdentifier: string }) =>
    (
      await rds.send(
        new CreateDBClusterCommand({ Engine: 'aurora-postgresql', MasterUsername: 'dbadmin', MasterUserPassword: 'not-a-secret-1', ...input }),
      )
    ).DBCluster!;
  const good2 = await cluster({ DBClusterIdentifier: SEED_CLUSTERS.good, StorageEncrypted: true, KmsKeyId: sourceKey.KeyId });
  await cluster({ DBClusterIdentifier: SEED_CLUSTERS.adminOnlyKey, StorageEncrypted: true, KmsKeyId: adminOnlySource.Arn });
  await cluster({ DBClusterIdentifier: SEED_CLUSTERS.unencrypted, Engine: 'aurora-mysql', StorageEncrypted: false });
  await cluster({
    DBClusterIdentifier: SEED_CLUSTERS.nonAurora,
    Engine: 'mysql',
    StorageEncrypted: true,
    KmsKeyId: sourceKey.KeyId,
    DBClusterInstanceClass: 'db.m5d.large',
    AllocatedStorage: 100,
    StorageType: 'io1',
    Iops: 1000,
  });

  return {
    goodKeyArn: good.Arn!,
    goodKeyAlias,
    disabledKeyId: disabled.KeyId!,
    pendingDeletionKeyId: pending.KeyId!,
    asymmetricKeyId: asymmetric.KeyId!,
    otherRegionKeyArn: otherRegion.Arn!,
    adminOnlyKeyArn: adminOnly.Arn!,
    sourceKeyArn: sourceKey.Arn!,
    adminOnlySourceKeyArn: adminOnlySource.Arn!,
    clusterArn: good2.DBClusterArn!,
  };
}
