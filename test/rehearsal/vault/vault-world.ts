/**
 * Three accounts in one clock-aware moto: protected accounts, each with an
 * encrypted cluster in the source Region, a target key in the DR Region and a
 * DR stack that shares its copies with the vault; and the vault account with
 * its key and its vault stack in the DR Region. moto separates accounts by
 * credentials: each account's clients, runbooks and scripts use credentials of
 * an STS AssumeRole into that account. The runbooks are read from the
 * templates the generator writes from the current sources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateDBClusterCommand, DBClusterSnapshot, DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { execFileSync } from 'child_process';
import { renderVaultTemplates, VAULT_TEMPLATE_BASENAME } from '../../../generator/main';
import { VAULT_ID } from '../../../generator/vault/logical-ids';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { PREFLIGHT_DATA } from '../../../custom-resource/dr/contract';
import { ownArnPatterns } from '../../../custom-resource/dr/own-arns';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { VAULT_DATA, VAULT_PARAM, VaultPreflightProperties } from '../../../custom-resource/vault/contract';
import { allowedVaultCopyAgeHours, checkVaultParameters, protectedResourceArns } from '../../../custom-resource/vault/rules';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { loadTemplate, LoadedTemplate, pseudoParameters, resolveAutomationDocument, resolveStackParameters, StackValues } from '../shared/intrinsics';
import { RehearsalWorld, rehearsedTemplateFile, SOURCE_REGION, TARGET_REGION } from '../shared/rehearsal-world';
import { ExecutionResult, runRunbook } from '../shared/runbook-runner';
import { RehearsedRole } from '../shared/iam-check';
import { rolePolicy } from '../../iam/simulate';
import { VENV_PYTHON } from '../shared/script-runner';

/** STS AssumeRole into the account, by boto3 (the project has no STS client of the AWS SDK for JavaScript). */
const ASSUME_ROLE = [
  'import boto3, json, sys',
  'c = boto3.client("sts", region_name="us-west-2").assume_role(RoleArn=sys.argv[1], RoleSessionName="rehearsal")["Credentials"]',
  'print(json.dumps({"accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"]}))',
].join('\n');

export const VAULT_ACCOUNT = '999999999999';

let vaultTemplateCache: LoadedTemplate | undefined;
let drTemplateCache: LoadedTemplate | undefined;

/** The vault template the generator writes from the current sources, read back from build/rehearsal/. */
export function vaultTemplate(): LoadedTemplate {
  if (!vaultTemplateCache) {
    const dir = path.join(__dirname, '..', '..', '..', 'build', 'rehearsal');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${VAULT_TEMPLATE_BASENAME}.yaml`);
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, renderVaultTemplates().yaml);
    fs.renameSync(partial, file);
    vaultTemplateCache = loadTemplate(file);
  }
  return vaultTemplateCache;
}

const drTemplate = (): LoadedTemplate => (drTemplateCache ??= loadTemplate(rehearsedTemplateFile()));

/** A key policy: the owner account, plus kms:CreateGrant and kms:DescribeKey for `admitted` accounts. */
export function keyPolicy(owner: string, ...admitted: string[]): string {
  const statements: object[] = [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner}:root` }, Action: 'kms:*', Resource: '*' }];
  if (admitted.length) {
    statements.push({
      Effect: 'Allow',
      Principal: { AWS: admitted.map((a) => `arn:aws:iam::${a}:root`) },
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export interface Account {
  id: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  rds: { [region: string]: RDSClient };
  kms: { [region: string]: KMSClient };
}

export interface DrStack {
  account: Account;
  clusterId: string;
  stackId: string;
  targetKeyArn: string;
  values: StackValues;
}

export interface VaultStack {
  stackId: string;
  stackName: string;
  keyArn: string;
  parameters: { [name: string]: string };
  values: StackValues;
}

export class VaultWorld {
  constructor(readonly world: RehearsalWorld) {}

  /** Clients of `accountId`, by credentials of a role assumed into it. */
  async account(accountId: string, roleName = 'rehearsal'): Promise<Account> {
    const { moto } = this.world;
    const output = execFileSync(VENV_PYTHON, ['-c', ASSUME_ROLE, `arn:aws:iam::${accountId}:role/${roleName}`], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      },
    });
    // moto attributes a request to the account whose assumed role issued its access key.
    const credentials = JSON.parse(output.toString()) as Account['credentials'];
    const config = (region: string) => ({ region, endpoint: moto.endpoint, credentials });
    return {
      id: accountId,
      credentials,
      rds: { [SOURCE_REGION]: new RDSClient(config(SOURCE_REGION)), [TARGET_REGION]: new RDSClient(config(TARGET_REGION)) },
      kms: { [SOURCE_REGION]: new KMSClient(config(SOURCE_REGION)), [TARGET_REGION]: new KMSClient(config(TARGET_REGION)) },
    };
  }

  async createKey(account: Account, region: string, policy?: string): Promise<string> {
    const { KeyMetadata } = await account.kms[region].send(
      new CreateKeyCommand({ KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', Policy: policy, Description: 'rehearsal' }),
    );
    return KeyMetadata!.Arn!;
  }

  /**
   * A protected account's DR stack, as CloudFormation and its preflight would create it: an
   * encrypted cluster in the source Region, a target key whose policy admits the vault (unless
   * `targetKeyAdmitsVault` is false) and VaultAccountId set.
   */
  async createDrStack(
    account: Account,
    clusterId: string,
    options: { targetRetentionDays?: number; targetKeyAdmitsVault?: boolean; vaultAccountId?: string } = {},
  ): Promise<DrStack> {
    const sourceKey = await this.createKey(account, SOURCE_REGION);
    await account.rds[SOURCE_REGION].send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: clusterId,
        Engine: 'aurora-postgresql',
        EngineVersion: '16.4',
        MasterUsername: 'postgres',
        MasterUserPassword: 'rehearsal-password-1',
        StorageEncrypted: true,
        KmsKeyId: sourceKey,
      }),
    );
    const admitted = options.targetKeyAdmitsVault === false ? [] : [VAULT_ACCOUNT];
    const targetKeyArn = await this.createKey(account, TARGET_REGION, keyPolicy(account.id, ...admitted));
    const stackName = `aurora-dr-${clusterId}`;
    const stackId = `arn:aws:cloudformation:${SOURCE_REGION}:${account.id}:stack/${stackName}/${randomUUID()}`;
    const parameters = {
      DBClusterIdentifier: clusterId,
      KMSTargetKey: targetKeyArn,
      SourceRegion: SOURCE_REGION,
      TargetRegion: TARGET_REGION,
      TargetRetentionDays: String(options.targetRetentionDays ?? 3),
      SourceRetentionDays: '1',
      VaultAccountId: options.vaultAccountId ?? VAULT_ACCOUNT,
    };
    resolveStackParameters(drTemplate(), parameters); // CloudFormation's own checks of the values
    const values: StackValues = {
      parameters,
      pseudo: pseudoParameters(SOURCE_REGION, account.id, stackId, stackName),
      attributes: {
        'AutomationRole.Arn': `arn:aws:iam::${account.id}:role/${stackName}-AutomationRole-REHEARSAL`,
        'Preflight.TargetKeyArn': targetKeyArn,
        // The rest of what the DR preflight returns, for the role's policy.
        [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.sourceKeyArn}`]: sourceKey,
        [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.clusterArn}`]: `arn:aws:rds:${SOURCE_REGION}:${account.id}:cluster:${clusterId}`,
        ...Object.fromEntries(Object.entries(ownArnPatterns(`arn:aws:rds:${SOURCE_REGION}:${account.id}:cluster:${clusterId}`, { DBClusterIdentifier: clusterId, SourceRegion: SOURCE_REGION, TargetRegion: TARGET_REGION })).map(([key, value]) => [`${LOGICAL_ID.preflight}.${key}`, value])),
      },
    };
    return { account, clusterId, stackId, targetKeyArn, values };
  }

  /** One run of a DR stack's runbook in its account, as its schedule starts it. */
  async runDr(stack: DrStack): Promise<ExecutionResult> {
    const { document } = resolveAutomationDocument(drTemplate(), stack.values);
    return this.runIn(stack.account, SOURCE_REGION, document, { name: LOGICAL_ID.automationRole, policy: rolePolicy(drTemplate(), LOGICAL_ID.automationRole, stack.values) });
  }

  /** The vault stack in the vault account, as CloudFormation and its preflight rules would create it. */
  async createVaultStack(vault: Account, supplied: { [name: string]: string }, existingStackId?: string): Promise<VaultStack> {
    const keyArn = await this.createKey(vault, TARGET_REGION);
    const stackName = 'aurora-dr-vault';
    const stackId = existingStackId ?? `arn:aws:cloudformation:${TARGET_REGION}:${vault.id}:stack/${stackName}/${randomUUID()}`;
    const parameters = resolveStackParameters(vaultTemplate(), { [VAULT_PARAM.kmsKey]: keyArn, ...supplied });
    const properties: VaultPreflightProperties = {
      VaultKmsKey: keyArn,
      ProtectedClusters: parameters[VAULT_PARAM.protectedClusters],
      RetentionDays: parameters[VAULT_PARAM.retention],
      MinimumCopiesPerCluster: parameters[VAULT_PARAM.minimumCopies],
      ScheduleExpression: parameters[VAULT_PARAM.schedule],
      MaxCopyAgeHours: parameters[VAULT_PARAM.maxCopyAge],
      StackRegion: TARGET_REGION,
      StackAccount: vault.id,
    };
    const problems = checkVaultParameters(properties);
    if (problems.length) throw new Error(`the vault preflight would roll the stack back: ${problems.join(' | ')}`);
    const sources = protectedResourceArns(properties, 'aws');
    const values: StackValues = {
      parameters,
      pseudo: pseudoParameters(TARGET_REGION, vault.id, stackId, stackName),
      attributes: {
        [`${VAULT_ID.automationRole}.Arn`]: `arn:aws:iam::${vault.id}:role/${stackName}-VaultAutomationRole-REHEARSAL`,
        [`${VAULT_ID.preflight}.${VAULT_DATA.vaultKeyArn}`]: keyArn,
        [`${VAULT_ID.preflight}.${VAULT_DATA.allowedCopyAgeHours}`]: String(allowedVaultCopyAgeHours(properties)),
        [`${VAULT_ID.preflight}.${VAULT_DATA.sourceSnapshotArns}`]: sources.snapshots,
        [`${VAULT_ID.preflight}.${VAULT_DATA.sourceKeyArns}`]: sources.keys,
      },
    };
    return { stackId, stackName, keyArn, parameters, values };
  }

  /** One run of the vault's runbook in the vault account. */
  async runVault(vault: Account, stack: VaultStack): Promise<ExecutionResult> {
    const { document } = resolveAutomationDocument(vaultTemplate(), stack.values);
    return this.runIn(vault, TARGET_REGION, document, { name: VAULT_ID.automationRole, policy: rolePolicy(vaultTemplate(), VAULT_ID.automationRole, stack.values) });
  }

  /** A run signed by the role's own key in `account` (an STS session of it), each call then simulated under its policy. */
  private async runIn(account: Account, region: string, document: unknown, role: Omit<RehearsedRole, 'credentials'>): Promise<ExecutionResult> {
    const { moto, clock } = this.world;
    const { credentials } = await this.account(account.id, role.name);
    return runRunbook({
      document,
      region,
      accountId: account.id,
      aws: { endpoint: moto.endpoint, credentials },
      clock,
      clockControlUrl: moto.endpoint,
      iamRole: { ...role, credentials },
    });
  }

  /** An account's manual cluster snapshots in a Region, with their tags. */
  async snapshots(account: Account, region: string, type = 'manual'): Promise<(DBClusterSnapshot & { tags: { [key: string]: string } })[]> {
    const all: DBClusterSnapshot[] = [];
    let Marker: string | undefined;
    do {
      const page = await account.rds[region].send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: type, IncludeShared: type === 'shared', Marker }));
      all.push(...(page.DBClusterSnapshots ?? []));
      Marker = page.Marker;
    } while (Marker);
    return all.map((s) => ({ ...s, tags: Object.fromEntries((s.TagList ?? []).map((t) => [t.Key!, t.Value!])) }));
  }

  /** The vault copies made by `stack`, by the shared snapshot's ARN they were copied from. */
  async vaultCopies(vault: Account, stack: VaultStack): Promise<Map<string, DBClusterSnapshot>> {
    const copies = (await this.snapshots(vault, TARGET_REGION)).filter((s) => s.tags[SNAPSHOT_TAG.stackId] === stack.stackId);
    return new Map(copies.map((s) => [s.tags[SNAPSHOT_TAG.sourceSnapshot], s]));
  }
}
