/**
 * A small, faithful interpreter of the SSM Automation (schemaVersion 0.3)
 * features this project's runbook uses, for rehearsing it against moto, which
 * stores documents but does not execute them.
 *
 * Implemented: aws:executeScript (python3.11, inline Script), aws:executeAwsApi,
 * aws:waitForAwsResourceProperty, aws:branch, aws:sleep, aws:invokeLambdaFunction
 * (through RunnerOptions.invokeLambda: the rehearsal runs the template's inline
 * function code in a Node child against moto); step fields name,
 * action, description, inputs, outputs, onFailure (Abort | Continue |
 * step:<name>), onCancel (Abort | step:<name>), maxAttempts, timeoutSeconds, nextStep, isEnd, isCritical;
 * document fields schemaVersion, description, assumeRole, parameters (type,
 * description, default, allowedValues, allowedPattern), outputs, mainSteps.
 * Anything else — another action, field or input — is refused before the run
 * starts (RunbookNotSupportedError), never skipped.
 *
 * Time is virtual (see virtual-clock.ts): sleeps and polls advance the clock,
 * scripts run in real time with their sleeps compressed.
 */
import { randomUUID } from 'crypto';
import { AwsApiCaller, AwsConnection } from './aws-api';
import { chooseNextStep } from './branch';
import { selectJsonPath } from './jsonpath';
import { RehearsedRole, assertCallsAllowed, invokeRequest, recordedRequests, roleAccessKeyId } from './iam-check';
import { convertOutput, OUTPUT_TYPES, OutputType } from './output-types';
import { HarnessError, runScript, ScriptOutcome } from './script-runner';
import { builtInVariables, referencedNames, substitute, VariableError } from './variables';
import { VirtualClock } from './virtual-clock';

export type ExecutionStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
export type StepStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

export interface TimelineEntry {
  step: string;
  action: string;
  status: StepStatus;
  /** Virtual time the step started, ISO-8601 UTC. */
  startedAt: string;
  /** Virtual seconds the step took, all attempts included. */
  durationVirtual: number;
  attempts: number;
  inputs: unknown;
  outputs: { [name: string]: unknown };
  error?: string;
  /** What the script printed, and its traceback when it raised. */
  log?: string;
  /** The step that ran next (branch choice, nextStep, onFailure target), if any. */
  next?: string;
}

export interface ExecutionResult {
  executionId: string;
  status: ExecutionStatus;
  failureMessage?: string;
  failedStep?: string;
  /** The document's `outputs`, as `Step.Output` → value, for those that were produced. */
  outputs: { [name: string]: unknown };
  timeline: TimelineEntry[];
  /** The resolved assumeRole; recorded, not assumed (moto does not check it). */
  assumeRole?: string;
  parameters: { [name: string]: unknown };
  startedAt: string;
  endedAt: string;
  /** Things a real execution might treat differently; printed by the CLI, never silent. */
  warnings: string[];
}

export interface StepHookContext {
  executionId: string;
  step: string;
  clock: VirtualClock;
  /**
   * Cancel the execution as StopAutomationExecution would while this step runs:
   * the step ends Cancelled, its onCancel step (if any) runs, and the execution
   * ends Cancelled whatever that step does.
   */
  cancel(): void;
}

export interface RunnerOptions {
  /** The parsed runbook (see intrinsics.ts resolveAutomationDocument). */
  document: unknown;
  /** The automation's Region: executeAwsApi and waits call it; scripts get it as AWS_DEFAULT_REGION. */
  region: string;
  accountId: string;
  partition?: string;
  aws: AwsConnection;
  clock: VirtualClock;
  /** The clock-aware moto wrapper's base URL, so script sleeps move moto's clock. */
  clockControlUrl?: string;
  /** Execution parameters as StartAutomationExecution takes them (strings or string lists). */
  parameters?: { [name: string]: string | string[] };
  executionId?: string;
  /** Virtual seconds between polls of aws:waitForAwsResourceProperty. */
  pollIntervalSeconds?: number;
  /** Rehearsal guard against a runbook that loops forever; not an Automation limit. */
  maxStepExecutions?: number;
  /** Test hook before each step runs (e.g. a barrier for overlapping executions, or a change to the world). */
  beforeStep?: (context: StepHookContext) => Promise<void> | void;
  /**
   * The runbook's role: its calls are signed with the role's own access key, and once the run ends each
   * call is simulated under the role's policy (iam-check.ts); one IAM would deny fails the rehearsal.
   */
  iamRole?: RehearsedRole;
  /** Runs aws:invokeLambdaFunction; a runbook that uses the action cannot be rehearsed without it. */
  invokeLambda?: LambdaInvoker;
}

/** What Lambda's Invoke gives back: the handler's value, or the error it threw (FunctionError). */
export type LambdaOutcome =
  | { kind: 'returned'; payload: unknown; log: string }
  | { kind: 'raised'; errorType: string; errorMessage: string; log: string };

export interface LambdaInvoker {
  (request: { functionName: string; payload: unknown; nowMs: number; timeoutSeconds: number }): Promise<LambdaOutcome>;
}

/** The document uses something the runner does not implement; the rehearsal cannot speak for it. */
export class RunbookNotSupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunbookNotSupportedError';
  }
}

/** StartAutomationExecution would refuse these parameters. */
export class AutomationStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AutomationStartError';
  }
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
    readonly log?: string,
  ) {
    super(message);
  }
}

interface OutputSpec {
  Name: string;
  Selector: string;
  Type: OutputType;
}

interface Step {
  name: string;
  action: string;
  inputs: { [key: string]: unknown };
  outputs: OutputSpec[];
  onFailure: string;
  onCancel: string;
  maxAttempts: number;
  timeoutSeconds?: number;
  nextStep?: string;
  isEnd: boolean;
  isCritical: boolean;
}

interface ParameterSpec {
  type: string;
  default?: unknown;
  allowedValues?: unknown[];
  allowedPattern?: string;
}

interface Runbook {
  assumeRole?: string;
  parameters: { [name: string]: ParameterSpec };
  outputs: string[];
  steps: Step[];
}

const DOCUMENT_FIELDS = ['schemaVersion', 'description', 'assumeRole', 'parameters', 'outputs', 'mainSteps'];
const PARAMETER_FIELDS = ['type', 'description', 'default', 'allowedValues', 'allowedPattern'];
const PARAMETER_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'];
const STEP_FIELDS = [
  'name',
  'action',
  'description',
  'inputs',
  'outputs',
  'onFailure',
  'onCancel',
  'maxAttempts',
  'timeoutSeconds',
  'nextStep',
  'isEnd',
  'isCritical',
];
const OUTPUT_FIELDS = ['Name', 'Selector', 'Type'];

/** Inputs each action takes; executeAwsApi and the wait also pass the API's own parameters. */
const ACTION_INPUTS: { [action: string]: { required: string[]; optional: string[]; apiParameters: boolean } } = {
  'aws:executeScript': { required: ['Runtime', 'Handler', 'Script'], optional: ['InputPayload'], apiParameters: false },
  'aws:executeAwsApi': { required: ['Service', 'Api'], optional: [], apiParameters: true },
  'aws:waitForAwsResourceProperty': {
    required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'],
    optional: [],
    apiParameters: true,
  },
  'aws:branch': { required: ['Choices'], optional: ['Default'], apiParameters: false },
  'aws:sleep': { required: [], optional: ['Duration', 'Timestamp'], apiParameters: false },
  'aws:invokeLambdaFunction': { required: ['FunctionName'], optional: ['InputPayload'], apiParameters: false },
};
/**
 * aws:invokeLambdaFunction's outputs are predefined (Automation actions reference):
 * StatusCode, FunctionError, LogResult and Payload, "the JSON representation of
 * the object returned by the Lambda function"; it declares no selectors.
 */
const LAMBDA_OUTPUTS = ['StatusCode', 'Payload'];
/** aws:invokeLambdaFunction runs at most 300 s. */
const INVOKE_MAX_SECONDS = 300;
const ACTIONS_WITH_OUTPUTS = ['aws:executeScript', 'aws:executeAwsApi'];

/** The Python runtime the rehearsal has: the project's .venv interpreter. */
const SUPPORTED_SCRIPT_RUNTIME = 'python3.11';
/** aws:executeScript runs at most 600 s; its timeoutSeconds cannot raise that. */
const SCRIPT_MAX_SECONDS = 600;
/** aws:waitForAwsResourceProperty's default timeout. */
const WAIT_DEFAULT_TIMEOUT_SECONDS = 3600;
/** aws:sleep sleeps at most seven days. */
const SLEEP_MAX_SECONDS = 7 * 24 * 3600;
/** aws:executeScript's Payload is at most 100 KB. */
const PAYLOAD_MAX_BYTES = 100 * 1024;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function fieldCheck(where: string, value: { [key: string]: unknown }, allowed: string[]): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new RunbookNotSupportedError(`${where}: field ${unknown.join(', ')} is not implemented by the runner`);
}

const isObject = (value: unknown): value is { [key: string]: unknown } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks the whole document before anything runs, as SSM checks it when the document is created. */
export function parseRunbook(document: unknown): Runbook {
  if (!isObject(document)) throw new RunbookNotSupportedError('the runbook is not a map');
  fieldCheck('document', document, DOCUMENT_FIELDS);
  if (document.schemaVersion !== '0.3') {
    throw new RunbookNotSupportedError(`schemaVersion ${JSON.stringify(document.schemaVersion)}: the runner runs Automation 0.3 only`);
  }
  const parameters: { [name: string]: ParameterSpec } = {};
  for (const [name, spec] of Object.entries((document.parameters ?? {}) as { [name: string]: unknown })) {
    if (!isObject(spec)) throw new RunbookNotSupportedError(`parameter ${name} is not a map`);
    fieldCheck(`parameter ${name}`, spec, PARAMETER_FIELDS);
    if (!PARAMETER_TYPES.includes(String(spec.type))) throw new RunbookNotSupportedError(`parameter ${name} has type ${spec.type}`);
    parameters[name] = spec as unknown as ParameterSpec;
  }
  if (!Array.isArray(document.mainSteps) || document.mainSteps.length === 0) {
    throw new RunbookNotSupportedError('the runbook has no mainSteps');
  }
  const steps: Step[] = document.mainSteps.map((raw: unknown, index: number) => {
    if (!isObject(raw)) throw new RunbookNotSupportedError(`mainSteps[${index}] is not a map`);
    const where = `step ${String(raw.name ?? index)}`;
    fieldCheck(where, raw, STEP_FIELDS);
    if (typeof raw.name !== 'string' || !/^[A-Za-z0-9_]+$/.test(raw.name)) throw new RunbookNotSupportedError(`${where}: bad name`);
    const action = String(raw.action);
    const spec = ACTION_INPUTS[action];
    if (!spec) throw new RunbookNotSupportedError(`${where}: action ${action} is not implemented by the runner`);
    const inputs = (raw.inputs ?? {}) as { [key: string]: unknown };
    if (!isObject(inputs)) throw new RunbookNotSupportedError(`${where}: inputs is not a map`);
    for (const key of spec.required) {
      if (!(key in inputs)) throw new RunbookNotSupportedError(`${where}: ${action} needs input ${key}`);
    }
    if (!spec.apiParameters) fieldCheck(`${where} inputs`, inputs, [...spec.required, ...spec.optional]);
    if (action === 'aws:executeScript' && inputs.Runtime !== SUPPORTED_SCRIPT_RUNTIME) {
      throw new RunbookNotSupportedError(
        `${where}: Runtime ${String(inputs.Runtime)}; the rehearsal runs ${SUPPORTED_SCRIPT_RUNTIME} (the project's .venv) only`,
      );
    }
    if (action === 'aws:sleep' && ('Duration' in inputs) === ('Timestamp' in inputs)) {
      throw new RunbookNotSupportedError(`${where}: aws:sleep takes exactly one of Duration and Timestamp`);
    }
    const outputs = ((raw.outputs ?? []) as unknown[]).map((output) => {
      if (!isObject(output)) throw new RunbookNotSupportedError(`${where}: an output is not a map`);
      fieldCheck(`${where} output`, output, OUTPUT_FIELDS);
      const type = (output.Type ?? 'String') as OutputType;
      if (!OUTPUT_TYPES.includes(type)) throw new RunbookNotSupportedError(`${where}: output type ${type}`);
      if (typeof output.Name !== 'string' || typeof output.Selector !== 'string') {
        throw new RunbookNotSupportedError(`${where}: an output needs Name and Selector`);
      }
      return { Name: output.Name, Selector: output.Selector, Type: type };
    });
    if (outputs.length > 0 && !ACTIONS_WITH_OUTPUTS.includes(action)) {
      throw new RunbookNotSupportedError(`${where}: ${action} takes no outputs`);
    }
    const onFailure = String(raw.onFailure ?? 'Abort');
    if (!/^(Abort|Continue|step:[A-Za-z0-9_]+)$/.test(onFailure)) throw new RunbookNotSupportedError(`${where}: onFailure ${onFailure}`);
    const onCancel = String(raw.onCancel ?? 'Abort');
    if (!/^(Abort|step:[A-Za-z0-9_]+)$/.test(onCancel)) throw new RunbookNotSupportedError(`${where}: onCancel ${onCancel}`);
    const maxAttempts = raw.maxAttempts === undefined ? 1 : Number(raw.maxAttempts);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RunbookNotSupportedError(`${where}: maxAttempts ${raw.maxAttempts}`);
    const timeoutSeconds = raw.timeoutSeconds === undefined ? undefined : Number(raw.timeoutSeconds);
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new RunbookNotSupportedError(`${where}: timeoutSeconds ${raw.timeoutSeconds}`);
    return {
      name: raw.name,
      action,
      inputs,
      outputs,
      onFailure,
      onCancel,
      maxAttempts,
      timeoutSeconds,
      nextStep: raw.nextStep === undefined ? undefined : String(raw.nextStep),
      isEnd: raw.isEnd === true,
      isCritical: raw.isCritical !== false,
    };
  });

  // Every jump target and every {{ }} reference must exist, as SSM validates at CreateDocument.
  const names = steps.map((step) => step.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new RunbookNotSupportedError(`two steps are named ${duplicate}`);
  const targets = (step: Step): string[] => [
    ...(step.nextStep ? [step.nextStep] : []),
    ...(step.onFailure.startsWith('step:') ? [step.onFailure.slice(5)] : []),
    ...(step.onCancel.startsWith('step:') ? [step.onCancel.slice(5)] : []),
    ...(step.action === 'aws:branch'
      ? [
          ...((step.inputs.Choices as { NextStep?: string }[]) ?? []).map((choice) => String(choice.NextStep)),
          ...(typeof step.inputs.Default === 'string' ? [step.inputs.Default] : []),
        ]
      : []),
  ];
  const declaredOutputs = new Set(
    steps.flatMap((step) => [
      ...step.outputs.map((output) => `${step.name}.${output.Name}`),
      ...(step.action === 'aws:invokeLambdaFunction' ? LAMBDA_OUTPUTS.map((name) => `${step.name}.${name}`) : []),
    ]),
  );
  const builtIns = Object.keys(builtInVariables({ executionId: '', accountId: '', region: '', partition: '', nowMs: 0 }));
  const known = (name: string): boolean => name in parameters || declaredOutputs.has(name) || builtIns.includes(name);
  for (const step of steps) {
    for (const target of targets(step)) {
      if (!names.includes(target)) throw new RunbookNotSupportedError(`step ${step.name} goes to ${target}, which is not a step`);
    }
    for (const name of referencedNames(step.inputs)) {
      if (!known(name)) throw new RunbookNotSupportedError(`step ${step.name} refers to {{ ${name} }}, which nothing defines`);
    }
  }
  if (document.assumeRole !== undefined) {
    for (const name of referencedNames(document.assumeRole)) {
      if (!known(name)) throw new RunbookNotSupportedError(`assumeRole refers to {{ ${name} }}, which nothing defines`);
    }
  }
  const outputs = (document.outputs ?? []) as unknown[];
  for (const output of outputs) {
    if (typeof output !== 'string' || !declaredOutputs.has(output)) {
      throw new RunbookNotSupportedError(`document output ${JSON.stringify(output)} is not a declared step output`);
    }
  }
  return {
    assumeRole: document.assumeRole === undefined ? undefined : String(document.assumeRole),
    parameters,
    outputs: outputs as string[],
    steps,
  };
}

/** Execution parameters after StartAutomationExecution's checks: supplied values typed, defaults filled in. */
function resolveParameters(
  specs: Runbook['parameters'],
  supplied: { [name: string]: string | string[] },
  warnings: string[],
): { [name: string]: unknown } {
  const resolved: { [name: string]: unknown } = {};
  for (const name of Object.keys(supplied)) {
    if (!specs[name]) throw new AutomationStartError(`parameter ${name} is not a parameter of the runbook`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    let value: unknown;
    if (name in supplied) {
      const raw = supplied[name];
      const list = Array.isArray(raw) ? raw : [raw];
      switch (spec.type) {
        case 'StringList':
          value = list;
          break;
        case 'String':
          if (list.length !== 1) throw new AutomationStartError(`parameter ${name} takes one value`);
          value = list[0];
          break;
        case 'Integer':
          if (list.length !== 1 || !/^-?\d+$/.test(list[0])) throw new AutomationStartError(`parameter ${name} must be an Integer`);
          value = Number(list[0]);
          break;
        case 'Boolean':
          if (list.length !== 1 || !/^(true|false)$/.test(list[0])) throw new AutomationStartError(`parameter ${name} must be true or false`);
          value = list[0] === 'true';
          break;
        default:
          value = list.map((item) => JSON.parse(item));
      }
    } else if (spec.default !== undefined) {
      value = spec.default;
      if (spec.type === 'String' && typeof value !== 'string') {
        // YAML read `default: 7` as a number. Whether SSM accepts that for a String parameter is
        // not established here, so say so instead of choosing silently.
        warnings.push(
          `parameter ${name} is type String but its default ${JSON.stringify(value)} is a YAML ${typeof value}; ` +
            'the rehearsal uses it as the string ' +
            JSON.stringify(String(value)) +
            ' (quote the default in the document to remove the doubt)',
        );
        value = String(value);
      }
    } else {
      throw new AutomationStartError(`parameter ${name} has no default and no value was supplied`);
    }
    if (spec.allowedValues && !spec.allowedValues.map(String).includes(String(value))) {
      throw new AutomationStartError(`parameter ${name}=${JSON.stringify(value)} is not one of its allowedValues`);
    }
    if (spec.allowedPattern && typeof value === 'string' && !new RegExp(spec.allowedPattern).test(value)) {
      throw new AutomationStartError(`parameter ${name}=${JSON.stringify(value)} does not match ${spec.allowedPattern}`);
    }
    resolved[name] = value;
  }
  return resolved;
}

/** ISO-8601 durations as aws:sleep takes them: PnDTnHnMnS (e.g. PT10M). */
export function parseIsoDuration(text: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new StepFailure(`Duration ${JSON.stringify(text)} is not an ISO-8601 duration`);
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Inputs as the timeline records them: the inline script's text is summarised, not repeated. */
function recordedInputs(step: Step, inputs: { [key: string]: unknown }): unknown {
  if (step.action !== 'aws:executeScript' || typeof inputs.Script !== 'string') return inputs;
  const lines = inputs.Script.split('\n').length;
  return { ...inputs, Script: `<inline script, ${lines} lines>` };
}

export class RunbookExecution {
  private readonly runbook: Runbook;
  private readonly api: AwsApiCaller;
  private readonly executionId: string;
  private readonly values = new Map<string, unknown>();
  private readonly warnings: string[] = [];
  private parameters: { [name: string]: unknown } = {};

  constructor(private readonly options: RunnerOptions) {
    this.runbook = parseRunbook(options.document);
    this.api = new AwsApiCaller(options.aws);
    this.executionId = options.executionId ?? randomUUID();
  }

  private lookup = (name: string): unknown => {
    if (name in this.parameters) return this.parameters[name];
    const builtIns = builtInVariables({
      executionId: this.executionId,
      accountId: this.options.accountId,
      region: this.options.region,
      partition: this.options.partition ?? 'aws',
      nowMs: this.options.clock.now(),
    });
    if (name in builtIns) return builtIns[name];
    if (this.values.has(name)) return this.values.get(name);
    const [stepName] = name.split('.');
    if (this.runbook.steps.some((step) => step.name === stepName)) {
      throw new VariableError(`{{ ${name} }}: step ${stepName} has not produced output ${name.slice(stepName.length + 1)}`);
    }
    throw new VariableError(`{{ ${name} }} is not a parameter, an output or an automation variable`);
  };

  async run(): Promise<ExecutionResult> {
    const { clock } = this.options;
    const startedAt = clock.now();
    this.parameters = resolveParameters(this.runbook.parameters, this.options.parameters ?? {}, this.warnings);
    const assumeRole = this.runbook.assumeRole === undefined ? undefined : String(substitute(this.runbook.assumeRole, this.lookup));
    if (assumeRole !== undefined && !ROLE_ARN.test(assumeRole)) {
      throw new AutomationStartError(`assumeRole resolves to ${JSON.stringify(assumeRole)}, which is not an IAM role ARN`);
    }

    const timeline: TimelineEntry[] = [];
    const steps = this.runbook.steps;
    const indexOf = (name: string): number => steps.findIndex((step) => step.name === name);
    const maxStepExecutions = this.options.maxStepExecutions ?? 2000;
    let status: ExecutionStatus = 'Success';
    let failureMessage: string | undefined;
    let failedStep: string | undefined;
    let cancelledAt: string | undefined;
    let index = 0;

    while (index < steps.length) {
      if (timeline.length >= maxStepExecutions) {
        status = 'Failed';
        failureMessage = `REHEARSAL GUARD: ${maxStepExecutions} step executions without reaching the end; the runbook loops (last step ${steps[index].name})`;
        failedStep = steps[index].name;
        break;
      }
      const step = steps[index];
      let cancelRequested = false;
      await this.options.beforeStep?.({
        executionId: this.executionId,
        step: step.name,
        clock,
        cancel: () => {
          cancelRequested = true;
        },
      });
      if (cancelRequested && cancelledAt === undefined) {
        // Cancelled while this step ran: it ends Cancelled, and only its onCancel step runs on.
        cancelledAt = step.name;
        const entry: TimelineEntry = {
          step: step.name,
          action: step.action,
          status: 'Cancelled',
          startedAt: iso(clock.now()),
          durationVirtual: 0,
          attempts: 1,
          inputs: undefined,
          outputs: {},
          error: 'the execution was cancelled',
        };
        timeline.push(entry);
        if (!step.onCancel.startsWith('step:')) break;
        entry.next = step.onCancel.slice('step:'.length);
        index = indexOf(entry.next);
        continue;
      }
      const entry = await this.runStep(step);
      timeline.push(entry);

      let next: string | 'END' | undefined;
      if (entry.status === 'Success') {
        next = step.isEnd ? 'END' : (entry.next ?? step.nextStep);
      } else {
        if (step.isCritical) {
          status = entry.status === 'TimedOut' ? 'TimedOut' : 'Failed';
          failureMessage = `Step ${step.name} ${entry.status === 'TimedOut' ? 'timed out' : 'failed'}: ${entry.error}`;
          failedStep = step.name;
        }
        if (step.onFailure === 'Abort') {
          if (!step.isCritical) {
            status = 'Failed';
            failureMessage = `Step ${step.name} failed: ${entry.error}`;
            failedStep = step.name;
          }
          break;
        }
        next = step.onFailure === 'Continue' ? (step.isEnd ? 'END' : step.nextStep) : step.onFailure.slice('step:'.length);
      }
      if (next === 'END') break;
      if (next !== undefined) {
        entry.next = next;
        index = indexOf(next);
      } else {
        index += 1;
        if (index < steps.length) entry.next = steps[index].name;
      }
    }

    if (cancelledAt !== undefined) {
      status = 'Cancelled';
      failureMessage = `Cancelled during step ${cancelledAt}${failureMessage ? `; then ${failureMessage}` : ''}`;
      failedStep = cancelledAt;
    }
    const outputs: { [name: string]: unknown } = {};
    for (const name of this.runbook.outputs) if (this.values.has(name)) outputs[name] = this.values.get(name);
    return {
      executionId: this.executionId,
      status,
      failureMessage,
      failedStep,
      outputs,
      timeline,
      assumeRole,
      parameters: this.parameters,
      startedAt: iso(startedAt),
      endedAt: iso(clock.now()),
      warnings: this.warnings,
    };
  }

  private async runStep(step: Step): Promise<TimelineEntry> {
    const { clock } = this.options;
    const started = clock.now();
    const entry: TimelineEntry = {
      step: step.name,
      action: step.action,
      status: 'Success',
      startedAt: iso(started),
      durationVirtual: 0,
      attempts: 0,
      inputs: undefined,
      outputs: {},
    };
    const logs: string[] = [];
    for (let attempt = 1; attempt <= step.maxAttempts; attempt += 1) {
      entry.attempts = attempt;
      try {
        const inputs = substitute(step.inputs, this.lookup) as { [key: string]: unknown };
        entry.inputs = recordedInputs(step, inputs);
        const result = await this.runAction(step, inputs);
        if (result.log) logs.push(result.log);
        entry.outputs = this.takeOutputs(step, result.response);
        if (step.action === 'aws:invokeLambdaFunction') entry.outputs = { Payload: this.values.get(`${step.name}.Payload`) };
        entry.next = result.next;
        entry.status = 'Success';
        entry.error = undefined;
        break;
      } catch (error) {
        // The rehearsal's own limits and breakdowns are not the runbook's failures: let them surface as such.
        if (error instanceof RunbookNotSupportedError || error instanceof HarnessError) throw error;
        const failure = error instanceof StepFailure ? error : new StepFailure((error as Error).message);
        if (failure.log) logs.push(failure.log);
        entry.status = failure.timedOut ? 'TimedOut' : 'Failed';
        entry.error = failure.message;
      }
    }
    if (logs.length > 0) entry.log = logs.join('\n');
    entry.durationVirtual = Math.round(clock.now() - started) / 1000;
    return entry;
  }

  /** Applies the step's output selectors and types; the values become `{{ Step.Name }}`. */
  private takeOutputs(step: Step, response: unknown): { [name: string]: unknown } {
    const outputs: { [name: string]: unknown } = {};
    for (const output of step.outputs) {
      const selected = selectJsonPath(response, output.Selector);
      if (!selected.found) {
        // Automation leaves such an output unset; a later reference to it then fails the step that uses it.
        this.values.delete(`${step.name}.${output.Name}`);
        this.warnings.push(`step ${step.name}: selector ${output.Selector} of output ${output.Name} matched nothing`);
        continue;
      }
      try {
        outputs[output.Name] = convertOutput(`${step.name}.${output.Name}`, selected.value, output.Type);
      } catch (error) {
        throw new StepFailure((error as Error).message);
      }
    }
    for (const [name, value] of Object.entries(outputs)) this.values.set(`${step.name}.${name}`, value);
    return outputs;
  }

  private async runAction(step: Step, inputs: { [key: string]: unknown }): Promise<{ response?: unknown; next?: string; log?: string }> {
    switch (step.action) {
      case 'aws:sleep':
        await this.sleep(step, inputs);
        return {};
      case 'aws:branch':
        return { next: chooseNextStep(inputs, this.lookup) };
      case 'aws:executeAwsApi':
        return { response: await this.callApi(inputs, ['Service', 'Api']) };
      case 'aws:waitForAwsResourceProperty':
        await this.waitForProperty(step, inputs);
        return {};
      case 'aws:executeScript':
        return this.executeScript(step, inputs);
      case 'aws:invokeLambdaFunction':
        return this.invokeLambda(step, inputs);
      default:
        throw new RunbookNotSupportedError(`action ${step.action} is not implemented by the runner`);
    }
  }

  private async sleep(step: Step, inputs: { [key: string]: unknown }): Promise<void> {
    const { clock } = this.options;
    let seconds: number;
    if (inputs.Duration !== undefined) seconds = parseIsoDuration(String(inputs.Duration));
    else {
      const until = Date.parse(String(inputs.Timestamp));
      if (Number.isNaN(until)) throw new StepFailure(`Timestamp ${JSON.stringify(inputs.Timestamp)} is not ISO-8601`);
      seconds = Math.max(0, (until - clock.now()) / 1000);
    }
    if (seconds > SLEEP_MAX_SECONDS) throw new StepFailure(`aws:sleep of ${seconds} s exceeds the 7-day maximum`);
    if (step.timeoutSeconds !== undefined && seconds > step.timeoutSeconds) {
      await clock.advanceBy(step.timeoutSeconds * 1000);
      throw new StepFailure(`sleep of ${seconds} s exceeds timeoutSeconds ${step.timeoutSeconds}`, true);
    }
    await clock.advanceBy(seconds * 1000);
  }

  private async callApi(inputs: { [key: string]: unknown }, reserved: string[]): Promise<unknown> {
    const service = String(inputs.Service).toLowerCase();
    const api = String(inputs.Api);
    const request = Object.fromEntries(Object.entries(inputs).filter(([key]) => !reserved.includes(key)));
    try {
      return await this.api.call(service, api, request, this.options.region);
    } catch (error) {
      const err = error as Error;
      throw new StepFailure(`${service}:${api} failed: ${err.name}: ${err.message}`);
    }
  }

  private async waitForProperty(step: Step, inputs: { [key: string]: unknown }): Promise<void> {
    const { clock } = this.options;
    const timeoutMs = (step.timeoutSeconds ?? WAIT_DEFAULT_TIMEOUT_SECONDS) * 1000;
    const intervalMs = (this.options.pollIntervalSeconds ?? 30) * 1000;
    const desired = inputs.DesiredValues;
    if (!Array.isArray(desired) || desired.length === 0) throw new StepFailure('DesiredValues must be a non-empty list');
    const selector = String(inputs.PropertySelector);
    const started = clock.now();
    let last = 'no value';
    for (;;) {
      const response = await this.callApi(inputs, ['Service', 'Api', 'PropertySelector', 'DesiredValues']);
      const selected = selectJsonPath(response, selector);
      if (selected.found) {
        last = JSON.stringify(selected.value);
        if (desired.map(String).includes(String(selected.value))) return;
      }
      if (clock.now() + intervalMs - started > timeoutMs) {
        await clock.advanceTo(started + timeoutMs);
        throw new StepFailure(
          `${selector} was ${last}, not one of ${JSON.stringify(desired)}, after ${timeoutMs / 1000} s`,
          true,
        );
      }
      await clock.advanceBy(intervalMs);
    }
  }

  private async executeScript(step: Step, inputs: { [key: string]: unknown }): Promise<{ response: unknown; log?: string }> {
    const { clock, aws } = this.options;
    if (inputs.Runtime !== SUPPORTED_SCRIPT_RUNTIME) {
      throw new RunbookNotSupportedError(
        `step ${step.name}: Runtime ${String(inputs.Runtime)}; the rehearsal runs ${SUPPORTED_SCRIPT_RUNTIME} (the project's .venv) only`,
      );
    }
    const timeoutSeconds = Math.min(step.timeoutSeconds ?? SCRIPT_MAX_SECONDS, SCRIPT_MAX_SECONDS);
    const outcome: ScriptOutcome = await runScript(
      {
        script: String(inputs.Script),
        handler: String(inputs.Handler),
        payload: inputs.InputPayload ?? {},
        clockNowSeconds: clock.nowSeconds,
        timeoutSeconds,
        clockControlUrl: this.options.clockControlUrl,
      },
      {
        endpoint: aws.endpoint,
        region: this.options.region,
        accessKeyId: aws.credentials.accessKeyId,
        secretAccessKey: aws.credentials.secretAccessKey,
      },
      timeoutSeconds * 1000,
    );
    await clock.advanceTo(outcome.nowSeconds * 1000);
    if (outcome.kind === 'timedOut') {
      throw new StepFailure(`the script ran past timeoutSeconds ${timeoutSeconds}`, true, outcome.log || undefined);
    }
    if (outcome.kind === 'raised') {
      throw new StepFailure(`${outcome.type}: ${outcome.message}`, false, [outcome.log, outcome.traceback].filter(Boolean).join('\n'));
    }
    const bytes = Buffer.byteLength(JSON.stringify(outcome.payload));
    if (bytes > PAYLOAD_MAX_BYTES) {
      throw new StepFailure(`the script returned ${bytes} bytes; aws:executeScript's Payload is at most ${PAYLOAD_MAX_BYTES}`);
    }
    return { response: { Payload: outcome.payload }, log: outcome.log || undefined };
  }

  private async invokeLambda(step: Step, inputs: { [key: string]: unknown }): Promise<{ log?: string }> {
    if (!this.options.invokeLambda) throw new RunbookNotSupportedError(`step ${step.name}: no Lambda invoker was given to the runner`);
    const outcome = await this.options.invokeLambda({
      functionName: String(inputs.FunctionName),
      payload: inputs.InputPayload ?? {},
      nowMs: this.options.clock.now(),
      timeoutSeconds: Math.min(step.timeoutSeconds ?? INVOKE_MAX_SECONDS, INVOKE_MAX_SECONDS),
    });
    if (outcome.kind === 'raised') {
      // A function error (FunctionError: Unhandled) fails the step with the function's message.
      throw new StepFailure(`${outcome.errorType}: ${outcome.errorMessage}`, false, outcome.log || undefined);
    }
    this.values.set(`${step.name}.StatusCode`, 200);
    this.values.set(`${step.name}.Payload`, JSON.stringify(outcome.payload));
    return { log: outcome.log || undefined };
  }
}

export async function runRunbook(options: RunnerOptions): Promise<ExecutionResult> {
  const role = options.iamRole;
  if (!role) return new RunbookExecution(options).run();
  const endpoint = options.aws.endpoint;
  const since = (await recordedRequests(endpoint)).length;
  const credentials = role.credentials ?? { accessKeyId: roleAccessKeyId(role.name), secretAccessKey: 'rehearsal' };
  // Invoke never reaches moto (the invoker runs the code): the role's lambda:InvokeFunction is checked from here.
  const invoked = new Set<string>();
  const invokeLambda: LambdaInvoker | undefined =
    options.invokeLambda && ((request) => (invoked.add(request.functionName), options.invokeLambda!(request)));
  const result = await new RunbookExecution({ ...options, invokeLambda, aws: { ...options.aws, credentials } }).run();
  await assertCallsAllowed(endpoint, role, options.accountId, since, [...invoked].map((name) => invokeRequest(name, options.region)));
  return result;
}
