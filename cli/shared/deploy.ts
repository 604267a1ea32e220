/**
 * `deploy`: create the stack, or update it when it exists, then follow its
 * events until it settles. A failure ends with the first resource that failed
 * and its reason, verbatim: the preflight check writes that reason for the
 * user, naming the bad value and the fix.
 */
import {
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  Parameter,
  Stack,
  StackEvent,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import * as readline from 'readline/promises';
import { FlagValues, missingRequired, UsageError } from './args';
import { DEPLOY, EXIT, PARAMETER_FLAGS, PROGRAM } from './commands';
import { awsErrorName, Context, STILL_WAITING_MS } from './context';
import { ParameterValues } from './parameters-file';
import { describeFailure, firstFailure, formatStackEvent, table } from './progress';
import {
  copyRegionsProblem,
  displayPath,
  integerFlag,
  kmsKeyRegionProblem,
  loadTemplate,
  parameterProblem,
  regionProblem,
  sameRegionProblem,
  stackNameProblem,
  TemplateFile,
} from './validate';
import { PARAM, parameters as sourceParameters } from '../../generator/dr/parameters';
import { quotaProblems } from '../../custom-resource/dr/rules';
import { SOURCE_PRODUCT, takeoverProblem, templateIdentity } from './stack-products';

export interface DeployInput {
  stackName: string;
  /** Always the SourceRegion: the runbook runs in the stack's Region. */
  region: string;
  /** Only the parameters given on the command line. */
  parameters: ParameterValues;
  template: TemplateFile;
  replaceFailed: boolean;
  wait: boolean;
  /** Stop waiting (exit 1) after this many minutes from the start; the stack operation goes on. */
  timeoutMinutes?: number;
  /** Let the update change what the stack protects (its repoint parameters), after showing the change set. */
  allowRepoint?: boolean;
  /** Execute that change set without asking. */
  yes?: boolean;
  /** Asks whether to execute the change set shown; false when nobody can answer. Default: the terminal. */
  confirm?: (question: string) => Promise<boolean>;
}

/** Turn flags into a DeployInput, or throw a UsageError listing every problem. No AWS call is made. */
export function parseDeployInput(values: FlagValues): DeployInput {
  const problems = missingRequired(DEPLOY, values);
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

  const stackName = text('stack-name');
  if (stackName) {
    const problem = stackNameProblem('stack-name', stackName);
    if (problem) problems.push(problem);
  }
  const parameters: ParameterValues = {};
  for (const { flag, parameter } of PARAMETER_FLAGS) {
    const value = text(flag);
    if (value === undefined || (value === '' && parameter !== PARAM.alertEmail)) continue;
    const problem = parameterProblem(`--${flag}`, parameter, value);
    if (problem) problems.push(problem);
    else parameters[parameter] = value;
  }
  const source = parameters[PARAM.sourceRegion];
  const target = parameters[PARAM.targetRegion];
  const same = sameRegionProblem('--source-region', source, '--target-region', target);
  if (same) problems.push(same);
  const pair = copyRegionsProblem('--source-region, --target-region', source, target);
  if (pair) problems.push(pair);
  const keyRegion = kmsKeyRegionProblem('--kms-key', parameters[PARAM.kmsKey], '--target-region', target);
  if (keyRegion) problems.push(keyRegion);

  const region = text('region');
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
    else if (source && region !== source) {
      problems.push(
        `--region ${region} differs from --source-region ${source}: the stack must be deployed in the cluster's Region, where its runbook runs. Leave out --region, or set it to ${source}.`,
      );
    }
  }
  const { template, problem: templateProblem } = loadTemplate(text('template'));
  if (templateProblem) problems.push(templateProblem);
  let timeoutMinutes: number | undefined;
  const timeout = text('timeout');
  if (timeout !== undefined) {
    const parsed = integerFlag('timeout', timeout, 1, MAX_TIMEOUT_MINUTES);
    if (parsed.problem) problems.push(parsed.problem);
    else timeoutMinutes = parsed.value;
    if (values['no-wait'] === true) problems.push('--timeout bounds the wait; with --no-wait there is none. Give one or the other.');
  }

  if (problems.length > 0 || !template) throw new UsageError(problems, DEPLOY);
  return {
    stackName: stackName!,
    region: source,
    parameters,
    template,
    replaceFailed: values['replace-failed'] === true,
    wait: values['no-wait'] !== true,
    timeoutMinutes,
    ...repointFlags(values),
  };
}

/** --allow-repoint and --yes, which `deploy` and `deploy-recovery` share. */
export function repointFlags(values: FlagValues): Pick<DeployInput, 'allowRepoint' | 'yes'> {
  return { allowRepoint: values['allow-repoint'] === true, yes: values.yes === true };
}

/** A yes on the terminal; false without one (a pipe, CI), where nobody can answer. */
export async function askOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const terminal = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

/** A day: a stack operation that takes longer has hung (a custom resource waits at most an hour). */
export const MAX_TIMEOUT_MINUTES = 1440;

/** Statuses from which UpdateStack works. */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);
const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);

const cli = (region: string, stackName: string) => `--region ${region} --stack-name ${stackName}`;

/** What to do about a stack that exists but cannot be updated now. */
function blockedAdvice(stack: Stack, region: string): string[] {
  const name = stack.StackName!;
  const status = stack.StackStatus!;
  if (status === 'REVIEW_IN_PROGRESS') {
    return [
      `Stack ${name} is REVIEW_IN_PROGRESS: it was created by a change set that was never executed, and holds no resources.`,
      `Delete it and deploy again: aws cloudformation delete-stack ${cli(region, name)}`,
    ];
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return [
      `Stack ${name} is ${status}: another operation is running on it.`,
      `Wait until it ends and deploy again, for example: aws cloudformation describe-stacks ${cli(region, name)}`,
    ];
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return [
      `Stack ${name} is UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback.`,
      `Fix the cause shown in its events, then: aws cloudformation continue-update-rollback ${cli(region, name)}`,
    ];
  }
  return [
    `Stack ${name} is ${status} and cannot be updated.`,
    `Delete it and deploy again (deleting the stack deletes no snapshot): aws cloudformation delete-stack ${cli(region, name)}`,
  ];
}

async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return result.Stacks?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** Events newer than the ones already seen, oldest first. DescribeStackEvents pages newest first. */
async function newEvents(cfn: CloudFormationClient, stackId: string, seen: Set<string>): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }));
    for (const event of page.StackEvents ?? []) {
      if (seen.has(event.EventId!)) return fresh.reverse();
      fresh.push(event);
    }
    token = page.NextToken;
  } while (token);
  return fresh.reverse();
}

async function newestEventId(cfn: CloudFormationClient, stackId: string): Promise<string | undefined> {
  const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
  return page.StackEvents?.[0]?.EventId;
}

/** The wait outlasted --timeout; the stack operation goes on in CloudFormation. */
export class WaitTimedOut extends Error {
  constructor(readonly stackNow: Stack) {
    super(`stopped waiting for ${stackNow.StackName}, still ${stackNow.StackStatus}`);
    this.name = 'WaitTimedOut';
  }
}

const minutes = (ms: number) => Math.floor(ms / 60_000);

/**
 * Print events as they come until the stack leaves *_IN_PROGRESS; returns the
 * final stack and this operation's events. When a minute passes with no new
 * event it says so (and which resource it is waiting for), so a quiet wait is
 * not mistaken for a hang. Past `deadline` (epoch ms) it throws WaitTimedOut.
 */
export async function followStack(
  cfn: CloudFormationClient,
  stackId: string,
  seen: Set<string>,
  context: Context,
  deadline?: number,
): Promise<{ stack: Stack; events: StackEvent[] }> {
  const events: StackEvent[] = [];
  const drain = async () => {
    const fresh = await newEvents(cfn, stackId, seen);
    for (const event of fresh) {
      seen.add(event.EventId!);
      events.push(event);
      context.output.out(formatStackEvent(event));
    }
    return fresh.length;
  };
  let lastNews = context.now().getTime();
  let lastNotice = lastNews;
  for (;;) {
    if ((await drain()) > 0) lastNews = lastNotice = context.now().getTime();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
    if (!stack) throw new Error(`stack ${stackId} disappeared while waiting for it`);
    if (!stack.StackStatus?.endsWith('_IN_PROGRESS')) {
      await drain();
      return { stack, events };
    }
    const now = context.now().getTime();
    if (deadline !== undefined && now >= deadline) throw new WaitTimedOut(stack);
    if (now - lastNotice >= STILL_WAITING_MS) {
      const pending = [...events].reverse().find((e) => e.ResourceStatus?.endsWith('_IN_PROGRESS') && e.PhysicalResourceId !== stackId);
      const on = pending ? ` (last: ${pending.LogicalResourceId} ${pending.ResourceStatus})` : '';
      context.output.out(`... still waiting: ${stack.StackName} is ${stack.StackStatus}${on}, no new event for ${minutes(now - lastNews)} min.`);
      lastNotice = now;
    }
    await context.sleep(context.pollIntervalMs);
  }
}

/** How to follow a stack operation this command no longer watches. */
function followAdvice(input: DeployInput): string[] {
  return [
    `The stack operation goes on in CloudFormation. Follow it with: ${PROGRAM} status --stack-name ${input.stackName} --region ${input.region}`,
    `or: aws cloudformation describe-stack-events ${cli(input.region, input.stackName)}`,
  ];
}

/** The first failing resource of a stack's whole history, for a stack found already failed. */
async function historicFailure(cfn: CloudFormationClient, stackId: string): Promise<StackEvent | undefined> {
  return firstFailure(await newEvents(cfn, stackId, new Set()));
}

function reportFailure(stack: Stack, events: StackEvent[], input: DeployInput, context: Context): void {
  const { err } = context.output;
  err(`Stack ${stack.StackName} ended in ${stack.StackStatus}.`);
  const failure = firstFailure(events);
  if (failure) {
    err('First failure:');
    for (const line of describeFailure(failure)) err(line);
  } else if (stack.StackStatusReason) {
    err(`Reason: ${stack.StackStatusReason}`);
  }
  if (stack.StackStatus === 'ROLLBACK_COMPLETE') {
    err(
      `The stack was rolled back and holds no resources. Fix the cause, then run the same command with --replace-failed, ` +
        `or delete it first: aws cloudformation delete-stack ${cli(input.region, input.stackName)}`,
    );
  }
}

function printOutputs(stack: Stack, context: Context): void {
  const outputs = stack.Outputs ?? [];
  if (outputs.length === 0) return;
  context.output.out('');
  for (const line of table(['OUTPUT', 'VALUE'], outputs.map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']))) {
    context.output.out(line);
  }
}

/** Create parameters: only what was given, so the template's defaults apply to the rest. */
function createParameters(input: DeployInput): Parameter[] {
  return Object.entries(input.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

/**
 * Update parameters: what was given, and the stack's current value for every
 * other parameter it has, so an update never resets a schedule or an alert
 * address to the template default behind the user's back.
 */
export function updateParameters(input: DeployInput, existing: Stack): Parameter[] {
  const given = createParameters(input);
  const kept = (existing.Parameters ?? [])
    .map((p) => p.ParameterKey!)
    .filter((key) => !(key in input.parameters))
    .map((ParameterKey) => ({ ParameterKey, UsePreviousValue: true }));
  return [...given, ...kept];
}

async function deleteFailedStack(cfn: CloudFormationClient, stack: Stack, context: Context): Promise<boolean> {
  context.output.out(`Deleting ${stack.StackName} (ROLLBACK_COMPLETE, no resources) before creating it again.`);
  const seen = new Set<string>();
  const eventId = await newestEventId(cfn, stack.StackId!);
  if (eventId) seen.add(eventId);
  await cfn.send(new DeleteStackCommand({ StackName: stack.StackId }));
  const { stack: after } = await followStack(cfn, stack.StackId!, seen, context);
  if (after.StackStatus !== 'DELETE_COMPLETE') {
    context.output.err(`Could not delete ${stack.StackName}: ${after.StackStatus} ${after.StackStatusReason ?? ''}`.trim());
    return false;
  }
  return true;
}

/**
 * Why this deploy must not touch the existing stack, or undefined: the stack
 * is not this product's, or is another of its kinds (a DR stack under the
 * recovery template, or the reverse). Deploying over it would make
 * CloudFormation delete what it holds. Read from the stack's own template
 * (GetTemplate), which a stack in any state still has.
 */
export async function takeoverRefusal(cfn: CloudFormationClient, existing: Stack, input: DeployInput): Promise<string[] | undefined> {
  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: existing.StackId, TemplateStage: 'Original' }));
  return takeoverProblem(`Stack ${existing.StackName} in ${input.region}`, TemplateBody ?? '', input.template, '--stack-name');
}

/** The parameters that say what the stack protects and where, with their value now and the value this deploy would give them. */
export function repointChanges(existing: Stack, input: DeployInput): { parameter: string; from: string; to: string }[] {
  const product = templateIdentity(input.template.body).product;
  const now = Object.fromEntries((existing.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue ?? '']));
  return (product?.repointParameters ?? [])
    .filter((parameter) => parameter in now && parameter in input.parameters && now[parameter] !== input.parameters[parameter])
    .map((parameter) => ({ parameter, from: now[parameter], to: input.parameters[parameter] }));
}

/**
 * The DR stack's schedule against the snapshot quota, with the values the
 * stack will have (given, else kept, else the template's default), by the rule
 * its preflight applies, so a refusal comes before any change.
 */
function quotaRefusal(existing: Stack | undefined, input: DeployInput): string[] {
  if (templateIdentity(input.template.body).product !== SOURCE_PRODUCT) return [];
  const value = (name: string) =>
    input.parameters[name] ??
    existing?.Parameters?.find((p) => p.ParameterKey === name)?.ParameterValue ??
    String(sourceParameters[name]?.Default ?? '');
  return quotaProblems({
    ScheduleExpression: value(PARAM.schedule),
    SourceRetentionDays: value(PARAM.sourceRetention),
    TargetRetentionDays: value(PARAM.targetRetention),
    SourceRegion: input.region,
    TargetRegion: value(PARAM.targetRegion),
  });
}

/** Every change of the change set, all pages, once CloudFormation has worked it out. */
async function describeChanges(cfn: CloudFormationClient, id: string, context: Context) {
  for (;;) {
    const first = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
    if (first.Status === 'CREATE_PENDING' || first.Status === 'CREATE_IN_PROGRESS') {
      await context.sleep(context.pollIntervalMs);
      continue;
    }
    const changes: Change[] = [...(first.Changes ?? [])];
    for (let token = first.NextToken; token; ) {
      const page = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id, NextToken: token }));
      changes.push(...(page.Changes ?? []));
      token = page.NextToken;
    }
    return { changeSet: first, changes };
  }
}

/**
 * Repoint with a change set, as `cdk diff` and `terraform plan` show a plan
 * first: what CloudFormation will add, modify, remove and replace, then go
 * ahead only on --yes or a yes on the terminal; otherwise the change set is
 * deleted and nothing changes. Returns the exit code when it stops here.
 */
async function repointWithChangeSet(cfn: CloudFormationClient, existing: Stack, input: DeployInput, context: Context): Promise<number | undefined> {
  const { out, err } = context.output;
  const name = `${PROGRAM}-repoint-${context.now().getTime()}`;
  const { Id } = await cfn.send(
    new CreateChangeSetCommand({
      StackName: existing.StackName,
      ChangeSetName: name,
      ChangeSetType: 'UPDATE',
      TemplateBody: input.template.body,
      Parameters: updateParameters(input, existing),
      Capabilities: ['CAPABILITY_IAM'],
      Description: `Repoint ${existing.StackName}, shown by ${PROGRAM} deploy --allow-repoint`,
    }),
  );
  const { changeSet, changes } = await describeChanges(cfn, Id!, context);
  const drop = () => cfn.send(new DeleteChangeSetCommand({ ChangeSetName: Id }));
  if (changeSet.Status !== 'CREATE_COMPLETE') {
    await drop();
    err(`CloudFormation could not make change set ${name}: ${changeSet.StatusReason ?? changeSet.Status}. Nothing was changed.`);
    return EXIT.failed;
  }
  out(`Change set ${name} of ${existing.StackName}: what CloudFormation will do.`);
  for (const line of table(
    ['ACTION', 'RESOURCE', 'TYPE', 'REPLACEMENT'],
    changes.map(({ ResourceChange: r }) => [r?.Action ?? '', r?.LogicalResourceId ?? '', r?.ResourceType ?? '', r?.Replacement ?? '']),
  )) {
    out(line);
  }
  const replaced = changes.filter((c) => c.ResourceChange?.Replacement === 'True' || c.ResourceChange?.Action === 'Remove');
  out(
    replaced.length
      ? `${replaced.length} resource(s) will be deleted or replaced (a new one made, the old one deleted): ${replaced.map((c) => c.ResourceChange?.LogicalResourceId).join(', ')}.`
      : 'Nothing will be deleted or replaced.',
  );
  if (input.yes || (await (input.confirm ?? askOnTerminal)(`Execute change set ${name}? Type yes to go ahead: `))) {
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: Id }));
    return undefined;
  }
  await drop();
  err(`Not executed: change set ${name} was deleted and nothing was changed.`);
  err('To go ahead, answer yes on a terminal, or run the same command with --yes as well.');
  return EXIT.failed;
}

/** UpdateStack; "no updates to perform" ends the command with success. Returns the exit code when it stops here. */
async function updateStack(cfn: CloudFormationClient, existing: Stack, input: DeployInput, context: Context): Promise<number | undefined> {
  try {
    await cfn.send(
      new UpdateStackCommand({
        StackName: existing.StackId,
        TemplateBody: input.template.body,
        Parameters: updateParameters(input, existing),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    return undefined;
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /No updates are to be performed/.test((error as Error).message)) {
      context.output.out(`No changes: stack ${input.stackName} already has this template and these parameters.`);
      printOutputs(existing, context);
      return EXIT.ok;
    }
    throw error;
  }
}

export async function deploy(input: DeployInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const started = context.now().getTime();
  const cfn = context.clients.cloudFormation(input.region);
  let existing = await describeStack(cfn, input.stackName);

  // A stack in REVIEW_IN_PROGRESS holds nothing yet and is refused below with its own advice.
  const takeover = existing && existing.StackStatus !== 'REVIEW_IN_PROGRESS' && (await takeoverRefusal(cfn, existing, input));
  if (takeover) {
    for (const line of takeover) err(line);
    return EXIT.failed;
  }
  const quota = quotaRefusal(existing, input);
  if (quota.length) {
    for (const problem of quota) err(`${PROGRAM} deploy: ${problem}.`);
    return EXIT.usage;
  }

  if (existing?.StackStatus === 'ROLLBACK_COMPLETE') {
    if (!input.replaceFailed) {
      err(`Stack ${input.stackName} is in ROLLBACK_COMPLETE: its first create failed, and a stack in that state cannot be updated.`);
      const failure = await historicFailure(cfn, existing.StackId!);
      if (failure) {
        err('It failed because:');
        for (const line of describeFailure(failure)) err(line);
      }
      err('It holds no resources. Fix the cause, then delete it and deploy again:');
      err(`  aws cloudformation delete-stack ${cli(input.region, input.stackName)}`);
      err(`  aws cloudformation wait stack-delete-complete ${cli(input.region, input.stackName)}`);
      err(`or run this command again with --replace-failed, which does both and creates the stack.`);
      return EXIT.failed;
    }
    if (!(await deleteFailedStack(cfn, existing, context))) return EXIT.failed;
    existing = undefined;
  }
  if (existing && !UPDATABLE.has(existing.StackStatus!)) {
    for (const line of blockedAdvice(existing, input.region)) err(line);
    return EXIT.failed;
  }

  const bytes = Buffer.byteLength(input.template.body).toLocaleString('en-US');
  const seen = new Set<string>();
  let stackId: string;
  if (!existing) {
    out(`Creating stack ${input.stackName} in ${input.region} from ${displayPath(input.template.path)} (${bytes} bytes).`);
    const created = await cfn.send(
      new CreateStackCommand({
        StackName: input.stackName,
        TemplateBody: input.template.body,
        Parameters: createParameters(input),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    stackId = created.StackId!;
  } else {
    stackId = existing.StackId!;
    const repoints = repointChanges(existing, input);
    if (repoints.length && !input.allowRepoint) {
      err(`Stack ${input.stackName} in ${input.region} would be repointed:`);
      for (const { parameter, from, to } of repoints) err(`  ${parameter}: ${from} -> ${to}`);
      err(
        'CloudFormation would replace what is named from these values, and the stack would stop protecting what it protects now. Nothing was changed.',
      );
      err('To protect something else, deploy a new stack under another --stack-name.');
      err('To repoint this one, run the same command with --allow-repoint: it shows what CloudFormation will replace, from a change set, and asks before going ahead.');
      return EXIT.failed;
    }
    out(`Updating stack ${input.stackName} in ${input.region} (${existing.StackStatus}) from ${displayPath(input.template.path)} (${bytes} bytes).`);
    const marker = await newestEventId(cfn, stackId);
    if (marker) seen.add(marker);
    const stopped = repoints.length
      ? await repointWithChangeSet(cfn, existing, input, context)
      : await updateStack(cfn, existing, input, context);
    if (stopped !== undefined) return stopped;
  }

  if (!input.wait) {
    out(`Started. Follow it with: ${PROGRAM} status --stack-name ${input.stackName} --region ${input.region}`);
    out(`or: aws cloudformation describe-stack-events ${cli(input.region, input.stackName)}`);
    return EXIT.ok;
  }
  const deadline = input.timeoutMinutes === undefined ? undefined : started + input.timeoutMinutes * 60_000;
  context.setInterruptAdvice(followAdvice(input));
  let followed;
  try {
    followed = await followStack(cfn, stackId, seen, context, deadline);
  } catch (error) {
    if (!(error instanceof WaitTimedOut)) throw error;
    err(`Stopped waiting after --timeout ${input.timeoutMinutes} min: stack ${input.stackName} is still ${error.stackNow.StackStatus}.`);
    for (const line of followAdvice(input)) err(line);
    return EXIT.failed;
  } finally {
    context.setInterruptAdvice(undefined);
  }
  const { stack, events } = followed;
  if (SUCCEEDED.has(stack.StackStatus!)) {
    out(`Stack ${input.stackName} is ${stack.StackStatus}.`);
    printOutputs(stack, context);
    return EXIT.ok;
  }
  reportFailure(stack, events, input, context);
  return EXIT.failed;
}
