/**
 * The recovery preflight rules: pure functions from the recovery stack's
 * parameters (and what RDS, EC2 and KMS said about them) to problems, one
 * sentence each naming the parameter, the value and the fix. The key rules
 * are the source stack's, with this Region as the copies' Region.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBClusterSnapshot, DBSubnetGroup } from '@aws-sdk/client-rds';
import { AwsError, KeyTarget, lookupProblem, regionOfArn, say } from '../dr/rules';
import { RecoveryPreflightProperties } from './contract';
import { scheduleProblem } from '../shared/schedule';
import { recoveryPointOf } from '../shared/staleness';

/** The source stack's Region, from its ARN (the parameter's pattern has checked the rest). */
const STACK_ARN = /^arn:[^:]+:cloudformation:([^:]+):/;

export const securityGroupIds = (value: string): string[] =>
  value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

/** The key rules of the source stack, with this Region as the one the copies live in. */
export const keyTarget = (p: RecoveryPreflightProperties): KeyTarget => ({
  KMSTargetKey: p.KMSTargetKey,
  TargetRegion: p.StackRegion,
});

/**
 * Every rule that needs no AWS call and that the template's AllowedPattern,
 * MinValue and MaxValue cannot judge: where the stack runs, and the schedules.
 * (The patterns already refuse an upper-case cluster identifier, a stack name
 * for SourceStackId and security group names, before this function runs.)
 */
export function checkRecoveryParameters(p: RecoveryPreflightProperties): string[] {
  const problems: string[] = [];
  if (STACK_ARN.exec(p.SourceStackId)?.[1] === p.StackRegion) {
    problems.push(say('SourceStackId', p.SourceStackId, `is in this Region: deploy this stack in the source stack's TargetRegion`));
  }
  const keyRegion = regionOfArn(p.KMSTargetKey);
  if (keyRegion && keyRegion !== p.StackRegion) {
    problems.push(say('KMSTargetKey', p.KMSTargetKey, `is in ${keyRegion}: use the copies' key, in ${p.StackRegion}`));
  }
  // An empty drill schedule turns drills off; the source schedule, never empty, sets the copy-age alarm (index.ts).
  for (const name of ['DrillScheduleExpression', 'SourceScheduleExpression'] as const) {
    const fix = (p[name] || name === 'SourceScheduleExpression') && scheduleProblem(p[name]);
    if (fix) problems.push(say(name, p[name], fix));
  }
  return problems;
}

export const subnetGroupLookupProblem = (error: AwsError, p: RecoveryPreflightProperties): string =>
  lookupProblem(
    'DBSubnetGroupName',
    p.DBSubnetGroupName,
    p.StackRegion,
    error,
    'this Region): name a subnet group of this Region',
    'an SCP or permissions boundary denies rds:DescribeDBSubnetGroups',
  );

/** The subnet group and the security groups exist here and share one VPC. */
export function checkNetwork(
  subnetGroup: DBSubnetGroup,
  groups: SecurityGroup[],
  p: RecoveryPreflightProperties,
): string[] {
  const problems: string[] = [];
  const vpc = subnetGroup.VpcId;
  const found = new Map(groups.map((g) => [g.GroupId, g.VpcId]));
  for (const id of securityGroupIds(p.VpcSecurityGroupIds)) {
    if (!found.has(id)) {
      problems.push(say('VpcSecurityGroupIds', id, `was not found in ${p.StackRegion}: use groups of VPC ${vpc} here`));
    } else if (found.get(id) !== vpc) {
      problems.push(
        say('VpcSecurityGroupIds', id, `is in ${found.get(id)}, the subnet group in ${vpc}: use groups of ${vpc}`),
      );
    }
  }
  return problems;
}

/** The copy a default restore would use: the available one with the newest recovery point. */
export function newestAvailable(copies: DBClusterSnapshot[]): DBClusterSnapshot | undefined {
  const time = (copy: DBClusterSnapshot) => recoveryPointOf(copy)?.getTime() ?? 0;
  return copies.filter((s) => s.Status === 'available').sort((a, b) => time(b) - time(a))[0];
}

/** No copy yet is not an error (the recovery stack may come first), but it is worth saying. */
export function copiesNote(
  copies: DBClusterSnapshot[],
  newest: DBClusterSnapshot | undefined,
  p: RecoveryPreflightProperties,
): string {
  return newest
    ? `${copies.length} copies; newest available: ${newest.DBClusterSnapshotIdentifier}`
    : `No available copy of ${p.DBClusterIdentifier} by ${p.SourceStackId} here yet (${copies.length} in progress): restores and drills fail until one lands`;
}

export const orderableProblem = (p: RecoveryPreflightProperties, engine: string, version: string): string =>
  say('DrillInstanceClass', p.DrillInstanceClass, `cannot run the copies' ${engine} ${version} here: see aws rds describe-orderable-db-instance-options --engine ${engine} --engine-version ${version}`);

/**
 * What this stack cannot restore: an Aurora Serverless v1 copy (engine mode
 * `serverless`, end of life 2025-03-31) takes no instances, and the restore
 * adds a writer. One rule for the preflight and the run.
 */
export const unrestorableProblem = (copy: DBClusterSnapshot): string | undefined =>
  copy.EngineMode === 'serverless'
    ? `Copy ${copy.DBClusterSnapshotIdentifier} is Aurora Serverless v1 (EngineMode serverless), which takes no writer instance: move the source to Serverless v2`
    : undefined;
