/**
 * `restore`: the disaster runbook, from the command line. Before anything
 * starts it makes sure this is the only restore of the stack in progress and
 * that the writer class is the one the user wants; then it starts the
 * recovery stack's runbook with Kind=restore, follows it, and prints what the
 * DBA needs next: the writer endpoint, the recovery point and the measured RTO.
 */
import { GetParameterCommand, DescribeAutomationExecutionsCommand, GetAutomationExecutionCommand, AutomationExecutionMetadata } from '@aws-sdk/client-ssm';
import { FlagValues } from '../shared/args';
import { EXIT, PROGRAM, RESTORE } from '../shared/commands';
import { awsErrorName, Context, describeError } from '../shared/context';
import { utc } from '../shared/progress';
import { newestCopy } from '../dr/status';
import {
  detailsCommand,
  failureOf,
  findRecoveryStack,
  reportOf,
  parseRecoveryRunInput,
  RecoveryRunInput,
  RecoveryStack,
  runAdvice,
  startAndFollow,
} from './recovery-run';
import { RECOVERY_DOC_PARAM } from '../../generator/recovery/document';
import { RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';
import { CAPTURED_CONFIG_PATH, CapturedConfig } from '../../custom-resource/shared/captured-config';
import { READERS } from '../../custom-resource/recovery/run/contract';

const CLUSTER_ID = /^[a-zA-Z](-?[a-zA-Z0-9])*$/;
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

export function parseRestoreInput(values: FlagValues): RecoveryRunInput {
  const problems: string[] = [];
  const parameters: { [name: string]: string } = { [RECOVERY_DOC_PARAM.kind]: RESTORE_KIND.restore };
  const snapshot = values.snapshot as string | undefined;
  if (snapshot) parameters[RECOVERY_DOC_PARAM.snapshot] = snapshot;
  const cluster = values['cluster-name'] as string | undefined;
  if (cluster !== undefined) {
    if (cluster.length > 63 || !CLUSTER_ID.test(cluster)) {
      problems.push(`--cluster-name '${cluster}' is not a cluster identifier: 1-63 letters, digits or single hyphens, starting with a letter.`);
    } else parameters[RECOVERY_DOC_PARAM.cluster] = cluster.toLowerCase();
  }
  const instanceClass = values['instance-class'] as string | undefined;
  if (instanceClass !== undefined) {
    if (!INSTANCE_CLASS.test(instanceClass)) problems.push(`--instance-class '${instanceClass}' is not an instance class such as db.r7g.large.`);
    else parameters[RECOVERY_DOC_PARAM.instanceClass] = instanceClass;
  }
  if (values.readers === true) parameters[RECOVERY_DOC_PARAM.readers] = READERS.source;
  return parseRecoveryRunInput(RESTORE, values, parameters, problems);
}

/** Statuses of a run that has not ended (DescribeAutomationExecutions' ExecutionStatus filter). */
const RUNNING = ['Pending', 'InProgress', 'Waiting'];

/** Restores of this stack's runbook that have not ended: its drills run the same runbook with Kind=drill, and do not count. */
export async function restoresInProgress(context: Context, stack: RecoveryStack): Promise<AutomationExecutionMetadata[]> {
  const ssm = context.clients.ssm(stack.region);
  const running: AutomationExecutionMetadata[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeAutomationExecutionsCommand({
        Filters: [
          { Key: 'DocumentNamePrefix', Values: [stack.runbook] },
          { Key: 'ExecutionStatus', Values: RUNNING },
        ],
        NextToken,
      }),
    );
    running.push(...(page.AutomationExecutionMetadataList ?? []).filter((run) => run.DocumentName === stack.runbook));
    NextToken = page.NextToken;
  } while (NextToken);
  const restores: AutomationExecutionMetadata[] = [];
  for (const run of running) {
    const { AutomationExecution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: run.AutomationExecutionId }));
    // Kind defaults to restore in the runbook, so a run started without it is a restore.
    const kind = AutomationExecution?.Parameters?.[RECOVERY_DOC_PARAM.kind]?.[0] ?? RESTORE_KIND.restore;
    if (kind === RESTORE_KIND.restore) restores.push(run);
  }
  return restores;
}

/** The snapshot id of a copy named by id or ARN (arn:...:cluster-snapshot:<id>). */
const copyIdOf = (snapshot: string) => snapshot.split(':').pop()!;

/**
 * The writer class a restore gets when none is given, and why: the source
 * writer's class captured with the copy that will be restored, else the
 * stack's DrillInstanceClass. Reading it must not stop a restore: when the
 * configuration cannot be read, the drill class is named, with the reason.
 */
export async function defaultWriterClass(
  input: RecoveryRunInput,
  stack: RecoveryStack,
  context: Context,
): Promise<{ instanceClass: string; why: string }> {
  const drillClass = stack.parameters[RECOVERY_PARAM.drillInstanceClass];
  const fallback = (reason: string) => ({ instanceClass: drillClass, why: `${reason}: the stack's ${RECOVERY_PARAM.drillInstanceClass}` });
  const named = input.parameters[RECOVERY_DOC_PARAM.snapshot];
  let copyId: string | undefined;
  try {
    copyId = named ? copyIdOf(named) : (await newestCopy(context, stack.region, stack.parameters[RECOVERY_PARAM.sourceStackId])).snapshot?.DBClusterSnapshotIdentifier;
  } catch (error) {
    return fallback(`the copies could not be listed (${describeError(error, undefined)})`);
  }
  if (!copyId) return fallback('no available copy was found');
  try {
    const { Parameter } = await context.clients.ssm(stack.region).send(new GetParameterCommand({ Name: `${CAPTURED_CONFIG_PATH}${copyId}` }));
    const captured = JSON.parse(Parameter?.Value ?? '{}') as Partial<CapturedConfig>;
    const instanceClass = captured.writer?.instanceClass;
    if (instanceClass) return { instanceClass, why: `the source writer's class, captured with copy ${copyId}` };
    return fallback(`copy ${copyId} was captured without a writer`);
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') return fallback(`copy ${copyId} has no captured configuration`);
    return fallback(`the captured configuration of copy ${copyId} could not be read (${describeError(error, undefined)})`);
  }
}

/** What must hold before a restore starts; returns the exit code when it must not start. */
async function checkBeforeStart(input: RecoveryRunInput, stack: RecoveryStack, context: Context): Promise<number | undefined> {
  const { out, err } = context.output;
  if (!input.allowConcurrent) {
    const running = await restoresInProgress(context, stack);
    if (running.length > 0) {
      err(`${PROGRAM} restore: ${running.length === 1 ? 'a restore' : `${running.length} restores`} of ${stack.name} ${running.length === 1 ? 'is' : 'are'} already in progress:`);
      for (const run of running) {
        err(`  execution ${run.AutomationExecutionId}, ${run.AutomationExecutionStatus} since ${utc(run.ExecutionStartTime)}${run.CurrentStepName ? `, at step ${run.CurrentStepName}` : ''}`);
      }
      for (const line of runAdvice(stack.region, running[0].AutomationExecutionId!, RESTORE_KIND.restore)) err(line);
      err('Nothing was started. A second restore makes a second cluster; to start one all the same, run again with --allow-concurrent.');
      return EXIT.failed;
    }
  }
  if (input.parameters[RECOVERY_DOC_PARAM.instanceClass]) return undefined;
  const { instanceClass, why } = await defaultWriterClass(input, stack, context);
  out(`The writer will be a ${instanceClass} (${why}).`);
  if (!input.confirmed) {
    if (!context.confirm) {
      err(`${PROGRAM} restore: confirm the writer class first: run again with --yes to restore with a ${instanceClass} writer, or choose the class with --instance-class CLASS.`);
      err('Nothing was started.');
      return EXIT.usage;
    }
    if (!(await context.confirm(`Restore with a ${instanceClass} writer?`))) {
      err(`Not confirmed: nothing was started. Choose the class with --instance-class CLASS.`);
      return EXIT.failed;
    }
  }
  // The class confirmed is the class used, whatever the runbook would choose by itself.
  input.parameters[RECOVERY_DOC_PARAM.instanceClass] = instanceClass;
  return undefined;
}

export async function restore(input: RecoveryRunInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const { stack, problem } = await findRecoveryStack(input, context);
  if (!stack) {
    err(`${PROGRAM} restore: ${problem![0]}`);
    for (const line of problem!.slice(1)) err(line);
    return EXIT.failed;
  }
  const refused = await checkBeforeStart(input, stack, context);
  if (refused !== undefined) return refused;
  const { execution, executionId } = await startAndFollow(input, stack, 'a restore', context);
  if (!execution) return EXIT.ok;
  if (execution.AutomationExecutionStatus !== 'Success') {
    err(`Restore ${execution.AutomationExecutionStatus}.`);
    for (const line of failureOf(execution).split('\n')) err(`  ${line}`);
    err(`Details: ${detailsCommand(stack.region, executionId)}`);
    return EXIT.failed;
  }
  const report = reportOf(execution);
  out('');
  out(`Restored cluster ${report.ClusterId} from copy ${report.SnapshotId}, with the configuration captured with it.`);
  out(`  Writer endpoint:  ${report.Endpoint}`);
  if (input.parameters[RECOVERY_DOC_PARAM.readers] === READERS.source && report.Endpoint) {
    out(`  Reader endpoint:  ${report.Endpoint.replace('.cluster-', '.cluster-ro-')} (the source's readers, added after the writer)`);
  }
  if (report.SecretArn) {
    out(`  Master password:  in Secrets Manager here, ${report.SecretArn}`);
    out(`                    aws secretsmanager get-secret-value --region ${stack.region} --secret-id '${report.SecretArn}'`);
  }
  out(`  Recovery point:   the copy was ${report.RecoveryPointHours} h old when the restore started`);
  out(`  Measured RTO:     ${report.RestoreMinutes} min from the restore call to cluster and writer available`);
  out(`The cluster has deletion protection on and is yours: nothing in this project deletes it.`);
  return EXIT.ok;
}
