/**
 * Parameters of the recovery stack and how the console presents them. The
 * first group identifies the copies and is a copy-paste from the source
 * stack's RecoveryStackParameters output; everything else has a default.
 */
import { CfnParameter, CfnValue } from '../cfn';
import { DEFAULTS as SOURCE_DEFAULTS, parameters as sourceParameters, PARAM } from '../parameters';
import { RECOVERY_PARAM } from '../../custom-resource/recovery-contract';

export const RECOVERY_DEFAULTS = {
  sourceSchedule: SOURCE_DEFAULTS.schedule,
  copyTimeoutHours: SOURCE_DEFAULTS.copyTimeoutHours,
  /** Burstable and the smallest class both Aurora engines offer on current versions. */
  drillInstanceClass: 'db.t4g.medium',
  /** Weekly, Sunday 05:00 UTC: two hours after the default copy run starts. */
  drillSchedule: 'cron(0 5 ? * SUN *)',
  maxCopyAgeHours: 0,
  dashboard: 'true',
};

const SCHEDULE_PATTERN = '(cron\\([^()]+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))';

export const recoveryParameters: { [name: string]: CfnParameter } = {
  [RECOVERY_PARAM.cluster]: {
    ...sourceParameters[PARAM.cluster],
    Description:
      'Identifier of the protected Aurora cluster in the source Region (its copies carry it). Copy it from the source stack output RecoveryStackParameters.',
  },
  [RECOVERY_PARAM.sourceStackId]: {
    Type: 'String',
    Description:
      'ARN of the source stack (the one that makes the copies): its copies carry it as their ownership tag. Copy it from the source stack output RecoveryStackParameters.',
    AllowedPattern: '^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]*/[0-9a-f-]+$',
    ConstraintDescription:
      'must be a CloudFormation stack ARN such as arn:aws:cloudformation:us-east-1:111122223333:stack/aurora-dr/0a1b2c3d-... (the stack id, not its name).',
  },
  [RECOVERY_PARAM.kmsKey]: {
    ...sourceParameters[PARAM.kmsKey],
    Description:
      "KMS key of this Region that encrypts the copies, and so the restored clusters: the source stack's KMSTargetKey (its output TargetKeyArn).",
  },
  [RECOVERY_PARAM.subnetGroup]: {
    Type: 'String',
    Description: 'DB subnet group of this Region that restored clusters are placed in.',
    AllowedPattern: '^[a-zA-Z0-9 ._-]{1,255}$',
    ConstraintDescription: 'must be the name of a DB subnet group (letters, digits, spaces, periods, underscores, hyphens).',
  },
  [RECOVERY_PARAM.securityGroups]: {
    Type: 'String',
    Description:
      'Comma-separated VPC security group ids for restored clusters, all in the VPC of the subnet group, for example sg-0123456789abcdef0.',
    AllowedPattern: '^sg-[0-9a-f]{8,17}(,sg-[0-9a-f]{8,17})*$',
    ConstraintDescription: 'must be one or more security group ids separated by commas, no spaces: sg-0123456789abcdef0,sg-...',
  },
  [RECOVERY_PARAM.drillInstanceClass]: {
    Type: 'String',
    Description:
      "Instance class of a drill's writer, and the default class of a restore. A drill costs this class's instance-hours while it runs.",
    Default: RECOVERY_DEFAULTS.drillInstanceClass,
    AllowedPattern: '^db\\.[a-z0-9]+\\.[a-z0-9]+$',
    ConstraintDescription: 'must be a DB instance class such as db.t4g.medium or db.r7g.large.',
  },
  [RECOVERY_PARAM.drillSchedule]: {
    Type: 'String',
    Description:
      'When to run a restore drill, as an EventBridge schedule expression in UTC. Leave empty to turn drills off. Default: Sundays 05:00 UTC.',
    Default: RECOVERY_DEFAULTS.drillSchedule,
    AllowedPattern: `^(|${SCHEDULE_PATTERN})$`,
    ConstraintDescription: 'must be empty or an EventBridge schedule expression such as cron(0 5 ? * SUN *) or rate(7 days).',
  },
  [RECOVERY_PARAM.sourceSchedule]: {
    Type: 'String',
    Description: "The source stack's ScheduleExpression: how often a new copy should arrive.",
    Default: RECOVERY_DEFAULTS.sourceSchedule,
    AllowedPattern: `^${SCHEDULE_PATTERN}$`,
    ConstraintDescription: 'must be an EventBridge schedule expression such as cron(0 3 * * ? *) or rate(1 day).',
  },
  [RECOVERY_PARAM.copyTimeout]: {
    ...sourceParameters[PARAM.copyTimeout],
    Description: "The source stack's CopyTimeoutHours: how long a copy may take to land.",
    Default: RECOVERY_DEFAULTS.copyTimeoutHours,
  },
  [RECOVERY_PARAM.maxCopyAge]: {
    Type: 'Number',
    Description:
      'Hours the newest copy may age before the stack alarms; 0 computes it from the source schedule and copy timeout.',
    Default: RECOVERY_DEFAULTS.maxCopyAgeHours,
    MinValue: 0,
    MaxValue: 2160,
    ConstraintDescription: 'must be a whole number of hours from 0 (computed) to 2160.',
  },
  [RECOVERY_PARAM.dashboard]: {
    Type: 'String',
    Description: 'Whether to create a CloudWatch dashboard of copy age, drill RTO and RPO.',
    Default: RECOVERY_DEFAULTS.dashboard,
    AllowedValues: ['true', 'false'],
  },
  [RECOVERY_PARAM.alertEmail]: {
    ...sourceParameters[PARAM.alertEmail],
    Description:
      'Optional e-mail address alerted when a drill or restore fails and when copies stop arriving. Leave empty to subscribe to the topic yourself.',
  },
};

/** Console layout: the copy-paste group first, then the network, drills, copy age and alerts. */
export const recoveryParameterInterface: CfnValue = {
  ParameterGroups: [
    {
      Label: { default: 'Copies to restore (paste from the source stack output RecoveryStackParameters)' },
      Parameters: [
        RECOVERY_PARAM.sourceStackId,
        RECOVERY_PARAM.cluster,
        RECOVERY_PARAM.kmsKey,
        RECOVERY_PARAM.sourceSchedule,
        RECOVERY_PARAM.copyTimeout,
      ],
    },
    {
      Label: { default: 'Network of restored clusters (required)' },
      Parameters: [RECOVERY_PARAM.subnetGroup, RECOVERY_PARAM.securityGroups],
    },
    {
      Label: { default: 'Restore drills' },
      Parameters: [RECOVERY_PARAM.drillSchedule, RECOVERY_PARAM.drillInstanceClass],
    },
    {
      Label: { default: 'Copy age and alerts' },
      Parameters: [RECOVERY_PARAM.maxCopyAge, RECOVERY_PARAM.dashboard, RECOVERY_PARAM.alertEmail],
    },
  ],
  ParameterLabels: {
    [RECOVERY_PARAM.sourceStackId]: { default: 'Source stack ARN' },
    [RECOVERY_PARAM.cluster]: { default: 'Protected Aurora cluster identifier' },
    [RECOVERY_PARAM.kmsKey]: { default: 'KMS key of the copies (this Region)' },
    [RECOVERY_PARAM.sourceSchedule]: { default: 'Source schedule (UTC)' },
    [RECOVERY_PARAM.copyTimeout]: { default: 'Source copy timeout (hours)' },
    [RECOVERY_PARAM.subnetGroup]: { default: 'DB subnet group' },
    [RECOVERY_PARAM.securityGroups]: { default: 'VPC security group ids' },
    [RECOVERY_PARAM.drillSchedule]: { default: 'Drill schedule (UTC, empty = no drills)' },
    [RECOVERY_PARAM.drillInstanceClass]: { default: 'Drill instance class' },
    [RECOVERY_PARAM.maxCopyAge]: { default: 'Maximum copy age (hours, 0 = computed)' },
    [RECOVERY_PARAM.dashboard]: { default: 'Create dashboard' },
    [RECOVERY_PARAM.alertEmail]: { default: 'Alert e-mail (optional)' },
  },
};
