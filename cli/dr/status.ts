/**
 * `status`: is my DR current? The last runs of the stack's runbook, and the
 * newest available copy this stack made in the target Region — the recovery
 * point the user has right now — judged against what the schedule promises.
 */
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DBClusterSnapshot } from '@aws-sdk/client-rds';
import { ownedSnapshots } from '../shared/owned-snapshots';
import {
  AutomationExecutionMetadata,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { FlagValues, missingRequired, UsageError } from '../shared/args';
import { DEFAULT_EXECUTION_COUNT, EXIT, PROGRAM, STATUS } from '../shared/commands';
import { awsErrorName, Context, describeError } from '../shared/context';
import { formatDuration, formatHours, table, utc } from '../shared/progress';
import { integerFlag, regionProblem } from '../shared/validate';
import { recoveryStackStatus, reportRecoveryStacks } from '../recovery/status';
import { RECOVERY_PARAM } from '../../custom-resource/recovery/contract';
import { VAULT_PARAM } from '../../custom-resource/vault/contract';
import { vaultStackStatus } from '../vault/status';
import { DEFAULTS, PARAM } from '../../generator/dr/parameters';
import { copyAgeRule, recoveryPointOf, SOURCE_SNAPSHOT_WAIT_HOURS, worstCaseRpoHours } from '../../custom-resource/shared/staleness';

export interface StatusInput {
  stackName: string;
  region?: string;
  executions: number;
}

export function parseStatusInput(values: FlagValues): StatusInput {
  const problems = missingRequired(STATUS, values);
  const region = values.region as string | undefined;
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  let executions = DEFAULT_EXECUTION_COUNT;
  if (values.executions !== undefined) {
    const parsed = integerFlag('executions', values.executions as string, 1, 50);
    if (parsed.problem) problems.push(parsed.problem);
    else executions = parsed.value!;
  }
  if (problems.length > 0) throw new UsageError(problems, STATUS);
  return { stackName: values['stack-name'] as string, region, executions };
}

const FAILED_EXECUTION = new Set(['Failed', 'TimedOut', 'Cancelled', 'CompletedWithFailure']);
const FAILED_STEP = new Set(['Failed', 'TimedOut', 'Cancelled']);
/** SSM keeps 30 days of executions; this many pages covers any schedule the preflight accepts. */
const MAX_EXECUTION_PAGES = 20;

export interface RunSummary {
  executionId: string;
  start?: Date;
  status: string;
  failedStep?: string;
  message?: string;
}

export interface RecoveryPoint {
  snapshot?: DBClusterSnapshot;
  /** The newest copy of this stack not yet available, if it is newer than the newest available one. */
  inProgress?: DBClusterSnapshot;
}

export interface Verdict {
  state: 'current' | 'stale' | 'none-yet' | 'none' | 'unjudged';
  /** Oldest acceptable age of the newest copy, in hours; undefined when the schedule cannot be read. */
  allowedHours?: number;
  scheduleGapHours?: number;
  ageMs?: number;
}

/** Judge the recovery point by the shared staleness rule (custom-resource/shared/staleness.ts). Pure, so it is tested on its own. */
export function judgeRecoveryPoint(
  schedule: string,
  copyTimeoutHours: number,
  newest: Date | undefined,
  stackCreated: Date | undefined,
  now: Date,
  maxCopyAgeHours = 0,
): Verdict {
  const rule = copyAgeRule(schedule, copyTimeoutHours, maxCopyAgeHours);
  const allowedHours = rule?.allowedHours;
  const scheduleGapHours = rule?.scheduleGapHours;
  const allowedMs = allowedHours === undefined ? undefined : allowedHours * 3_600_000;
  if (!newest) {
    const young = stackCreated && allowedMs !== undefined && now.getTime() - stackCreated.getTime() <= allowedMs;
    return { state: young ? 'none-yet' : 'none', allowedHours, scheduleGapHours };
  }
  const ageMs = now.getTime() - newest.getTime();
  if (allowedMs === undefined) return { state: 'unjudged', ageMs };
  return { state: ageMs > allowedMs ? 'stale' : 'current', allowedHours, scheduleGapHours, ageMs };
}

async function findStack(context: Context, input: StatusInput): Promise<{ stack?: Stack; region: string }> {
  const cfn = context.clients.cloudFormation(input.region);
  const region = await cfn.config.region();
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: input.stackName }));
    return { stack: result.Stacks?.[0], region };
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message)) return { region };
    throw error;
  }
}

/** The newest runs of exactly this runbook (the API filters by prefix), newest first. */
export async function lastRuns(context: Context, region: string, runbook: string, count: number): Promise<RunSummary[]> {
  const ssm = context.clients.ssm(region);
  const runs: AutomationExecutionMetadata[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await ssm.send(
      new DescribeAutomationExecutionsCommand({
        Filters: [{ Key: 'DocumentNamePrefix', Values: [runbook] }],
        MaxResults: 50,
        NextToken: token,
      }),
    );
    runs.push(...(page.AutomationExecutionMetadataList ?? []).filter((run) => run.DocumentName === runbook));
    token = page.NextToken;
  } while (token && ++pages < MAX_EXECUTION_PAGES);
  runs.sort((a, b) => (b.ExecutionStartTime?.getTime() ?? 0) - (a.ExecutionStartTime?.getTime() ?? 0));

  const summaries: RunSummary[] = [];
  for (const run of runs.slice(0, count)) {
    const summary: RunSummary = {
      executionId: run.AutomationExecutionId ?? '',
      start: run.ExecutionStartTime,
      status: run.AutomationExecutionStatus ?? 'Unknown',
    };
    if (FAILED_EXECUTION.has(summary.status)) {
      const detail = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: summary.executionId }));
      const execution = detail.AutomationExecution;
      const step = execution?.StepExecutions?.find((s) => FAILED_STEP.has(s.StepStatus ?? ''));
      summary.failedStep = step?.StepName;
      summary.message = step?.FailureMessage ?? execution?.FailureMessage;
    }
    summaries.push(summary);
  }
  return summaries;
}

/**
 * This stack's manual copies in the target Region: recognised by the stack-id tag, like pruning does.
 * Not listed by DBClusterIdentifier: RDS refuses one that does not exist, and the cluster is not there.
 */
export async function newestCopy(context: Context, targetRegion: string, stackId: string): Promise<RecoveryPoint> {
  const ours = await ownedSnapshots(context, targetRegion, stackId);
  const time = (copy?: DBClusterSnapshot) => (copy && recoveryPointOf(copy)?.getTime()) ?? 0;
  ours.sort((a, b) => time(b) - time(a));
  const snapshot = ours.find((s) => s.Status === 'available');
  const pending = ours.find((s) => s.Status !== 'available' && s.Status !== 'failed');
  const inProgress = pending && (!snapshot || time(pending) > time(snapshot)) ? pending : undefined;
  return { snapshot, inProgress };
}

export interface RecoveryPointQuery {
  /** The copies' Region: the DR Region. */
  region: string;
  /** The source stack, whose ownership tag its copies carry. */
  sourceStackId: string;
  cluster: string;
  schedule: string;
  copyTimeoutHours: number;
  /** The recovery stack's MaxCopyAgeHours; 0 computes the allowance. */
  maxCopyAgeHours?: number;
  /** Since when a missing copy counts as missing. */
  stackCreated?: Date;
  /** Who tags the copies, as the message names it ("this stack"). */
  owner: string;
}

/**
 * Prints the newest available copy in the DR Region (RDS of that Region only),
 * its recovery point and age, judged by the shared staleness rule; returns
 * whether it is stale (or missing past one allowed interval).
 */
export async function reportRecoveryPoint(context: Context, q: RecoveryPointQuery): Promise<boolean> {
  const { out } = context.output;
  const point = await newestCopy(context, q.region, q.sourceStackId);
  const recoveryPoint = point.snapshot && recoveryPointOf(point.snapshot);
  const verdict = judgeRecoveryPoint(q.schedule, q.copyTimeoutHours, recoveryPoint, q.stackCreated, context.now(), q.maxCopyAgeHours);
  const rule =
    verdict.allowedHours === undefined
      ? `the schedule ${q.schedule} cannot be read, so the age is not judged`
      : verdict.scheduleGapHours === undefined
        ? `allowed ${formatHours(verdict.allowedHours)}: MaxCopyAgeHours`
        : `allowed ${formatHours(verdict.allowedHours)}: schedule gap ${formatHours(verdict.scheduleGapHours)} + snapshot ${SOURCE_SNAPSHOT_WAIT_HOURS}h + copy timeout ${formatHours(q.copyTimeoutHours)}`;

  out(`Recovery point in ${q.region}:`);
  if (point.snapshot) {
    out(`  ${point.snapshot.DBClusterSnapshotIdentifier}`);
    out(`  taken ${utc(recoveryPoint)} UTC, ${formatDuration(verdict.ageMs!)} ago`);
  } else {
    out(`  none: no available copy of ${q.cluster} tagged with ${q.owner}.`);
  }
  if (point.inProgress) {
    const progress = point.inProgress.PercentProgress === undefined ? '' : `, ${point.inProgress.PercentProgress}%`;
    out(`  newer copy in progress: ${point.inProgress.DBClusterSnapshotIdentifier} (${point.inProgress.Status}${progress})`);
  }
  switch (verdict.state) {
    case 'current':
      out(`  CURRENT (${rule})`);
      return false;
    case 'unjudged':
      out(`  NOT JUDGED: ${rule}.`);
      return false;
    case 'none-yet':
      out(`  NONE YET: the stack is younger than one schedule interval (${rule}).`);
      return false;
    case 'stale':
      out(`  STALE: older than the schedule allows (${rule}).`);
      return true;
    case 'none':
      out(`  NONE: the stack is older than one schedule interval (${rule}).`);
      return true;
  }
}

const parameterValue = (stack: Stack, key: string) => stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
const outputValue = (stack: Stack, key: string) => stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;

export async function status(input: StatusInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const { stack, region } = await findStack(context, input);
  if (!stack) {
    err(`Stack ${input.stackName} was not found in ${region}. Use the Region the stack was deployed in (its SourceRegion) with --region.`);
    return EXIT.failed;
  }
  const cluster = parameterValue(stack, PARAM.cluster);
  const targetRegion = parameterValue(stack, PARAM.targetRegion);
  const schedule = parameterValue(stack, PARAM.schedule) ?? DEFAULTS.schedule;
  const copyTimeoutHours = Number(parameterValue(stack, PARAM.copyTimeout) ?? DEFAULTS.copyTimeoutHours);
  const runbook = outputValue(stack, 'RunbookName');
  if (parameterValue(stack, RECOVERY_PARAM.sourceStackId) !== undefined) return recoveryStackStatus(context, stack, region);
  if (parameterValue(stack, VAULT_PARAM.protectedClusters) !== undefined) return vaultStackStatus(context, stack, region);
  if (!cluster || !targetRegion) {
    err(`Stack ${stack.StackName} has no ${PARAM.cluster} or ${PARAM.targetRegion} parameter: it is not an aurora-snapshot-dr stack.`);
    return EXIT.failed;
  }

  out(`Stack     ${stack.StackName} in ${region}: ${stack.StackStatus}`);
  out(`Cluster   ${cluster}, copied to ${targetRegion}, schedule ${schedule} (UTC)`);
  out(`Runbook   ${runbook ?? '(no RunbookName output: the stack is not complete)'}`);
  const vault = parameterValue(stack, PARAM.vaultAccount);
  if (vault) {
    // The vault's copies are in its account: only its credentials can read them.
    out(`Vault     each copy is shared with account ${vault}; the vault's newest copies: ${PROGRAM} status --stack-name <vault stack> --region ${targetRegion} --profile <vault account>`);
  }
  out('');

  // The runs are context; the recovery point is the answer. A failure to read one must not hide the other.
  let runsUnreadable = false;
  if (runbook) {
    let runs: RunSummary[] = [];
    try {
      runs = await lastRuns(context, region, runbook, input.executions);
    } catch (error) {
      runsUnreadable = true;
      err(`Last runs: could not be read from Systems Manager in ${region}: ${describeError(error, undefined)}`);
    }
    if (runsUnreadable) {
      // reported above
    } else if (runs.length === 0) {
      out('Last runs: none yet (Systems Manager keeps 30 days of executions).');
    } else {
      out(`Last ${runs.length} run${runs.length === 1 ? '' : 's'}, newest first:`);
      const rows = runs.map((r) => [utc(r.start), r.status, r.failedStep ?? '', r.message ?? '']);
      for (const line of table(['STARTED (UTC)', 'STATUS', 'FAILED STEP', 'MESSAGE'], rows)) out(`  ${line}`);
      const failed = runs.filter((r) => FAILED_EXECUTION.has(r.status));
      if (failed.length > 0) {
        out(`  Details: aws ssm get-automation-execution --region ${region} --automation-execution-id ${failed[0].executionId}`);
      }
    }
    out('');
  }

  const stale = await reportRecoveryPoint(context, {
    region: targetRegion,
    sourceStackId: stack.StackId!,
    cluster,
    schedule,
    copyTimeoutHours,
    stackCreated: stack.CreationTime,
    owner: 'this stack',
  });
  if (stale) {
    out('  Look at the failed runs above and the alert topic' + (outputValue(stack, 'AlertTopicArn') ? ` ${outputValue(stack, 'AlertTopicArn')}` : '') + '.');
  }
  // Until a recovery stack has measured the copy time, the timeouts bound it.
  const worst = worstCaseRpoHours(schedule, copyTimeoutHours);
  if (worst !== undefined) {
    out(`Worst-case RPO by the schedule and the runbook's timeouts: ${formatHours(worst)} (a recovery stack measures the copy time: below).`);
  }

  // The recovery stack's view from the target Region: its copy-age alarm and its last drill.
  const recovery = await reportRecoveryStacks(context, targetRegion, stack.StackId!);
  if (stale || recovery === 'problem') return EXIT.stale;
  return runsUnreadable || recovery === 'unreadable' ? EXIT.failed : EXIT.ok;
}
