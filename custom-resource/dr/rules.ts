/**
 * The preflight rules: pure functions from the stack's parameters (and what
 * KMS and RDS said about them) to a list of problems. Each problem is one
 * sentence for the CloudFormation console: the parameter, the value seen and
 * what to do. An empty list means the check passed. The messages are short on
 * purpose: they ship inline in the template, which has a size limit.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { DBCluster } from '@aws-sdk/client-rds';
import {
  CLUSTER_ID_MAX_LENGTH,
  CLUSTER_ID_PATTERN,
  DEFAULT_MANUAL_SNAPSHOT_QUOTA,
  PreflightProperties,
  REGION_PATTERN,
} from './contract';
import { regionPairProblem } from '../shared/partitions';
import { maxRunsPerDay, scheduleProblem, snapshotsHeld } from '../shared/schedule';

const CLUSTER = 'DBClusterIdentifier';
const KEY = 'KMSTargetKey';
const SCHEDULE = 'ScheduleExpression';

export const AURORA_ENGINES = ['aurora-mysql', 'aurora-postgresql'];

/** An error as the AWS SDK throws it: the service's error code is its name. */
export interface AwsError {
  name?: string;
  message?: string;
}

/** `Name "value" text`, the value quoted and escaped as the user typed it (spaces, case and all). */
export const say = (name: string, value: string, text: string): string => `${name} ${JSON.stringify(value)} ${text}`;

export const isRegion = (value: string): boolean => new RegExp(REGION_PATTERN).test(value);

/** The Region field of an ARN (`arn:partition:service:region:account:resource`). */
export const regionOfArn = (arn = ''): string | undefined => (arn.startsWith('arn:') ? arn.split(':')[3] : undefined);

function regionProblem(name: string, value: string, example: string): string | undefined {
  const fixed = value.trim().toLowerCase();
  if (isRegion(value)) return undefined;
  if (!isRegion(fixed)) return say(name, value, `is not a Region code: use one such as ${example}`);
  return say(name, value, `must be lowercase${fixed === value.toLowerCase() ? '' : ', with no spaces'}: use "${fixed}"`);
}

export function clusterIdProblem(value: string): string | undefined {
  if (value.length > CLUSTER_ID_MAX_LENGTH || !new RegExp(CLUSTER_ID_PATTERN).test(value)) {
    return say(
      CLUSTER,
      value,
      'is not a cluster identifier: use 1-63 letters, digits or single hyphens, starting with a letter, not its ARN',
    );
  }
  // RDS stores identifiers in lowercase, but IAM compares the ARNs the template builds from this value case-sensitively.
  if (value !== value.toLowerCase()) {
    return say(
      CLUSTER,
      value,
      `must be lowercase: use "${value.toLowerCase()}" (RDS stores cluster identifiers in lowercase)`,
    );
  }
  return undefined;
}

/** A key named by ARN, given or resolved, must live where the copies are made. */
function keyRegionProblem(value: string, arn: string | undefined, targetRegion: string): string | undefined {
  const region = regionOfArn(arn);
  return region === targetRegion
    ? undefined
    : say(KEY, value, `is in ${region}, not TargetRegion ${targetRegion}: use a key of ${targetRegion}`);
}

/** The schedule by EventBridge's rule (../shared/schedule.ts), then the snapshots it keeps against the quota. */
export function quotaProblems(p: Pick<PreflightProperties, 'ScheduleExpression' | 'SourceRetentionDays' | 'TargetRetentionDays' | 'SourceRegion' | 'TargetRegion'>): string[] {
  const fix = scheduleProblem(p.ScheduleExpression);
  if (fix) return [say(SCHEDULE, p.ScheduleExpression, fix)];
  const runs = maxRunsPerDay(p.ScheduleExpression)!;
  const problems: string[] = [];
  for (const [name, value, region] of [
    ['SourceRetentionDays', p.SourceRetentionDays, p.SourceRegion],
    ['TargetRetentionDays', p.TargetRetentionDays, p.TargetRegion],
  ]) {
    if (!/^[1-9]\d*$/.test(value)) {
      problems.push(say(name, value, 'must be a whole number of days, at least 1'));
      continue;
    }
    const held = snapshotsHeld(+value, runs);
    if (held <= DEFAULT_MANUAL_SNAPSHOT_QUOTA) continue;
    const maxDays = Math.floor((DEFAULT_MANUAL_SNAPSHOT_QUOTA - 1) / runs);
    problems.push(
      say(
        SCHEDULE,
        p.ScheduleExpression,
        `(${+runs.toFixed(2)} runs a day) with ${name} ${value} keeps up to ${held} manual snapshots in ${region}, over the default quota of ${DEFAULT_MANUAL_SNAPSHOT_QUOTA}: ${maxDays ? `lower ${name} to ${maxDays} or ` : ''}run less often`,
      ),
    );
  }
  return problems;
}

/** Every rule that needs no AWS call. */
export function checkParameters(p: PreflightProperties): string[] {
  const problems = [
    regionProblem('SourceRegion', p.SourceRegion, 'us-east-1'),
    regionProblem('TargetRegion', p.TargetRegion, 'us-west-2'),
    clusterIdProblem(p.DBClusterIdentifier),
  ];
  if (isRegion(p.SourceRegion)) {
    if (p.SourceRegion === p.TargetRegion) {
      problems.push(`SourceRegion and TargetRegion are both "${p.SourceRegion}": the copies must go to another Region`);
    } else if (isRegion(p.TargetRegion)) {
      problems.push(regionPairProblem(p.SourceRegion, p.TargetRegion));
    }
    if (p.SourceRegion !== p.StackRegion) {
      problems.push(
        `SourceRegion "${p.SourceRegion}" is not this stack's Region (${p.StackRegion}): deploy the stack in ${p.SourceRegion}, beside the cluster`,
      );
    }
  }
  // The key's form is left to KMS (the template's AllowedPattern checks it too): a malformed
  // key is reported as not found in TargetRegion, and the inline code stays small.
  if (isRegion(p.TargetRegion) && regionOfArn(p.KMSTargetKey)) {
    problems.push(keyRegionProblem(p.KMSTargetKey, p.KMSTargetKey, p.TargetRegion));
  }
  return [...(problems.filter(Boolean) as string[]), ...quotaProblems(p)];
}

/** A Describe call failed: not found and access denied get their own fix, anything else is reported as is. */
export function lookupProblem(name: string, value: string, region: string, error: AwsError, notFound: string, denied: string) {
  if (/NotFound/.test(error.name ?? '')) return say(name, value, `was not found in ${region} (${notFound}`);
  if (/AccessDenied/.test(error.name ?? '')) return say(name, value, `is not readable in ${region} (${error.name}): ${denied}`);
  return say(name, value, `could not be checked in ${region}: ${error.name}: ${error.message}`);
}

/** What the key rules need: the key as given, and the Region the copies are encrypted in. */
export type KeyTarget = Pick<PreflightProperties, 'KMSTargetKey' | 'TargetRegion'>;

export const keyLookupProblem = (error: AwsError, p: KeyTarget): string =>
  lookupProblem(
    KEY,
    p.KMSTargetKey,
    p.TargetRegion,
    error,
    'TargetRegion): use a key or alias that exists there',
    "the key policy and the function's role must allow kms:DescribeKey",
  );

export const clusterLookupProblem = (error: AwsError, p: PreflightProperties): string =>
  lookupProblem(
    CLUSTER,
    p.DBClusterIdentifier,
    p.SourceRegion,
    error,
    'SourceRegion): check the identifier and the Region',
    "the function's role allows rds:DescribeDBClusters, so an SCP or boundary denies it",
  );

/** What DescribeKey said about KMSTargetKey: a key RDS can encrypt the copies with? */
export function checkKey(key: KeyMetadata, p: KeyTarget): string[] {
  const problems = [keyRegionProblem(p.KMSTargetKey, key.Arn, p.TargetRegion)];
  const state = key.KeyState;
  if (state !== 'Enabled') {
    problems.push(
      say(
        KEY,
        p.KMSTargetKey,
        /Deletion/.test(state!) // PendingDeletion, PendingReplicaDeletion
          ? 'is pending deletion: cancel that and enable it, or use another key'
          : `is ${state}: enable it, or use another key`,
      ),
    );
  }
  if (key.KeySpec !== 'SYMMETRIC_DEFAULT' || key.KeyUsage !== 'ENCRYPT_DECRYPT') {
    problems.push(
      say(
        KEY,
        p.KMSTargetKey,
        `is a ${key.KeySpec} ${key.KeyUsage} key: RDS needs a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)`,
      ),
    );
  }
  return problems.filter(Boolean) as string[];
}

/** What DescribeDBClusters said about DBClusterIdentifier: an Aurora cluster whose snapshots a copy can re-encrypt? */
export function checkCluster(cluster: DBCluster | undefined, p: PreflightProperties): string[] {
  if (!cluster) return [clusterLookupProblem({ name: 'DBClusterNotFoundFault' }, p)];
  const problem = (text: string) => say(CLUSTER, p.DBClusterIdentifier, text);
  const problems: string[] = [];
  if (!AURORA_ENGINES.includes(cluster.Engine ?? '')) {
    problems.push(problem(`is ${cluster.Engine}, not Aurora (aurora-mysql or aurora-postgresql)`));
  }
  // Neither restores from a cluster snapshot as the provisioned or Serverless v2 cluster the recovery stack makes
  // (Serverless v1 reached its end of life on 2025-03-31).
  if (cluster.EngineMode === 'serverless') {
    problems.push(problem('is Aurora Serverless v1 (EngineMode serverless), which this stack cannot restore: upgrade it to Serverless v2 or provisioned'));
  }
  if (cluster.ClusterScalabilityType === 'limitless') {
    problems.push(problem('is an Aurora Limitless Database cluster, which this stack cannot restore: protect it with AWS Backup'));
  }
  if (cluster.StorageEncryptionType === 'sse-rds') {
    // No key ARN to grant RDS for the copy, nor to name in the automation role's policy.
    problems.push(
      problem('uses an AWS owned key (sse-rds), which this stack cannot grant: restore a snapshot of it with a KMS key of this account and use that cluster'),
    );
  } else if (!cluster.StorageEncrypted || !cluster.KmsKeyId) {
    problems.push(
      problem('is not encrypted, and a copy cannot encrypt an unencrypted Aurora snapshot: restore a snapshot of it with encryption on and use that cluster'),
    );
  }
  return problems;
}

/** RDS reports the cluster's key as an ARN; should it ever be a bare key id, build the ARN from the cluster's. */
export function sourceKeyArn(kmsKeyId: string, clusterArn: string): string {
  if (kmsKeyId.startsWith('arn:')) return kmsKeyId;
  const [, partition, , region, account] = clusterArn.split(':');
  return `arn:${partition}:kms:${region}:${account}:key/${kmsKeyId}`;
}

/** What RDS needs of each key, through grants the automation role creates (DESIGN, KMS grants). */
export const KEY_ACTIONS = ['kms:CreateGrant', 'kms:DescribeKey'];

interface KeyPolicyStatement {
  Effect?: string;
  Principal?: string | { AWS?: string | string[] };
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: object;
}

const all = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : ([] as T[]).concat(value));

/** IAM wildcards: `*` any run, `?` one character; action names are case-insensitive. */
const matches = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[^\w*?]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(value);

/**
 * Does the key policy (its JSON text) let this account's IAM policies use the key for
 * `KEY_ACTIONS`? A statement counts when its principal is the account (root ARN or bare id) or
 * everyone, its actions cover the action and its resource is the key. Allow statements count with
 * their conditions, which only the real request can settle (kms:ViaService, kms:CallerAccount...);
 * a Deny counts only without a condition. The partition is read from the key's ARN, and so is the
 * account unless `grantee` names another one (a vault account that copies shares of the key).
 * Returns what the policy lacks and the fix, after `subject`; undefined when it is enough.
 */
export function keyPolicyProblem(subject: string, keyArn: string, policy: string | undefined, grantee?: string): string | undefined {
  const [, partition, , , owner] = keyArn.split(':');
  const account = grantee || owner;
  const who = grantee ? `the vault account ${grantee}` : 'this account';
  const root = `arn:${partition}:iam::${account}:root`;
  let statements: KeyPolicyStatement[] = [];
  try {
    statements = all(JSON.parse(policy ?? '').Statement);
  } catch {
    // unreadable is reported below as allowing nothing
  }
  const applies = (s: KeyPolicyStatement, action: string): boolean =>
    (s.Principal === '*' || all((s.Principal as { AWS?: string })?.AWS).some((p) => [root, account, '*'].includes(p))) &&
    (s.NotAction ? !all(s.NotAction).some((a) => matches(a, action)) : all(s.Action).some((a) => matches(a, action))) &&
    all(s.Resource).some((r) => matches(r, keyArn));
  const denied = KEY_ACTIONS.filter((a) => statements.some((s) => s.Effect === 'Deny' && !s.Condition && applies(s, a)));
  const missing = KEY_ACTIONS.filter((a) => !statements.some((s) => s.Effect === 'Allow' && applies(s, a)));
  if (denied.length) return `${subject}: its key policy denies ${denied.join(', ')} to ${who}: remove that Deny`;
  if (missing.length) {
    return `${subject}: its key policy does not let ${who}'s IAM principals use ${missing.join(', ')}: allow Principal {"AWS":"${root}"} ${KEY_ACTIONS.join(', ')} on Resource "*"${grantee ? '' : ', as the default key policy does'}`;
  }
  return undefined;
}

/** The key policy could not be read: denied means it does not delegate to IAM (or an SCP denies). */
export const keyPolicyReadProblem = (subject: string, error: AwsError): string =>
  /AccessDenied/.test(error.name ?? '')
    ? `${subject}: its key policy is not readable (${error.name}): let this account's IAM principals use kms:GetKeyPolicy, ${KEY_ACTIONS.join(', ')}, as the default key policy does`
    : `${subject}: its key policy could not be checked: ${error.name}: ${error.message}`;
