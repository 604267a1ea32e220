/**
 * `teardown`: remove what this project deployed for one cluster. The recovery
 * stacks that watch the DR stack go first (they read its copies), then the DR
 * stack, whose deletion stops new snapshots. Deleting a stack deletes no
 * snapshot, and snapshots are billed for as long as they exist, so with
 * --delete-snapshots it then deletes the snapshots and copies that carry the
 * DR stack's ownership tag (aurora-snapshot-dr:stack-id = its ARN), and the
 * configuration captured beside each copy: exactly what the stack's own
 * pruning would have deleted one day, never anything else. The parameter
 * groups the recovery stacks' drills share (aurora-snapshot-dr-<source>-drill-
 * <family>, tagged with the recovery stack's ARN and kind=drill) go with their
 * stack; a restore's groups are the user's, with the restored cluster.
 */
import { CloudFormationClient, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import {
  DBClusterSnapshot,
  DeleteDBClusterParameterGroupCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBParameterGroupCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBParameterGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-rds';
import { ownedSnapshots } from './owned-snapshots';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { FlagValues, missingRequired, UsageError } from './args';
import { EXIT, PROGRAM, TEARDOWN } from './commands';
import { awsErrorName, Context } from './context';
import { followStack } from './deploy';
import { regionProblem } from './validate';
import { findRecoveryStacks } from '../recovery/status';
import { PARAM } from '../../generator/dr/parameters';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import { RECOVERY_PARAM, RESTORED_GROUP_PREFIX, RESTORE_KIND, RESTORE_TAG } from '../../custom-resource/recovery/contract';
import { CAPTURED_CONFIG_PATH } from '../../custom-resource/shared/captured-config';

export interface TeardownInput {
  stackName: string;
  region?: string;
  deleteSnapshots: boolean;
  confirmed: boolean;
}

export function parseTeardownInput(values: FlagValues): TeardownInput {
  const problems = missingRequired(TEARDOWN, values);
  const region = values.region as string | undefined;
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new UsageError(problems, TEARDOWN);
  return {
    stackName: values['stack-name'] as string,
    region,
    deleteSnapshots: values['delete-snapshots'] === true,
    confirmed: values.yes === true,
  };
}

const parameterOf = (stack: Stack, key: string) => stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;

/** Delete a stack and follow it to the end; true when it is gone. */
async function deleteStack(cfn: CloudFormationClient, stack: Stack, region: string, context: Context): Promise<boolean> {
  const { out, err } = context.output;
  out(`Deleting stack ${stack.StackName} in ${region}.`);
  const seen = new Set<string>();
  const newest = (await cfn.send(new DescribeStackEventsCommand({ StackName: stack.StackId }))).StackEvents?.[0]?.EventId;
  if (newest) seen.add(newest);
  await cfn.send(new DeleteStackCommand({ StackName: stack.StackId }));
  context.setInterruptAdvice([
    'The stack deletion goes on in CloudFormation. Follow it with:',
    `  aws cloudformation describe-stack-events --region ${region} --stack-name ${stack.StackId}`,
  ]);
  try {
    const { stack: after } = await followStack(cfn, stack.StackId!, seen, context);
    if (after.StackStatus === 'DELETE_COMPLETE') return true;
    err(`Stack ${stack.StackName} ended in ${after.StackStatus}${after.StackStatusReason ? `: ${after.StackStatusReason}` : ''}.`);
    return false;
  } finally {
    context.setInterruptAdvice(undefined);
  }
}

/** Delete the snapshots (and each copy's captured configuration); returns how many could not be deleted now. */
async function deleteSnapshots(context: Context, region: string, snapshots: DBClusterSnapshot[], copies: boolean): Promise<number> {
  const { out, err } = context.output;
  let left = 0;
  for (const snapshot of snapshots) {
    const id = snapshot.DBClusterSnapshotIdentifier!;
    // RDS deletes only an available snapshot; one still being made or copied is left, with the command for later.
    if (snapshot.Status !== 'available') {
      err(`  left ${id} in ${region}: it is ${snapshot.Status}. Delete it once available: aws rds delete-db-cluster-snapshot --region ${region} --db-cluster-snapshot-identifier ${id}`);
      left += 1;
      continue;
    }
    await context.clients.rds(region).send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }));
    out(`  deleted ${id} in ${region}`);
    if (copies) {
      try {
        await context.clients.ssm(region).send(new DeleteParameterCommand({ Name: `${CAPTURED_CONFIG_PATH}${id}` }));
      } catch (error) {
        // Copies made before configurations were captured have none.
        if (awsErrorName(error) !== 'ParameterNotFound') throw error;
      }
    }
  }
  return left;
}

/** A drills' parameter group: its name and its kind (cluster or instance). */
interface DrillGroup {
  name: string;
  cluster: boolean;
}

/** The parameter groups the drills of these recovery stacks share: named as drills name them, tagged with a stack's ARN and kind=drill. */
async function drillGroups(context: Context, region: string, recoveryStackIds: string[]): Promise<DrillGroup[]> {
  const rds = context.clients.rds(region);
  const named: { name: string; arn: string; cluster: boolean }[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClusterParameterGroupsCommand({ Marker }));
    for (const g of page.DBClusterParameterGroups ?? []) named.push({ name: g.DBClusterParameterGroupName!, arn: g.DBClusterParameterGroupArn!, cluster: true });
    Marker = page.Marker;
  } while (Marker);
  do {
    const page = await rds.send(new DescribeDBParameterGroupsCommand({ Marker }));
    for (const g of page.DBParameterGroups ?? []) named.push({ name: g.DBParameterGroupName!, arn: g.DBParameterGroupArn!, cluster: false });
    Marker = page.Marker;
  } while (Marker);
  const found: DrillGroup[] = [];
  for (const g of named.filter((n) => n.name.startsWith(RESTORED_GROUP_PREFIX) && n.name.includes('-drill-'))) {
    const tags = new Map(((await rds.send(new ListTagsForResourceCommand({ ResourceName: g.arn }))).TagList ?? []).map((t) => [t.Key, t.Value]));
    const stackId = tags.get(RESTORE_TAG.stackId);
    if (stackId && recoveryStackIds.includes(stackId) && tags.get(RESTORE_TAG.kind) === RESTORE_KIND.drill) found.push({ name: g.name, cluster: g.cluster });
  }
  return found;
}

/** Deletes the groups; returns how many are left (in use by a drill cluster still being deleted, say), each named. */
async function deleteDrillGroups(context: Context, region: string, groups: DrillGroup[]): Promise<number> {
  const rds = context.clients.rds(region);
  let left = 0;
  for (const g of groups) {
    try {
      await (g.cluster
        ? rds.send(new DeleteDBClusterParameterGroupCommand({ DBClusterParameterGroupName: g.name }))
        : rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: g.name })));
      context.output.out(`  deleted the drills' ${g.cluster ? 'cluster ' : ''}parameter group ${g.name}`);
    } catch (error) {
      left += 1;
      context.output.err(`  ${g.name} is left: ${awsErrorName(error)}: ${(error as Error).message}. Delete it once no drill cluster uses it.`);
    }
  }
  return left;
}

export async function teardown(input: TeardownInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const cfn = context.clients.cloudFormation(input.region);
  const region = input.region ?? (await cfn.config.region());
  let stack: Stack | undefined;
  try {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: input.stackName }))).Stacks?.[0];
  } catch (error) {
    if (!(awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message))) throw error;
  }
  if (!stack) {
    err(`${PROGRAM} teardown: no stack ${input.stackName} in ${region}: name the DR stack (the one that makes the copies), with --region its Region, the cluster's.`);
    return EXIT.failed;
  }
  const targetRegion = parameterOf(stack, PARAM.targetRegion);
  const runbook = stack.Outputs?.some((o) => o.OutputKey === 'RunbookName');
  if (parameterOf(stack, RECOVERY_PARAM.sourceStackId) !== undefined || !targetRegion || parameterOf(stack, PARAM.cluster) === undefined || !runbook) {
    err(
      `${PROGRAM} teardown: stack ${stack.StackName} is not a DR stack of this project (it lacks the ${PARAM.cluster} and ${PARAM.targetRegion} parameters or the RunbookName output, or it is a recovery stack). ` +
        'Name the DR stack: its recovery stacks are found and deleted with it.',
    );
    return EXIT.failed;
  }
  const stackId = stack.StackId!;
  const recoveryStacks = await findRecoveryStacks(context, targetRegion, stackId);
  const groups = await drillGroups(context, targetRegion, recoveryStacks.map((r) => r.StackId!));
  const snapshots = input.deleteSnapshots ? await ownedSnapshots(context, region, stackId) : [];
  const copies = input.deleteSnapshots ? await ownedSnapshots(context, targetRegion, stackId) : [];

  out(`Teardown of ${stack.StackName} (cluster ${parameterOf(stack, PARAM.cluster)}), in this order:`);
  for (const r of recoveryStacks) out(`  recovery stack ${r.StackName} in ${targetRegion}`);
  if (groups.length) {
    out(`  the ${groups.length} parameter group(s) the recovery stack's drills shared in ${targetRegion}, named ${[...new Set(groups.map((g) => g.name))].join(', ')}`);
  }
  out(`  DR stack ${stack.StackName} in ${region}`);
  if (input.deleteSnapshots) {
    out(`  ${snapshots.length} snapshot(s) in ${region} and ${copies.length} copy(ies) in ${targetRegion} tagged ${SNAPSHOT_TAG.stackId}=${stackId}, and the configuration captured with each copy`);
  } else {
    out(
      `Snapshots and copies stay, and stay billed: the ones tagged ${SNAPSHOT_TAG.stackId}=${stackId}. ` +
        'Delete them too with --delete-snapshots, or later by that tag. Restored clusters are never touched.',
    );
  }
  if (!input.confirmed) {
    if (!context.confirm) {
      err(`${PROGRAM} teardown: nothing was deleted. Run again with --yes to delete the above.`);
      return EXIT.usage;
    }
    if (!(await context.confirm('Delete all of the above?'))) {
      err('Not confirmed: nothing was deleted.');
      return EXIT.failed;
    }
  }

  const targetCfn = context.clients.cloudFormation(targetRegion);
  for (const r of recoveryStacks) {
    if (!(await deleteStack(targetCfn, r, targetRegion, context))) {
      err(`Stopped: the DR stack and the snapshots are left as they were.`);
      return EXIT.failed;
    }
  }
  const groupsLeft = await deleteDrillGroups(context, targetRegion, groups);
  if (!(await deleteStack(cfn, stack, region, context))) {
    err('Stopped: the snapshots are left as they were.');
    return EXIT.failed;
  }
  if (!input.deleteSnapshots) return groupsLeft > 0 ? EXIT.failed : EXIT.ok;
  // Listed again: the last run may have made one since the plan was shown.
  out('Deleting the snapshots and copies this stack made:');
  const left =
    (await deleteSnapshots(context, region, await ownedSnapshots(context, region, stackId), false)) +
    (await deleteSnapshots(context, targetRegion, await ownedSnapshots(context, targetRegion, stackId), true));
  return left + groupsLeft > 0 ? EXIT.failed : EXIT.ok;
}
