/**
 * Parameters of the recovery stack and how the console presents them. The
 * first group identifies the copies and is a copy-paste from the source
 * stack's RecoveryStackParameters output; everything else has a default.
 */
import { CfnParameter, CfnValue } from '../shared/cfn';
import { DEFAULTS as SOURCE_DEFAULTS, parameters as sourceParameters, PARAM } from '../dr/parameters';
import { RECOVERY_PARAM } from '../../custom-resource/recovery/contract';
import { STORED_CLUSTER_ID_PATTERN } from '../../custom-resource/dr/contract';

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

/** The source stack's parameter without MinLength, which the patterns below make redundant (each needs a character). */
const withoutMinLength = ({ MinLength: _none, ...parameter }: CfnParameter): CfnParameter => parameter;

export const recoveryParameters: { [name: string]: CfnParameter } = {
  [RECOVERY_PARAM.cluster]: {
    ...withoutMinLength(sourceParameters[PARAM.cluster]),
    Description:
      'Identifier of the protected Aurora cluster (in the source Region).',
    AllowedPattern: STORED_CLUSTER_ID_PATTERN,
    ConstraintDescription: "must be the source cluster's identifier: lowercase letters, digits, single hyphens.",
  },
  [RECOVERY_PARAM.sourceStackId]: {
    Type: 'String',
    Description:
      'Stack id (ARN) of the source stack, whose tag its copies carry.',
    AllowedPattern: '^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]*/[0-9a-f-]+$',
    ConstraintDescription: 'must be a stack ARN (arn:...:stack/NAME/ID), not a name.',
  },
  [RECOVERY_PARAM.kmsKey]: {
    ...withoutMinLength(sourceParameters[PARAM.kmsKey]),
    Description:
      'KMS key of this Region that encrypts the copies and the restored clusters.',
    // A looser form than the source stack's: the preflight resolves the key, and names it when it is not one.
    AllowedPattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:)?(key/|alias/)?[a-zA-Z0-9/_-]+$',
    ConstraintDescription: 'must be a key id, mrk- id, key ARN, alias/name or alias ARN.',
  },
  [RECOVERY_PARAM.subnetGroup]: {
    Type: 'String',
    Description: 'DB subnet group of restored clusters.',
    AllowedPattern: '^[a-zA-Z0-9 ._-]{1,255}$',
    ConstraintDescription: 'must be a DB subnet group name.',
  },
  [RECOVERY_PARAM.securityGroups]: {
    Type: 'String',
    Description: 'Security group ids of restored clusters, comma-separated, in the subnet group\'s VPC.',
    AllowedPattern: '^sg-[0-9a-f]{8,17}(,sg-[0-9a-f]{8,17})*$',
    ConstraintDescription: 'must be security group ids (sg-...) separated by commas.',
  },
  [RECOVERY_PARAM.drillInstanceClass]: {
    Type: 'String',
    Description: "Instance class of a drill's writer (and a restore's default).",
    Default: RECOVERY_DEFAULTS.drillInstanceClass,
    AllowedPattern: '^db\\.[a-z0-9]+\\.[a-z0-9]+$',
    ConstraintDescription: 'must be a DB instance class such as db.t4g.medium or db.r7g.large.',
  },
  [RECOVERY_PARAM.drillSchedule]: {
    Type: 'String',
    Description: 'When to run a restore drill (EventBridge schedule, UTC); empty: no drills.',
    Default: RECOVERY_DEFAULTS.drillSchedule,
    // Both schedules are judged by the preflight and the CLI with the one rule (custom-resource/shared/schedule.ts).
  },
  [RECOVERY_PARAM.drillValidation]: {
    Type: 'String',
    Description: 'Optional Lambda function (name) each drill asks to validate its cluster.',
    Default: '',
    AllowedPattern: '^[a-zA-Z0-9_-]{0,64}$',
    ConstraintDescription: 'must be empty or a function name.',
  },
  [RECOVERY_PARAM.sourceSchedule]: {
    Type: 'String',
    Description: "The source stack's ScheduleExpression.",
    Default: RECOVERY_DEFAULTS.sourceSchedule,
  },
  [RECOVERY_PARAM.copyTimeout]: {
    ...sourceParameters[PARAM.copyTimeout],
    Description: "The source stack's CopyTimeoutHours.",
    Default: RECOVERY_DEFAULTS.copyTimeoutHours,
  },
  [RECOVERY_PARAM.maxCopyAge]: {
    Type: 'Number',
    Description: 'Hours the newest copy may age before an alarm; 0: from the source schedule.',
    Default: RECOVERY_DEFAULTS.maxCopyAgeHours,
    MinValue: 0,
    MaxValue: 2160,
    ConstraintDescription: 'must be 0 to 2160 hours.',
  },
  [RECOVERY_PARAM.dashboard]: {
    Type: 'String',
    Description: 'Create a CloudWatch dashboard of copy age, RTO and RPO.',
    Default: RECOVERY_DEFAULTS.dashboard,
    AllowedValues: ['true', 'false'],
  },
  [RECOVERY_PARAM.alertEmail]: {
    ...sourceParameters[PARAM.alertEmail],
    Description: 'Optional e-mail for alerts: failed drills and restores, copies that stop arriving.',
  },
};

/**
 * Console layout: the copy-paste group first, then the network, drills, copy age and alerts. No labels: the console
 * shows the names the source stack's RecoveryStackParameters output pairs with values, and the bytes go to the restore.
 */
export const recoveryParameterInterface: CfnValue = {
  ParameterGroups: [
    {
      Label: { default: 'Copies: the source output RecoveryStackParameters' },
      Parameters: [
        RECOVERY_PARAM.sourceStackId,
        RECOVERY_PARAM.cluster,
        RECOVERY_PARAM.kmsKey,
        RECOVERY_PARAM.sourceSchedule,
        RECOVERY_PARAM.copyTimeout,
      ],
    },
    {
      Label: { default: 'Network' },
      Parameters: [RECOVERY_PARAM.subnetGroup, RECOVERY_PARAM.securityGroups],
    },
    {
      Label: { default: 'Drills' },
      Parameters: [RECOVERY_PARAM.drillSchedule, RECOVERY_PARAM.drillInstanceClass, RECOVERY_PARAM.drillValidation],
    },
    {
      Label: { default: 'Alerts' },
      Parameters: [RECOVERY_PARAM.maxCopyAge, RECOVERY_PARAM.dashboard, RECOVERY_PARAM.alertEmail],
    },
  ],
};
