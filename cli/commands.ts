/**
 * Every command and flag of `aurora-snapshot-dr`, in one table. The parser and
 * the help text are both derived from it, so a flag cannot exist without help.
 */
import { DEFAULTS, PARAM, parameters } from '../generator/parameters';

export const PROGRAM = 'aurora-snapshot-dr';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. REGION. */
  value?: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  /** As typed: `deploy`, `stackset deploy`, `status`. */
  name: string;
  summary: string;
  description: string;
  flags: FlagSpec[];
  examples: string[];
}

/** Flags every command takes: where the credentials and the Region come from. */
const REGION_FLAG: FlagSpec = {
  name: 'region',
  type: 'string',
  value: 'REGION',
  description:
    'AWS Region to call. Default: the SDK chain (AWS_REGION, then the profile\'s region in ~/.aws/config).',
};
const PROFILE_FLAG: FlagSpec = {
  name: 'profile',
  type: 'string',
  value: 'NAME',
  description:
    'Named profile of ~/.aws/config and ~/.aws/credentials (SSO, assume-role and credential_process profiles work). Default: the SDK chain (AWS_PROFILE, environment variables, default profile, instance or container role).',
};
const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', description: 'Show this help and exit.' };

const TEMPLATE_FLAG: FlagSpec = {
  name: 'template',
  type: 'string',
  value: 'FILE',
  description:
    'Template to deploy, YAML or JSON, sent as TemplateBody (at most 51,200 bytes). Default: templates/aurora-snapshot-dr.yaml of this package.',
};

/** A stack parameter set by a flag of `deploy`. */
export interface ParameterFlag {
  flag: string;
  parameter: string;
  value: string;
  required: boolean;
}

/** Flags of `deploy` that set stack parameters, in the order of the console's parameter groups. */
export const PARAMETER_FLAGS: ParameterFlag[] = [
  { flag: 'cluster', parameter: PARAM.cluster, value: 'ID', required: true },
  { flag: 'source-region', parameter: PARAM.sourceRegion, value: 'REGION', required: true },
  { flag: 'target-region', parameter: PARAM.targetRegion, value: 'REGION', required: true },
  { flag: 'kms-key', parameter: PARAM.kmsKey, value: 'KEY', required: true },
  { flag: 'schedule', parameter: PARAM.schedule, value: 'EXPR', required: false },
  { flag: 'source-retention-days', parameter: PARAM.sourceRetention, value: 'DAYS', required: false },
  { flag: 'target-retention-days', parameter: PARAM.targetRetention, value: 'DAYS', required: false },
  { flag: 'copy-timeout-hours', parameter: PARAM.copyTimeout, value: 'HOURS', required: false },
  { flag: 'alert-email', parameter: PARAM.alertEmail, value: 'ADDRESS', required: false },
];

/** Help for a parameter flag: the template's own description, so the CLI and the console say the same thing. */
function parameterFlagSpec(p: ParameterFlag): FlagSpec {
  const definition = parameters[p.parameter];
  const tail = p.required
    ? ` Sets ${p.parameter}.`
    : ` Sets ${p.parameter}; on create the template's default (${definition.Default === '' ? 'empty' : definition.Default}) applies, on update the stack's current value is kept.`;
  return { name: p.flag, type: 'string', value: p.value, required: p.required, description: `${definition.Description}${tail}` };
}

export const DEPLOY: CommandSpec = {
  name: 'deploy',
  summary: 'Create the stack, or update it when it exists, and wait for the result.',
  description:
    'Creates the stack from the template, or updates it when it exists ("no updates to perform" counts as success), with CAPABILITY_IAM. ' +
    'Prints one line per stack event while it waits. On failure it prints the first resource that failed and its reason, as CloudFormation reports it, and exits 1. ' +
    'The stack must live in the cluster\'s Region: it is deployed in --source-region, and a different --region is refused. ' +
    'A stack left in ROLLBACK_COMPLETE by a failed first create cannot be updated; deploy says how to delete it, or deletes and recreates it with --replace-failed.',
  flags: [
    { name: 'stack-name', type: 'string', value: 'NAME', required: true, description: 'Name of the stack to create or update.' },
    ...PARAMETER_FLAGS.map(parameterFlagSpec),
    TEMPLATE_FLAG,
    {
      name: 'replace-failed',
      type: 'boolean',
      description:
        'When the stack is in ROLLBACK_COMPLETE (its first create failed, so it holds no resources), delete it and create it again.',
    },
    {
      name: 'no-wait',
      type: 'boolean',
      description: 'Start the create or update and exit 0 without waiting for it to finish.',
    },
    {
      name: 'timeout',
      type: 'string',
      value: 'MINUTES',
      description:
        'Stop waiting after this many minutes (1-1440) and exit 1; the stack operation goes on in CloudFormation. Default: wait until it ends. ' +
        'While waiting, a line says so whenever a minute passes with no new event; Ctrl-C stops watching and says how to follow the operation.',
    },
    { ...REGION_FLAG, description: 'Region of the stack. Default and only accepted value: --source-region.' },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} deploy --stack-name orders-prod-dr --cluster orders-prod --source-region us-east-1 --target-region us-west-2 --kms-key alias/dr-snapshots --alert-email dba-team@example.com`,
    `${PROGRAM} deploy --profile prod --stack-name orders-prod-dr --cluster orders-prod --source-region us-east-1 --target-region us-west-2 --kms-key alias/dr-snapshots --schedule "rate(12 hours)"`,
  ],
};

export const STACKSET_DEPLOY: CommandSpec = {
  name: 'stackset deploy',
  summary: 'Create or update a stack set and its instances across accounts and Regions, then show every instance.',
  description:
    'Creates the stack set, or updates it (template and parameters) when it exists, then adds or updates one stack instance per account and Region with the values of the parameters file. ' +
    'Each instance is deployed in one of --regions, and that Region becomes its SourceRegion: list the Regions where the clusters are. ' +
    'Instances are created one operation per account and Region, because each carries its own parameter values; a new stack set uses managed execution so CloudFormation runs them concurrently. ' +
    'Waits with one line per finished instance and ends with a table of every instance of the stack set. Exits 1 when any instance is not CURRENT.',
  flags: [
    { name: 'stack-set-name', type: 'string', value: 'NAME', required: true, description: 'Name of the stack set to create or update.' },
    {
      name: 'parameters-file',
      type: 'string',
      value: 'FILE',
      required: true,
      description:
        'JSON file with the parameter values: {"defaults": {...}, "accounts": {"111111111111": {...}}}. Keys are template parameter names; SourceRegion is not allowed (it is each instance\'s Region). See "stackset deploy" in docs/cli.md.',
    },
    {
      name: 'permission-model',
      type: 'string',
      value: 'MODEL',
      description:
        'SELF_MANAGED (default: you created the administration and execution roles) or SERVICE_MANAGED (AWS Organizations; targets organizational units).',
    },
    {
      name: 'accounts',
      type: 'string',
      value: 'IDS',
      description:
        'Comma-separated 12-digit account ids to deploy to (SELF_MANAGED). Default: every account of the parameters file.',
    },
    {
      name: 'organizational-units',
      type: 'string',
      value: 'IDS',
      description:
        'Comma-separated OU ids (ou-... or r-...) to deploy to (SERVICE_MANAGED). Accounts of the parameters file get their own values; the other accounts of the OUs get the defaults, only when the defaults name DBClusterIdentifier and KMSTargetKey.',
    },
    {
      name: 'regions',
      type: 'string',
      value: 'REGIONS',
      required: true,
      description: 'Comma-separated Regions of the clusters; each instance\'s Region is its SourceRegion.',
    },
    TEMPLATE_FLAG,
    {
      name: 'administration-role-arn',
      type: 'string',
      value: 'ARN',
      description: 'SELF_MANAGED only: administration role. Default: AWSCloudFormationStackSetAdministrationRole of this account.',
    },
    {
      name: 'execution-role-name',
      type: 'string',
      value: 'NAME',
      description: 'SELF_MANAGED only: execution role name in the target accounts. Default: AWSCloudFormationStackSetExecutionRole.',
    },
    {
      name: 'call-as',
      type: 'string',
      value: 'SELF|DELEGATED_ADMIN',
      description: 'SERVICE_MANAGED only: DELEGATED_ADMIN when you call from a delegated administrator account. Default: SELF.',
    },
    {
      name: 'max-concurrent-percentage',
      type: 'string',
      value: 'N',
      description: 'Operation preference: percentage of accounts (1-100) deployed at once per Region. Not with --max-concurrent-count.',
    },
    {
      name: 'max-concurrent-count',
      type: 'string',
      value: 'N',
      description: 'Operation preference: number of accounts deployed at once per Region (1 or more). Not with --max-concurrent-percentage.',
    },
    {
      name: 'failure-tolerance-percentage',
      type: 'string',
      value: 'N',
      description: 'Operation preference: percentage of accounts (0-100) per Region that may fail before the operation stops. Not with --failure-tolerance-count.',
    },
    {
      name: 'failure-tolerance-count',
      type: 'string',
      value: 'N',
      description: 'Operation preference: number of accounts per Region that may fail before the operation stops (0 or more). Not with --failure-tolerance-percentage.',
    },
    { ...REGION_FLAG, description: `${REGION_FLAG.description} The stack set itself lives there (its administrator Region).` },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} stackset deploy --stack-set-name aurora-snapshot-dr --region us-east-1 --regions us-east-1,eu-west-1 --parameters-file fleet.json --max-concurrent-percentage 25 --failure-tolerance-count 0`,
    `${PROGRAM} stackset deploy --stack-set-name aurora-snapshot-dr --permission-model SERVICE_MANAGED --organizational-units ou-ab12-cdef3456 --regions us-east-1 --parameters-file fleet.json`,
  ],
};

export const DEFAULT_EXECUTION_COUNT = 5;

export const STATUS: CommandSpec = {
  name: 'status',
  summary: 'Is my DR current? The last runs of the runbook and the newest copy in the target Region.',
  description:
    'Reads the stack\'s parameters and outputs, lists the last executions of its runbook (start, status, and for a failed run the failed step and its message), ' +
    'and finds the newest available copy this stack made in the target Region: the recovery point you have right now, with its age. ' +
    `The copy is STALE when it is older than the schedule allows: the longest gap between two scheduled runs, plus 2 hours for the source snapshot, plus CopyTimeoutHours (default ${DEFAULTS.copyTimeoutHours}). ` +
    'Exits 0 when the newest copy is current, 3 when it is stale or there is none, 1 when the stack cannot be read.',
  flags: [
    { name: 'stack-name', type: 'string', value: 'NAME', required: true, description: 'Name or ARN of the deployed stack.' },
    {
      name: 'executions',
      type: 'string',
      value: 'N',
      description: `How many of the most recent runs to show (1-50). Default: ${DEFAULT_EXECUTION_COUNT}.`,
    },
    { ...REGION_FLAG, description: `${REGION_FLAG.description} Use the Region of the stack (its SourceRegion).` },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [`${PROGRAM} status --stack-name orders-prod-dr --region us-east-1`],
};

export const COMMANDS: CommandSpec[] = [DEPLOY, STACKSET_DEPLOY, STATUS];

/** Exit codes, the same for every command. */
export const EXIT = {
  ok: 0,
  /** The operation failed or AWS refused a call. */
  failed: 1,
  /** Bad input: nothing was sent to AWS. */
  usage: 2,
  /** status: the newest copy in the target Region is older than the schedule allows, or there is none. */
  stale: 3,
} as const;
