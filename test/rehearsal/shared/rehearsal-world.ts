/**
 * The world a rehearsal runs in: the clock-aware moto with an encrypted Aurora
 * cluster in the source Region and a KMS key in the target Region, a "stack"
 * made of the values CloudFormation and the preflight would give the
 * template, and the runbook read from the generated template file itself.
 * Scenarios (test/rehearsal/*.test.ts) and `make rehearse` both build on it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshot,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  Tag,
} from '@aws-sdk/client-rds';
import { PREFLIGHT_DATA, PreflightProperties, SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { ownArnPatterns } from '../../../custom-resource/dr/own-arns';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { checkCluster, checkKey, checkParameters } from '../../../custom-resource/dr/rules';
import { renderTemplates, TEMPLATE_BASENAME } from '../../../generator/main';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../../support/moto-server';
import { MotoClockServer } from '../../support/moto-clock-server';
import { loadTemplate, LoadedTemplate, pseudoParameters, resolveAutomationDocument, resolveStackParameters, StackValues } from './intrinsics';
import { ExecutionResult, RunnerOptions, runRunbook } from './runbook-runner';
import { rolePolicy } from '../../iam/simulate';
import { VirtualClock } from './virtual-clock';

export const SOURCE_REGION = 'us-east-1';
export const TARGET_REGION = 'us-west-2';
export const ACCOUNT_ID = MOTO_ACCOUNT_ID;
export const DAY_MS = 24 * 3600 * 1000;

const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/**
 * The template the rehearsal reads: what the generator writes from the
 * current sources (so a script change is rehearsed before it is committed),
 * written to build/rehearsal/ and read back from that file.
 */
export function generatedTemplateFile(): string {
  const dir = path.join(REPO_ROOT, 'build', 'rehearsal');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${TEMPLATE_BASENAME}.yaml`);
  // Jest runs test files in parallel workers: write aside and rename, so no reader sees half a file.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, renderTemplates().yaml);
  fs.renameSync(partial, file);
  return file;
}

/** REHEARSAL_TEMPLATE=<file> rehearses another template (e.g. the committed one, or a deliberately broken copy). */
export function rehearsedTemplateFile(): string {
  return process.env.REHEARSAL_TEMPLATE ? path.resolve(process.env.REHEARSAL_TEMPLATE) : generatedTemplateFile();
}

let templateCache: LoadedTemplate | undefined;
function generatedTemplate(): LoadedTemplate {
  templateCache ??= loadTemplate(rehearsedTemplateFile());
  return templateCache;
}

export interface StackOptions {
  clusterId: string;
  /** KMSTargetKey as the user typed it: key id, alias/name, key ARN or alias ARN. */
  kmsTargetKey: string;
  sourceRetentionDays?: number;
  targetRetentionDays?: number;
  copyTimeoutHours?: number;
  scheduleExpression?: string;
}

/** A stack as CloudFormation would have created it: the parameters, the preflight's verdict and data. */
export interface Stack {
  stackId: string;
  options: StackOptions;
  values: StackValues;
  /** Every stack parameter's value, defaults included, as CloudFormation resolved them. */
  parameters: { [name: string]: string };
  targetKeyArn: string;
}

export interface RunOptions {
  executionParameters?: RunnerOptions['parameters'];
  beforeStep?: RunnerOptions['beforeStep'];
  template?: LoadedTemplate;
}

export interface SnapshotView {
  id: string;
  arn: string;
  type: string;
  status: string;
  kmsKeyId?: string;
  createdAt?: Date;
  tags: { [key: string]: string };
}

export class RehearsalWorld {
  readonly clock = new VirtualClock();
  readonly rds: { [region: string]: RDSClient };
  readonly kms: { [region: string]: KMSClient };

  constructor(readonly moto: MotoClockServer) {
    const config = (region: string) => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    this.rds = { [SOURCE_REGION]: new RDSClient(config(SOURCE_REGION)), [TARGET_REGION]: new RDSClient(config(TARGET_REGION)) };
    this.kms = { [SOURCE_REGION]: new KMSClient(config(SOURCE_REGION)), [TARGET_REGION]: new KMSClient(config(TARGET_REGION)) };
    // moto stamps snapshots with the same virtual time the runner and the scripts read.
    this.clock.onAdvance(async () => {
      await moto.advanceClockTo(this.clock.now());
    });
  }

  /** An empty account, the clock (ours and moto's) at real now: between tests. */
  async reset(): Promise<void> {
    await this.moto.reset();
    this.clock.restart();
    await this.moto.startClockAt(this.clock.now());
  }

  async createKey(region: string, alias?: string): Promise<string> {
    const { KeyMetadata } = await this.kms[region].send(new CreateKeyCommand({ Description: `rehearsal key in ${region}`, KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
    if (alias) await this.kms[region].send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId }));
    return KeyMetadata!.Arn!;
  }

  async disableKey(region: string, keyArn: string): Promise<void> {
    // Real KMS takes the ARN here; moto's DisableKey only finds a bare key id.
    await this.kms[region].send(new DisableKeyCommand({ KeyId: keyArn.split('/').pop() }));
  }

  /** An encrypted aurora-postgresql cluster in the source Region, with its own KMS key there. */
  async createEncryptedCluster(clusterId: string): Promise<void> {
    const sourceKeyArn = await this.createKey(SOURCE_REGION);
    await this.rds[SOURCE_REGION].send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: clusterId,
        Engine: 'aurora-postgresql',
        EngineVersion: '16.4',
        MasterUsername: 'postgres',
        MasterUserPassword: 'rehearsal-password-1',
        StorageEncrypted: true,
        KmsKeyId: sourceKeyArn,
      }),
    );
  }

  /** A manual snapshot somebody made by hand (not the stack), with whatever tags they chose. */
  async createManualSnapshot(region: string, clusterId: string, snapshotId: string, tags: Tag[] = []): Promise<void> {
    await this.rds[region].send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: clusterId, DBClusterSnapshotIdentifier: snapshotId, Tags: tags }),
    );
  }

  /**
   * What creating the stack does before the runbook ever runs: CloudFormation checks the
   * parameters against the template, the preflight checks them against KMS and RDS and
   * resolves KMSTargetKey (id, alias or ARN) to the key ARN with DescribeKey.
   */
  async createStack(options: StackOptions): Promise<Stack> {
    const stackName = `aurora-dr-${options.clusterId}`.slice(0, 128);
    const stackId = `arn:aws:cloudformation:${SOURCE_REGION}:${ACCOUNT_ID}:stack/${stackName}/${randomUUID()}`;
    const parameters: { [name: string]: string } = {
      DBClusterIdentifier: options.clusterId,
      KMSTargetKey: options.kmsTargetKey,
      SourceRegion: SOURCE_REGION,
      TargetRegion: TARGET_REGION,
    };
    if (options.sourceRetentionDays !== undefined) parameters.SourceRetentionDays = String(options.sourceRetentionDays);
    if (options.targetRetentionDays !== undefined) parameters.TargetRetentionDays = String(options.targetRetentionDays);
    if (options.copyTimeoutHours !== undefined) parameters.CopyTimeoutHours = String(options.copyTimeoutHours);
    if (options.scheduleExpression !== undefined) parameters.ScheduleExpression = options.scheduleExpression;

    const template = generatedTemplate();
    const withDefaults = (name: string): string => parameters[name] ?? String(template.Parameters[name].Default);
    const preflight: PreflightProperties = {
      DBClusterIdentifier: options.clusterId,
      KMSTargetKey: options.kmsTargetKey,
      SourceRegion: SOURCE_REGION,
      TargetRegion: TARGET_REGION,
      StackRegion: SOURCE_REGION,
      ScheduleExpression: withDefaults('ScheduleExpression'),
      SourceRetentionDays: withDefaults('SourceRetentionDays'),
      TargetRetentionDays: withDefaults('TargetRetentionDays'),
    };
    const { KeyMetadata } = await this.kms[TARGET_REGION].send(new DescribeKeyCommand({ KeyId: options.kmsTargetKey }));
    const { DBClusters } = await this.rds[SOURCE_REGION].send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: options.clusterId }),
    );
    const problems = [...checkParameters(preflight), ...checkKey(KeyMetadata!, preflight), ...checkCluster(DBClusters?.[0], preflight)];
    if (problems.length > 0) throw new Error(`the preflight would roll the stack back: ${problems.join(' | ')}`);

    const targetKeyArn = KeyMetadata!.Arn!;
    const values: StackValues = {
      parameters,
      pseudo: pseudoParameters(SOURCE_REGION, ACCOUNT_ID, stackId, stackName),
      attributes: {
        [`${LOGICAL_ID.automationRole}.Arn`]: `arn:aws:iam::${ACCOUNT_ID}:role/${stackName.slice(0, 40)}-AutomationRole-REHEARSAL`,
        // What the preflight returns, as custom-resource/dr/index.ts resolves it.
        [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.targetKeyArn}`]: targetKeyArn,
        [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.sourceKeyArn}`]: DBClusters![0].KmsKeyId!,
        [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.clusterArn}`]: DBClusters![0].DBClusterArn!,
        ...Object.fromEntries(Object.entries(ownArnPatterns(DBClusters![0].DBClusterArn!, { DBClusterIdentifier: options.clusterId, SourceRegion: SOURCE_REGION, TargetRegion: TARGET_REGION })).map(([key, value]) => [`${LOGICAL_ID.preflight}.${key}`, value])),
      },
    };
    return { stackId, options, values, parameters: resolveStackParameters(template, parameters), targetKeyArn };
  }

  /** One execution of the stack's runbook, as the schedule (or a person) would start it. */
  async run(stack: Stack, options: RunOptions = {}): Promise<ExecutionResult> {
    const template = options.template ?? generatedTemplate();
    const { document } = resolveAutomationDocument(template, stack.values);
    return runRunbook({
      document,
      region: SOURCE_REGION,
      accountId: ACCOUNT_ID,
      aws: { endpoint: this.moto.endpoint, credentials: MOTO_CREDENTIALS },
      clock: this.clock,
      clockControlUrl: this.moto.endpoint,
      parameters: options.executionParameters,
      beforeStep: options.beforeStep,
      iamRole: { name: LOGICAL_ID.automationRole, policy: rolePolicy(template, LOGICAL_ID.automationRole, stack.values) },
    });
  }

  /** Every cluster snapshot in a Region, manual and automated, with its tags. */
  async snapshots(region: string): Promise<SnapshotView[]> {
    const all: DBClusterSnapshot[] = [];
    let Marker: string | undefined;
    do {
      const page = await this.rds[region].send(new DescribeDBClusterSnapshotsCommand({ Marker }));
      all.push(...(page.DBClusterSnapshots ?? []));
      Marker = page.Marker;
    } while (Marker);
    return all
      .map((snapshot) => ({
        id: snapshot.DBClusterSnapshotIdentifier!,
        arn: snapshot.DBClusterSnapshotArn!,
        type: snapshot.SnapshotType!,
        status: snapshot.Status!,
        kmsKeyId: snapshot.KmsKeyId,
        createdAt: snapshot.SnapshotCreateTime,
        tags: Object.fromEntries((snapshot.TagList ?? []).map((tag) => [tag.Key!, tag.Value!])),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** This stack's snapshots in a Region (the ones carrying its stack tag). */
  async stackSnapshots(region: string, stack: Stack): Promise<SnapshotView[]> {
    return (await this.snapshots(region)).filter((snapshot) => snapshot.tags[SNAPSHOT_TAG.stackId] === stack.stackId);
  }

  /** Snapshot ids in both Regions, for "nothing was deleted" comparisons. */
  async snapshotIds(): Promise<{ source: string[]; target: string[] }> {
    return {
      source: (await this.snapshots(SOURCE_REGION)).map((snapshot) => snapshot.id),
      target: (await this.snapshots(TARGET_REGION)).map((snapshot) => snapshot.id),
    };
  }
}
