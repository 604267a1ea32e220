/**
 * Stack parameters and how the console presents them. The four required
 * parameters come first and keep their exact names; every optional one has a
 * default that keeps the manual snapshots this stack holds far below the RDS
 * quota of 100 per Region (8 in the source Region, 15 in the target Region).
 */
import { CfnParameter, CfnValue } from '../shared/cfn';
import {
  CLUSTER_ID_MAX_LENGTH,
  CLUSTER_ID_PATTERN,
  KMS_KEY_PATTERN,
  REGION_PATTERN,
} from '../../custom-resource/dr/contract';

export const PARAM = {
  cluster: 'DBClusterIdentifier',
  kmsKey: 'KMSTargetKey',
  sourceRegion: 'SourceRegion',
  targetRegion: 'TargetRegion',
  schedule: 'ScheduleExpression',
  sourceRetention: 'SourceRetentionDays',
  targetRetention: 'TargetRetentionDays',
  copyTimeout: 'CopyTimeoutHours',
  alertEmail: 'AlertEmail',
  vaultAccount: 'VaultAccountId',
} as const;

export const DEFAULTS = {
  /** 03:00 UTC daily: one source snapshot and one copy a day. */
  schedule: 'cron(0 3 * * ? *)',
  sourceRetentionDays: 7,
  targetRetentionDays: 14,
  /** Aurora copies are full copies; a multi-terabyte cluster can take hours. */
  copyTimeoutHours: 12,
};

const regionParameter = (role: string, example: string): CfnParameter => ({
  Type: 'String',
  Description: `${role}. Lowercase Region code, for example ${example}.`,
  AllowedPattern: REGION_PATTERN,
  ConstraintDescription: `must be a lowercase AWS Region code such as ${example} (not ${example.toUpperCase()}, no spaces).`,
  MinLength: 9,
  MaxLength: 25,
});

export const parameters: { [name: string]: CfnParameter } = {
  [PARAM.cluster]: {
    Type: 'String',
    Description:
      'Identifier of the Aurora DB cluster to protect (not its ARN). The cluster must be encrypted and live in SourceRegion.',
    AllowedPattern: CLUSTER_ID_PATTERN,
    MinLength: 1,
    MaxLength: CLUSTER_ID_MAX_LENGTH,
    ConstraintDescription:
      'must be an Aurora cluster identifier: 1-63 letters, digits or hyphens, starting with a letter, with no two hyphens in a row and no hyphen at the end.',
  },
  [PARAM.kmsKey]: {
    Type: 'String',
    Description:
      'KMS key in TargetRegion that encrypts the copies: key id, multi-Region key id (mrk-...), key ARN, alias name (alias/...) or alias ARN. It must be an enabled symmetric encryption key.',
    AllowedPattern: KMS_KEY_PATTERN,
    MinLength: 1,
    MaxLength: 2048,
    ConstraintDescription:
      'must be a KMS key id (1234abcd-12ab-34cd-56ef-1234567890ab), a multi-Region key id (mrk-...), a key ARN, an alias name (alias/my-key) or an alias ARN.',
  },
  [PARAM.sourceRegion]: regionParameter(
    'Region of the cluster; the stack must be deployed in this Region',
    'us-east-1',
  ),
  [PARAM.targetRegion]: regionParameter(
    'Disaster-recovery Region that receives the copies; must differ from SourceRegion',
    'us-west-2',
  ),
  [PARAM.schedule]: {
    Type: 'String',
    Description:
      'When to snapshot and copy, as an EventBridge schedule expression: cron(...) in UTC or rate(...). Default: daily at 03:00 UTC.',
    Default: DEFAULTS.schedule,
    // No AllowedPattern: the preflight and the CLI judge it by EventBridge's rules and the snapshot quota
    // (custom-resource/shared/schedule.ts), with a message that names the fix; a pattern would be a weaker copy.
  },
  [PARAM.sourceRetention]: {
    Type: 'Number',
    Description: 'Days to keep this stack\'s snapshots in SourceRegion before pruning them.',
    Default: DEFAULTS.sourceRetentionDays,
    MinValue: 1,
    MaxValue: 90,
    ConstraintDescription: 'must be a whole number of days from 1 to 90.',
  },
  [PARAM.targetRetention]: {
    Type: 'Number',
    Description:
      'Days to keep this stack\'s copies in TargetRegion before pruning them. The newest available copy is always kept.',
    Default: DEFAULTS.targetRetentionDays,
    MinValue: 1,
    MaxValue: 90,
    ConstraintDescription: 'must be a whole number of days from 1 to 90.',
  },
  [PARAM.copyTimeout]: {
    Type: 'Number',
    Description:
      'Hours a run waits for a copy slot (from the snapshot), then for the copy, before it fails and alerts.',
    Default: DEFAULTS.copyTimeoutHours,
    MinValue: 1,
    MaxValue: 48,
    ConstraintDescription: 'must be a whole number of hours from 1 to 48.',
  },
  [PARAM.alertEmail]: {
    Type: 'String',
    Description:
      'Optional e-mail address alerted when a run fails, times out or is cancelled.',
    Default: '',
    AllowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    ConstraintDescription: 'must be empty or an e-mail address such as dba-team@example.com.',
  },
  [PARAM.vaultAccount]: {
    Type: 'String',
    Description: 'Optional account each copy is shared with (docs/vault.md).',
    Default: '',
    AllowedPattern: '^([0-9]{12})?$',
    ConstraintDescription: 'must be empty or an account id.',
  },
};

/** Console layout: required parameters first, in a group of their own. */
export const parameterInterface: CfnValue = {
  ParameterGroups: [
    {
      Label: { default: 'Cluster and disaster-recovery Region (required)' },
      Parameters: [PARAM.cluster, PARAM.sourceRegion, PARAM.targetRegion, PARAM.kmsKey],
    },
    {
      Label: { default: 'Schedule and retention' },
      Parameters: [PARAM.schedule, PARAM.sourceRetention, PARAM.targetRetention, PARAM.copyTimeout],
    },
    {
      Label: { default: 'Alerts and vault' },
      Parameters: [PARAM.alertEmail, PARAM.vaultAccount],
    },
  ],
  ParameterLabels: {
    [PARAM.cluster]: { default: 'Aurora DB cluster identifier' },
    [PARAM.kmsKey]: { default: 'KMS key for the copies (in the target Region)' },
    [PARAM.sourceRegion]: { default: 'Source Region (where the cluster and this stack are)' },
    [PARAM.targetRegion]: { default: 'Target Region (disaster recovery)' },
    [PARAM.schedule]: { default: 'Schedule (UTC)' },
    [PARAM.sourceRetention]: { default: 'Retention in the source Region (days)' },
    [PARAM.targetRetention]: { default: 'Retention in the target Region (days)' },
    [PARAM.copyTimeout]: { default: 'Copy timeout (hours)' },
    [PARAM.alertEmail]: { default: 'Alert e-mail (optional)' },
    [PARAM.vaultAccount]: { default: 'Vault account (optional)' },
  },
};
