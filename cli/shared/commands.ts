/**
 * Every command and flag of `aurora-snapshot-dr`, in one table. The parser and
 * the help text are both derived from it, so a flag cannot exist without help.
 */
import { DEFAULTS, PARAM, parameters } from '../../generator/dr/parameters';

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

/** --timeout of a command whose wait is on `what`, which goes on without it. */
const timeoutFlag = (what: string, follow: string): FlagSpec => ({
  name: 'timeout',
  type: 'string',
  value: 'MINUTES',
  description: `Stop waiting after this many minutes (1-1440) and exit 1; ${what} goes on. Default: wait until it ends. On a timeout, as on Ctrl-C, it prints ${follow}.`,
});

const TEMPLATE_FLAG: FlagSpec = {
  name: 'template',
  type: 'string',
  value: 'FILE',
  description:
    'Template to deploy, YAML or JSON, sent as TemplateBody (at most 51,200 bytes). Default: templates/aurora-snapshot-dr.yaml of this package.',
};

/** Flags of `deploy` and `deploy-recovery` for an update that changes what the stack protects. */
export const REPOINT_FLAGS: FlagSpec[] = [
  {
    name: 'allow-repoint',
    type: 'boolean',
    description:
      'Let an update change what the stack protects: the cluster, the TargetRegion or the KMS key of a DR stack; the cluster, the SourceStackId or the KMS key of a recovery stack. ' +
      'Without it such an update is refused. With it, deploy first makes a CloudFormation change set, shows what will be added, modified, removed and replaced, and executes it only on a yes typed on the terminal or --yes; otherwise it deletes the change set.',
  },
  { name: 'yes', type: 'boolean', description: 'With --allow-repoint: execute the change set shown without asking (for scripts).' },
];

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
  { flag: 'vault-account', parameter: PARAM.vaultAccount, value: 'ID', required: false },
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
    'A stack left in ROLLBACK_COMPLETE by a failed first create cannot be updated; deploy says how to delete it, or deletes and recreates it with --replace-failed. ' +
    'It refuses, before any change, a stack that is not this product\'s or is another of its stacks (a recovery stack, say), and an update that changes the cluster, TargetRegion or KMS key unless --allow-repoint is given.',
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
    ...REPOINT_FLAGS,
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
    {
      name: 'recovery',
      type: 'boolean',
      description:
        'Deploy the recovery stack (templates/aurora-snapshot-dr-recovery.yaml) instead: --regions are then the disaster-recovery Regions, and the parameters file gives its parameters (SourceStackId, DBClusterIdentifier, KMSTargetKey, DBSubnetGroupName, VpcSecurityGroupIds, ...). See docs/recovery.md.',
    },
    {
      name: 'vault',
      type: 'boolean',
      description:
        'Deploy the vault stack (templates/aurora-snapshot-dr-vault.yaml) instead, to the vault account: --regions are then the DR Regions, and the parameters file gives VaultKmsKey and ProtectedClusters. See docs/vault.md.',
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
    timeoutFlag('each stack set operation started', 'how to follow them'),
    { ...REGION_FLAG, description: `${REGION_FLAG.description} The stack set itself lives there (its administrator Region).` },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} stackset deploy --stack-set-name aurora-snapshot-dr --region us-east-1 --regions us-east-1,eu-west-1 --parameters-file fleet.json --max-concurrent-percentage 25 --failure-tolerance-count 0`,
    `${PROGRAM} stackset deploy --stack-set-name aurora-snapshot-dr --permission-model SERVICE_MANAGED --organizational-units ou-ab12-cdef3456 --regions us-east-1 --parameters-file fleet.json`,
    `${PROGRAM} stackset deploy --recovery --stack-set-name aurora-snapshot-dr-recovery --region us-east-1 --regions us-west-2 --parameters-file recovery-fleet.json`,
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
    'In the target Region it also shows each recovery stack that watches this stack: its copy-age alarm, its worst-case RPO and its last drill (docs/alarms.md). ' +
    'Given a recovery stack (in its own Region), it shows the same from that Region alone, with the newest copy there: the view for the day the source Region is down. ' +
    'Exits 0 when the newest copy is current, 3 when it is stale or there is none (or the copy-age alarm is in ALARM, or the last drill failed), 1 when the stack or a part of the report cannot be read.',
  flags: [
    { name: 'stack-name', type: 'string', value: 'NAME', required: true, description: 'Name or ARN of the deployed stack.' },
    {
      name: 'executions',
      type: 'string',
      value: 'N',
      description: `How many of the most recent runs to show (1-50). Default: ${DEFAULT_EXECUTION_COUNT}.`,
    },
    { ...REGION_FLAG, description: `${REGION_FLAG.description} Use the Region of the stack (a source stack's SourceRegion, a recovery stack's DR Region).` },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [`${PROGRAM} status --stack-name orders-prod-dr --region us-east-1`, `${PROGRAM} status --stack-name orders-prod-dr-recovery --region us-west-2`],
};

const RECOVERY_STACK_FLAG: FlagSpec = {
  name: 'stack-name',
  type: 'string',
  value: 'NAME',
  required: true,
  description: 'Name or ARN of the recovery stack (templates/aurora-snapshot-dr-recovery.yaml), in the disaster-recovery Region.',
};
const NO_WAIT_FLAG: FlagSpec = {
  name: 'no-wait',
  type: 'boolean',
  description: 'Start the run, print its execution id and exit 0 without following it.',
};
const RUN_TIMEOUT_FLAG = timeoutFlag('the run (in Systems Manager)', 'the commands that follow and stop it');
const RECOVERY_REGION_FLAG: FlagSpec = {
  ...REGION_FLAG,
  description: `${REGION_FLAG.description} Use the Region of the recovery stack: the disaster-recovery Region.`,
};

export const RESTORE: CommandSpec = {
  name: 'restore',
  summary: 'Restore the newest copy into a new cluster in the DR Region, follow it, print endpoint, recovery point and RTO.',
  description:
    "Starts the recovery stack's runbook with Kind=restore: it restores the newest available copy of the protected cluster (or --snapshot) into a new cluster named after the source (or --cluster-name), " +
    "encrypted with the target key, in the stack's subnet group and security groups, adds the writer, and waits until both are available. " +
    'Prints each step as it runs, then the writer endpoint, the recovery point (the age of the copy restored) and the measured restore time. ' +
    'Before it starts anything it shows the writer class and asks for confirmation (--instance-class or --yes skip the question), and it refuses to start while another restore of the same stack is in progress (--allow-concurrent overrides). ' +
    'The restored cluster has deletion protection on and is yours: nothing in this project deletes it. Exits 1 when the restore fails, with the failed step and its message.',
  flags: [
    RECOVERY_STACK_FLAG,
    { name: 'snapshot', type: 'string', value: 'ID', description: 'Copy to restore, by identifier or ARN. Default: the newest available copy.' },
    {
      name: 'cluster-name',
      type: 'string',
      value: 'ID',
      description: "Identifier of the new cluster. Default: the source cluster's, with -restored-YYYYMMDDHHMM.",
    },
    {
      name: 'instance-class',
      type: 'string',
      value: 'CLASS',
      description:
        "Writer's instance class, e.g. db.r7g.2xlarge. Default: the writer class of the source cluster, captured with the copy; for a copy without one, the stack's DrillInstanceClass. " +
        'Without this flag the class is shown first and must be confirmed: y at the prompt on a terminal, or --yes.',
    },
    {
      name: 'readers',
      type: 'boolean',
      description:
        "Also add the source cluster's readers, of the classes captured with the copy, once the writer is available (Readers=source). " +
        'The run ends when they are available too. Default: the writer alone, the fastest way back.',
    },
    {
      name: 'yes',
      type: 'boolean',
      description: 'Confirm the default writer class without a prompt (scripts, no terminal).',
    },
    {
      name: 'allow-concurrent',
      type: 'boolean',
      description:
        'Start even while another restore of this recovery stack is in progress. Without it, restore names the running one, says how to follow it, and starts nothing.',
    },
    NO_WAIT_FLAG,
    RUN_TIMEOUT_FLAG,
    RECOVERY_REGION_FLAG,
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} restore --stack-name orders-prod-dr-recovery --region us-west-2`,
    `${PROGRAM} restore --stack-name orders-prod-dr-recovery --region us-west-2 --instance-class db.r7g.2xlarge --cluster-name orders-prod-restored`,
  ],
};

export const DRILL: CommandSpec = {
  name: 'drill',
  summary: 'Run a restore drill now: restore, verify, measure RTO and RPO, delete; print the verdict.',
  description:
    "Starts the recovery stack's runbook with Kind=drill, as its schedule does: it restores the newest copy into a throwaway cluster, verifies it (cluster and writer available, engine and version those of the snapshot), " +
    'publishes the measured restore time (RTO) and recovery point age (RPO) as CloudWatch metrics, and deletes the cluster and its writer, also when the drill fails. ' +
    'Prints each step, then the verdict and the figures. Exits 0 when the drill passed, 1 when it failed.',
  flags: [RECOVERY_STACK_FLAG, NO_WAIT_FLAG, RUN_TIMEOUT_FLAG, RECOVERY_REGION_FLAG, PROFILE_FLAG, HELP_FLAG],
  examples: [`${PROGRAM} drill --stack-name orders-prod-dr-recovery --region us-west-2`],
};

export const DEPLOY_RECOVERY: CommandSpec = {
  name: 'deploy-recovery',
  summary: 'Create or update the recovery stack in the DR Region, with the values the source stack already has.',
  description:
    "Reads the source stack's RecoveryStackParameters output and TargetRegion (DBClusterIdentifier, SourceStackId, the resolved KMS key, the schedule and copy timeout), " +
    'adds the network you give, and creates or updates the recovery stack in TargetRegion like deploy does, with the same progress and failure reporting. ' +
    "The recovery stack's preflight check fails the stack with a clear reason when the subnet group, security groups, instance class or key do not fit.",
  flags: [
    { name: 'source-stack', type: 'string', value: 'NAME', required: true, description: 'Name or ARN of the source stack (the one deploy created).' },
    { name: 'source-region', type: 'string', value: 'REGION', required: true, description: 'Region of the source stack: the cluster\'s Region.' },
    { name: 'subnet-group', type: 'string', value: 'NAME', required: true, description: 'DB subnet group of the DR Region for restored clusters. Sets DBSubnetGroupName.' },
    {
      name: 'security-groups',
      type: 'string',
      value: 'IDS',
      required: true,
      description: 'Comma-separated security group ids of that subnet group\'s VPC. Sets VpcSecurityGroupIds.',
    },
    { name: 'stack-name', type: 'string', value: 'NAME', description: 'Name of the recovery stack. Default: the source stack\'s name with -recovery.' },
    {
      name: 'drill-schedule',
      type: 'string',
      value: 'EXPR',
      description: "When drills run, as a schedule expression; \"\" turns drills off. Sets DrillScheduleExpression; on create the template's default (Sundays 05:00 UTC) applies.",
    },
    { name: 'drill-instance-class', type: 'string', value: 'CLASS', description: 'Sets DrillInstanceClass (default db.t4g.medium).' },
    {
      name: 'drill-validation-function',
      type: 'string',
      value: 'NAME',
      description: 'Sets DrillValidationFunction: a Lambda function here that each drill asks whether the cluster serves; "" for none.',
    },
    { name: 'alert-email', type: 'string', value: 'ADDRESS', description: 'Sets AlertEmail: failed drills and restores, copies that stop arriving.' },
    { ...TEMPLATE_FLAG, description: 'Template to deploy. Default: templates/aurora-snapshot-dr-recovery.yaml of this package.' },
    { name: 'replace-failed', type: 'boolean', description: 'As for deploy: delete a recovery stack in ROLLBACK_COMPLETE and create it again.' },
    ...REPOINT_FLAGS,
    { name: 'no-wait', type: 'boolean', description: 'Start the create or update and exit 0 without waiting for it to finish.' },
    timeoutFlag('the stack operation (in CloudFormation)', 'how to follow it'),
    { ...REGION_FLAG, description: "Region of the recovery stack. Default and only accepted value: the source stack's TargetRegion." },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} deploy-recovery --source-stack orders-prod-dr --source-region us-east-1 --subnet-group dr-private --security-groups sg-0123456789abcdef0`,
  ],
};

/** The vault stack (docs/vault.md), in the vault account and the DR Region. */
export const DEPLOY_VAULT: CommandSpec = {
  name: 'deploy-vault',
  summary: 'Create or update the vault stack in the vault account, in the DR Region.',
  description:
    'Creates or updates the vault stack (templates/aurora-snapshot-dr-vault.yaml) like deploy does, with the same progress and failure reporting. ' +
    'Run it with credentials of the vault account (--profile). The vault copies what the listed clusters\' DR stacks share with it (their VaultAccountId) under its own key, ' +
    "and keeps the copies by its own retention. The list, retention and schedule are checked here as the stack's preflight checks them.",
  flags: [
    { name: 'region', type: 'string', value: 'REGION', required: true, description: 'The DR Region: the TargetRegion of the DR stacks it protects.' },
    { name: 'kms-key', type: 'string', value: 'KEY', required: true, description: "Customer managed KMS key of the vault account in --region. Sets VaultKmsKey." },
    {
      name: 'protected-clusters',
      type: 'string',
      value: 'PAIRS',
      required: true,
      description: 'Comma-separated account:cluster pairs, e.g. 111122223333:orders-db,444455556666:billing. Sets ProtectedClusters.',
    },
    { name: 'stack-name', type: 'string', value: 'NAME', description: 'Name of the vault stack. Default: aurora-snapshot-dr-vault.' },
    { name: 'retention-days', type: 'string', value: 'DAYS', description: 'Sets RetentionDays (default 35).' },
    { name: 'minimum-copies', type: 'string', value: 'N', description: 'Sets MinimumCopiesPerCluster (default 3).' },
    { name: 'schedule', type: 'string', value: 'EXPR', description: 'Sets ScheduleExpression (default cron(0 6 * * ? *)).' },
    { name: 'alert-email', type: 'string', value: 'ADDRESS', description: 'Sets AlertEmail: failed vault runs, copies that stop arriving.' },
    { ...TEMPLATE_FLAG, description: 'Template to deploy. Default: templates/aurora-snapshot-dr-vault.yaml of this package.' },
    { name: 'replace-failed', type: 'boolean', description: 'As for deploy: delete a vault stack in ROLLBACK_COMPLETE and create it again.' },
    { name: 'no-wait', type: 'boolean', description: 'Start the create or update and exit 0 without waiting for it to finish.' },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} deploy-vault --profile vault --region us-west-2 --kms-key alias/vault --protected-clusters 111122223333:orders-prod,444455556666:billing`,
  ],
};

export const TEARDOWN: CommandSpec = {
  name: 'teardown',
  summary: 'Delete the recovery stacks and the DR stack of one cluster; with --delete-snapshots, its snapshots and copies too.',
  description:
    'Finds the recovery stacks that watch the DR stack (in its TargetRegion), shows what it will delete, asks for confirmation (or --yes), then deletes the recovery stacks first and the DR stack after them, following each to the end. ' +
    'Deleting a stack deletes no snapshot, and snapshots are billed for as long as they exist: with --delete-snapshots it then deletes the manual snapshots in the Region of the stack and the copies in the TargetRegion that carry the tag aurora-snapshot-dr:stack-id with the DR stack\'s ARN, and the configuration captured with each copy. ' +
    'Nothing else is deleted: not the cluster, not a restored cluster, not a snapshot without that tag. Exits 1 when a stack cannot be deleted (nothing after it is touched) or a snapshot is still being made.',
  flags: [
    { name: 'stack-name', type: 'string', value: 'NAME', required: true, description: 'Name or ARN of the DR stack (the one that makes the copies).' },
    {
      name: 'delete-snapshots',
      type: 'boolean',
      description: "Also delete the snapshots and copies carrying the DR stack's ownership tag, once both stacks are gone.",
    },
    { name: 'yes', type: 'boolean', description: 'Delete without asking (scripts, no terminal).' },
    timeoutFlag('the stack deletion (in CloudFormation)', 'how to follow it'),
    { ...REGION_FLAG, description: `${REGION_FLAG.description} Use the Region of the DR stack (its SourceRegion).` },
    PROFILE_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `${PROGRAM} teardown --stack-name orders-prod-dr --region us-east-1`,
    `${PROGRAM} teardown --stack-name orders-prod-dr --region us-east-1 --delete-snapshots --yes`,
  ],
};

export const COMMANDS: CommandSpec[] = [DEPLOY, STACKSET_DEPLOY, STATUS, DEPLOY_RECOVERY, DEPLOY_VAULT, RESTORE, DRILL, TEARDOWN];

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
