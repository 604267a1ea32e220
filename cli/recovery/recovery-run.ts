/**
 * What `restore` and `drill` share: find the recovery stack's runbook (or, when
 * the stack is not there, name the recovery stacks that are), start it with the
 * run's parameters, and follow the execution until it ends, printing each step
 * as its status changes. The caller checks what must hold before a start and
 * reports the result. While a run is followed, Ctrl-C and --timeout print the
 * commands that follow and stop it: it goes on in Systems Manager.
 */
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { AutomationExecution, GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { FlagValues, missingRequired, UsageError } from '../shared/args';
import { CommandSpec, PROGRAM } from '../shared/commands';
import { awsErrorName, Context } from '../shared/context';
import { table, utc } from '../shared/progress';
import { regionProblem, stackNameProblem } from '../shared/validate';
import { RECOVERY_STACK_OUTPUT } from '../../generator/recovery/template';
import { RECOVERY_DOC_PARAM, RECOVERY_OUTPUT } from '../../generator/recovery/document';
import { RunReport } from '../../custom-resource/recovery/run/contract';
import { RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';

export interface RecoveryRunInput {
  /** `restore` or `drill`, as typed: the advice repeats it. */
  command: string;
  stackName: string;
  region?: string;
  parameters: { [name: string]: string };
  wait: boolean;
  /** --yes: the default writer class needs no question. */
  confirmed: boolean;
  /** --allow-concurrent: start even while another restore of the stack runs. */
  allowConcurrent: boolean;
}

/** Statuses after which an execution changes no more. */
const FINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'CompletedWithSuccess', 'CompletedWithFailure', 'Rejected']);

/** The flags every recovery run takes; `parameters` holds the runbook parameters the command's own flags set. */
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
  return {
    command: spec.name,
    stackName: stackName!,
    region,
    parameters,
    wait: values['no-wait'] !== true,
    confirmed: values.yes === true,
    allowConcurrent: values['allow-concurrent'] === true,
  };
}

/** The recovery stack as a run needs it: its Region (resolved), runbook and parameters. */
export interface RecoveryStack {
  name: string;
  region: string;
  runbook: string;
  parameters: { [name: string]: string };
}

const parametersOf = (stack: Stack) => Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue ?? '']));

/** A stack made from the recovery template: the parameters only it has. */
export const isRecoveryStack = (stack: Stack): boolean => {
  const parameters = parametersOf(stack);
  return RECOVERY_PARAM.sourceStackId in parameters && RECOVERY_PARAM.subnetGroup in parameters;
};

/** Every recovery stack of the Region, by name. */
export async function recoveryStacksIn(context: Context, region: string): Promise<Stack[]> {
  const cfn = context.clients.cloudFormation(region);
  const found: Stack[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ NextToken }));
    found.push(...(page.Stacks ?? []).filter(isRecoveryStack));
    NextToken = page.NextToken;
  } while (NextToken);
  return found.sort((a, b) => a.StackName!.localeCompare(b.StackName!));
}

/** The source stack's name, from its ARN (arn:...:stack/<name>/<id>). */
const stackNameOfArn = (arn: string) => arn.split(':').pop()?.split('/')[1] ?? arn;

/** What to say when the named stack is not in the Region: the recovery stacks that are, and the command to run. */
async function notFoundAdvice(input: RecoveryRunInput, region: string, context: Context): Promise<string[]> {
  const lines = [`no stack ${input.stackName} in ${region}.`];
  const stacks = await recoveryStacksIn(context, region);
  if (stacks.length === 0) {
    lines.push(
      `No recovery stack is in ${region} either. A recovery stack lives in the disaster-recovery Region, the TargetRegion of the stack that makes the copies: ` +
        `pass that Region with --region, or create the recovery stack there with '${PROGRAM} deploy-recovery'.`,
    );
    return lines;
  }
  lines.push(`Recovery stacks in ${region}:`);
  const rows = stacks.map((s) => {
    const parameters = parametersOf(s);
    return [s.StackName!, parameters[RECOVERY_PARAM.cluster] ?? '', stackNameOfArn(parameters[RECOVERY_PARAM.sourceStackId] ?? ''), s.StackStatus ?? ''];
  });
  for (const line of table(['STACK', 'CLUSTER', 'SOURCE STACK', 'STATUS'], rows)) lines.push(`  ${line}`);
  const command = (name: string) => `${PROGRAM} ${input.command} --stack-name ${name} --region ${region}`;
  if (stacks.length === 1) lines.push(`Run: ${command(stacks[0].StackName!)}`);
  else lines.push(`Run it with the recovery stack of the cluster to recover: ${command('STACK')}`);
  return lines;
}

/** The recovery stack, or the lines that say why there is none (already as the user should read them). */
export async function findRecoveryStack(input: RecoveryRunInput, context: Context): Promise<{ stack?: RecoveryStack; problem?: string[] }> {
  const cfn = context.clients.cloudFormation(input.region);
  const region = input.region ?? (await cfn.config.region());
  let stack: Stack | undefined;
  try {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: input.stackName }))).Stacks?.[0];
  } catch (error) {
    if (!(awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message))) throw error;
  }
  if (!stack) return { problem: await notFoundAdvice(input, region, context) };
  const runbook = stack.Outputs?.find((o) => o.OutputKey === RECOVERY_STACK_OUTPUT.runbook)?.OutputValue;
  if (!runbook) {
    return {
      problem: [
        `stack ${input.stackName} has no ${RECOVERY_STACK_OUTPUT.runbook} output: is it a recovery stack (templates/aurora-snapshot-dr-recovery.yaml), and did its create finish? Deploy one with '${PROGRAM} deploy-recovery'.`,
      ],
    };
  }
  return { stack: { name: stack.StackName!, region, runbook, parameters: parametersOf(stack) } };
}

/** One output of the execution, as GetAutomationExecution reports it (a list of strings). */
export const outputOf = (execution: AutomationExecution, name: string): string | undefined => execution.Outputs?.[name]?.[0];

/** A verified run's report: the one output of the runbook, Verify's JSON Payload (RunReport). */
export const reportOf = (execution: AutomationExecution): Partial<RunReport> => JSON.parse(outputOf(execution, RECOVERY_OUTPUT) ?? '{}') as Partial<RunReport>;

/** Where a person looks at the execution in detail. */
export const detailsCommand = (region: string, executionId: string): string =>
  `aws ssm get-automation-execution --region ${region} --automation-execution-id ${executionId}`;

/** How to follow and to stop a run this command no longer watches. */
export function runAdvice(region: string, executionId: string, kind: string): string[] {
  const id = `--region ${region} --automation-execution-id ${executionId}`;
  const stopped =
    kind === RESTORE_KIND.drill
      ? 'a stopped drill leaves its cluster to the next drill, which deletes it'
      : 'a stopped restore keeps what it created so far, for you to use or delete';
  return [
    `The run goes on in Systems Manager. Follow it with:`,
    `  aws ssm get-automation-execution ${id}`,
    `  aws ssm describe-automation-step-executions ${id}`,
    `Stop it (${stopped}) with:`,
    `  aws ssm stop-automation-execution ${id}`,
  ];
}

/** The step that failed and its message, as the runbook wrote it. */
export function failureOf(execution: AutomationExecution): string {
  const failed = (execution.StepExecutions ?? []).filter((s) => ['Failed', 'TimedOut', 'Cancelled'].includes(s.StepStatus ?? ''));
  // The last failed step is the Finish step's verdict when there is one; the first is where it went wrong.
  const lines = failed.map((s) => `${s.StepName} ${s.StepStatus}: ${s.FailureMessage ?? ''}`.trim());
  return lines.length > 0 ? lines.join('\n') : execution.FailureMessage ?? 'no failure message';
}

/**
 * Start the runbook and follow it. Returns the finished execution, or only
 * its id after --no-wait.
 */
export async function startAndFollow(
  input: RecoveryRunInput,
  stack: RecoveryStack,
  what: string,
  context: Context,
): Promise<{ execution?: AutomationExecution; executionId: string }> {
  const { out } = context.output;
  const ssm = context.clients.ssm(stack.region);
  const parameters = Object.fromEntries(Object.entries(input.parameters).map(([name, value]) => [name, [value]]));
  const { AutomationExecutionId: executionId } = await ssm.send(
    new StartAutomationExecutionCommand({ DocumentName: stack.runbook, Parameters: parameters }),
  );
  out(`Started ${what}: runbook ${stack.runbook}, execution ${executionId}.`);
  const advice = runAdvice(stack.region, executionId!, input.parameters[RECOVERY_DOC_PARAM.kind]);
  if (!input.wait) {
    for (const line of advice) out(line);
    return { executionId: executionId! };
  }
  context.setInterruptAdvice(advice);
  try {
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
      if (FINAL.has(execution?.AutomationExecutionStatus ?? '')) return { execution, executionId: executionId! };
      await context.sleep(context.pollIntervalMs);
    }
  } finally {
    context.setInterruptAdvice(undefined);
  }
}
