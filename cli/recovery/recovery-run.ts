/**
 * What `restore` and `drill` share: find the recovery stack's runbook, start
 * it with the run's parameters, and follow the execution until it ends,
 * printing each step as its status changes. The caller reports the result.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AutomationExecution, GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { FlagValues, missingRequired, UsageError } from '../shared/args';
import { CommandSpec, PROGRAM } from '../shared/commands';
import { awsErrorName, Context } from '../shared/context';
import { utc } from '../shared/progress';
import { regionProblem, stackNameProblem } from '../shared/validate';
import { RECOVERY_STACK_OUTPUT } from '../../generator/recovery/template';
import { RECOVERY_DOC_PARAM } from '../../generator/recovery/document';
import { RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';

export interface RecoveryRunInput {
  stackName: string;
  region?: string;
  parameters: { [name: string]: string };
  wait: boolean;
}

/** Statuses after which an execution changes no more. */
const FINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'CompletedWithSuccess', 'CompletedWithFailure', 'Rejected']);

/** The flags every recovery run takes; `extra` maps more flags to runbook parameters. */
export function parseRecoveryRunInput(
  spec: CommandSpec,
  values: FlagValues,
  parameters: { [name: string]: string },
  problems: string[] = [],
): RecoveryRunInput {
  problems.unshift(...missingRequired(spec, values));
  const stackName = values['stack-name'] as string | undefined;
  // A stack ARN names the stack as well as its name does.
  if (stackName && !stackName.startsWith('arn:')) {
    const problem = stackNameProblem('stack-name', stackName);
    if (problem) problems.push(problem);
  }
  const region = values.region as string | undefined;
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new UsageError(problems, spec);
  return { stackName: stackName!, region, parameters, wait: values['no-wait'] !== true };
}

/** The recovery stack's runbook name and parameters, or a message saying why there is none. */
async function runbookOf(
  input: RecoveryRunInput,
  context: Context,
): Promise<{ runbook?: string; stackParameters?: { [name: string]: string }; problem?: string }> {
  const cfn = context.clients.cloudFormation(input.region);
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: input.stackName }));
    const runbook = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === RECOVERY_STACK_OUTPUT.runbook)?.OutputValue;
    const stackParameters = Object.fromEntries((Stacks?.[0]?.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue ?? '']));
    if (runbook) return { runbook, stackParameters };
    return {
      problem: `stack ${input.stackName} has no ${RECOVERY_STACK_OUTPUT.runbook} output: is it a recovery stack (templates/aurora-snapshot-dr-recovery.yaml), and did its create finish? Deploy one with '${PROGRAM} deploy-recovery'.`,
    };
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      return {
        problem: `no stack ${input.stackName}${input.region ? ` in ${input.region}` : ''}: the recovery stack lives in the disaster-recovery Region; pass --region.`,
      };
    }
    throw error;
  }
}

/** One output of the execution, as GetAutomationExecution reports it (a list of strings). */
export const outputOf = (execution: AutomationExecution, name: string): string | undefined => execution.Outputs?.[name]?.[0];

/** Where a person looks at the execution in detail. */
export const detailsCommand = (region: string | undefined, executionId: string): string =>
  `aws ssm get-automation-execution${region ? ` --region ${region}` : ''} --automation-execution-id ${executionId}`;

/** The step that failed and its message, as the runbook wrote it. */
export function failureOf(execution: AutomationExecution): string {
  const failed = (execution.StepExecutions ?? []).filter((s) => ['Failed', 'TimedOut', 'Cancelled'].includes(s.StepStatus ?? ''));
  // The last failed step is the Finish step's verdict when there is one; the first is where it went wrong.
  const lines = failed.map((s) => `${s.StepName} ${s.StepStatus}: ${s.FailureMessage ?? ''}`.trim());
  return lines.length > 0 ? lines.join('\n') : execution.FailureMessage ?? 'no failure message';
}

/**
 * Start the runbook and follow it. Returns the finished execution, or
 * undefined after --no-wait or when the stack has no runbook (already reported).
 */
export async function startAndFollow(
  input: RecoveryRunInput,
  what: string,
  context: Context,
): Promise<{ execution?: AutomationExecution; executionId?: string; failed?: boolean }> {
  const { out, err } = context.output;
  const { runbook, stackParameters, problem } = await runbookOf(input, context);
  if (!runbook) {
    err(`${PROGRAM}: ${problem}`);
    return { failed: true };
  }
  const ssm = context.clients.ssm(input.region);
  const parameters = Object.fromEntries(Object.entries(input.parameters).map(([name, value]) => [name, [value]]));
  const { AutomationExecutionId: executionId } = await ssm.send(
    new StartAutomationExecutionCommand({ DocumentName: runbook, Parameters: parameters }),
  );
  out(`Started ${what}: runbook ${runbook}, execution ${executionId}.`);
  const drillClass = stackParameters?.[RECOVERY_PARAM.drillInstanceClass];
  if (input.parameters[RECOVERY_DOC_PARAM.kind] === RESTORE_KIND.restore && !input.parameters[RECOVERY_DOC_PARAM.instanceClass] && drillClass) {
    out(`The writer is a ${drillClass} (the stack's ${RECOVERY_PARAM.drillInstanceClass}); for production load, restore with --instance-class.`);
  }
  if (!input.wait) {
    out(`Follow it with: ${detailsCommand(input.region, executionId!)}`);
    return { executionId };
  }
  const shown = new Map<string, string>();
  for (;;) {
    const { AutomationExecution: execution } = await ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
    );
    for (const step of execution?.StepExecutions ?? []) {
      const key = step.StepExecutionId ?? step.StepName!;
      if (shown.get(key) === step.StepStatus) continue;
      shown.set(key, step.StepStatus!);
      const at = utc(step.ExecutionEndTime ?? step.ExecutionStartTime ?? context.now());
      out(`${at}  ${(step.StepStatus ?? '').padEnd(10)}  ${step.StepName}`);
    }
    if (FINAL.has(execution?.AutomationExecutionStatus ?? '')) return { execution, executionId };
    await context.sleep(context.pollIntervalMs);
  }
}
