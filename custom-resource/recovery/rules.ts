/**
 * The recovery preflight rules: pure functions from the recovery stack's
 * parameters (and what RDS, EC2 and KMS said about them) to problems, one
 * sentence each naming the parameter, the value and the fix. The key rules
 * are the source stack's, with this Region as the copies' Region.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBClusterSnapshot, DBSubnetGroup } from '@aws-sdk/client-rds';
import { regionPairProblem } from '../partitions';
import { AwsError, clusterIdProblem, KeyTarget, lookupProblem, regionOfArn, say } from '../rules';
import { maxRunsPerDay } from '../schedule';
import { RecoveryPreflightProperties } from '../recovery-contract';

const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):\d{12}:stack\/[A-Za-z][A-Za-z0-9-]*\/[0-9a-f-]+$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const SCHEDULE_FIX = 'use rate(N minute|hour|day[s]) or cron(minutes hours day month weekday year)';

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

/** Every rule that needs no AWS call. */
export function checkRecoveryParameters(p: RecoveryPreflightProperties): string[] {
  const problems = [clusterIdProblem(p.DBClusterIdentifier)];
  const stack = STACK_ARN.exec(p.SourceStackId);
  if (!stack) {
    problems.push(
      say('SourceStackId', p.SourceStackId, 'is not a stack ARN: paste the source stack\'s StackId (arn:...:cloudformation:REGION:ACCOUNT:stack/NAME/ID), not its name'),
    );
  } else if (stack[1] === p.StackRegion) {
    problems.push(
      say('SourceStackId', p.SourceStackId, `is a stack of this Region (${p.StackRegion}): deploy the recovery stack in the source stack's TargetRegion, where the copies land`),
    );
  } else {
    const pair = regionPairProblem(stack[1], p.StackRegion);
    if (pair) problems.push(`SourceStackId: ${pair}`);
  }
  if (regionOfArn(p.KMSTargetKey) && regionOfArn(p.KMSTargetKey) !== p.StackRegion) {
    problems.push(say('KMSTargetKey', p.KMSTargetKey, `is in ${regionOfArn(p.KMSTargetKey)}, not this stack's Region ${p.StackRegion}: use the key of the copies, in ${p.StackRegion}`));
  }
  const groups = securityGroupIds(p.VpcSecurityGroupIds);
  const badGroups = groups.filter((id) => !SECURITY_GROUP.test(id));
  if (!groups.length || badGroups.length) {
    problems.push(say('VpcSecurityGroupIds', p.VpcSecurityGroupIds, 'must be security group ids separated by commas: sg-0123456789abcdef0,sg-...'));
  }
  if (maxRunsPerDay(p.SourceScheduleExpression) === undefined) {
    problems.push(say('SourceScheduleExpression', p.SourceScheduleExpression, `is not understood: ${SCHEDULE_FIX}, as in the source stack`));
  }
  if (p.DrillScheduleExpression && maxRunsPerDay(p.DrillScheduleExpression) === undefined) {
    problems.push(say('DrillScheduleExpression', p.DrillScheduleExpression, `is not understood: ${SCHEDULE_FIX}, or leave it empty to turn drills off`));
  }
  for (const [name, value, min] of [
    ['CopyTimeoutHours', p.CopyTimeoutHours, 1],
    ['MaxCopyAgeHours', p.MaxCopyAgeHours, 0],
  ] as const) {
    if (!/^\d+$/.test(value) || +value < min) problems.push(say(name, value, `must be a whole number of hours, at least ${min}`));
  }
  return problems.filter(Boolean) as string[];
}

export const subnetGroupLookupProblem = (error: AwsError, p: RecoveryPreflightProperties): string =>
  lookupProblem(
    'DBSubnetGroupName',
    p.DBSubnetGroupName,
    p.StackRegion,
    error,
    'this Region): create a DB subnet group there, or name an existing one',
    "the function's role allows rds:DescribeDBSubnetGroups, so an SCP or boundary denies it",
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
      problems.push(say('VpcSecurityGroupIds', id, `was not found in ${p.StackRegion}: use security groups of this Region, in VPC ${vpc}`));
    } else if (found.get(id) !== vpc) {
      problems.push(
        say('VpcSecurityGroupIds', id, `is in VPC ${found.get(id)}, but DBSubnetGroupName "${p.DBSubnetGroupName}" is in ${vpc}: use security groups of ${vpc}, or a subnet group of ${found.get(id)}`),
      );
    }
  }
  return problems;
}

/** The copy a default restore would use: the newest available one. */
export function newestAvailable(copies: DBClusterSnapshot[]): DBClusterSnapshot | undefined {
  return copies
    .filter((s) => s.Status === 'available')
    .sort((a, b) => (b.SnapshotCreateTime?.getTime() ?? 0) - (a.SnapshotCreateTime?.getTime() ?? 0))[0];
}

/** No copy yet is not an error (the recovery stack may come first), but it is worth saying. */
export function copiesNote(copies: DBClusterSnapshot[], newest: DBClusterSnapshot | undefined, p: RecoveryPreflightProperties): string {
  if (newest) return `${copies.length} copies of ${p.DBClusterIdentifier} by the source stack in ${p.StackRegion}; newest available: ${newest.DBClusterSnapshotIdentifier}`;
  return `No available copy of ${p.DBClusterIdentifier} made by ${p.SourceStackId} in ${p.StackRegion} yet (${copies.length} in progress): restores and drills fail until the first copy lands; the instance class is checked against a copy then`;
}

export const orderableProblem = (p: RecoveryPreflightProperties, engine: string, version: string): string =>
  say('DrillInstanceClass', p.DrillInstanceClass, `cannot run ${engine} ${version} (the copies' engine) in ${p.StackRegion}: pick a class from aws rds describe-orderable-db-instance-options --engine ${engine} --engine-version ${version} --region ${p.StackRegion}`);
