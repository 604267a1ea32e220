/**
 * Parameters of the vault stack and how the console presents them: the key
 * and the clusters it protects first, then how long it keeps copies, when it
 * runs and who hears about failures.
 */
import { CfnParameter, CfnValue } from '../shared/cfn';
import { parameters as drParameters, PARAM } from '../dr/parameters';
import { VAULT_PARAM } from '../../custom-resource/vault/contract';

export const VAULT_DEFAULTS = {
  retentionDays: 35,
  minimumCopies: 3,
  /** Daily, 06:00 UTC: three hours after the DR stacks' default run starts, so most copies are shared by then. */
  schedule: 'cron(0 6 * * ? *)',
  copyTimeoutHours: 24,
  maxCopyAgeHours: 0,
};

const SCHEDULE_PATTERN = '(cron\\([^()]+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))';
const PAIR = '[0-9]{12}:[a-z](-?[a-z0-9])*';

export const vaultParameters: { [name: string]: CfnParameter } = {
  [VAULT_PARAM.kmsKey]: {
    ...drParameters[PARAM.kmsKey],
    Description: "Customer managed KMS key of this account and Region that encrypts the vault's copies.",
    ConstraintDescription: 'must be a key id, mrk- id, key ARN, alias/name or alias ARN.',
  },
  [VAULT_PARAM.protectedClusters]: {
    Type: 'String',
    Description: 'The clusters whose shared DR copies the vault keeps: account:cluster pairs, comma-separated.',
    AllowedPattern: `^ *${PAIR} *(, *${PAIR} *)*$`,
    ConstraintDescription: 'must be account:cluster pairs separated by commas: 111122223333:orders-db,444455556666:billing',
  },
  [VAULT_PARAM.retention]: {
    Type: 'Number',
    Description: 'Days the vault keeps a copy (never fewer than the minimum per cluster).',
    Default: VAULT_DEFAULTS.retentionDays,
    MinValue: 1,
    MaxValue: 3650,
  },
  [VAULT_PARAM.minimumCopies]: {
    Type: 'Number',
    Description: 'Copies kept per cluster however old: a protected account that stops sharing keeps its last ones.',
    Default: VAULT_DEFAULTS.minimumCopies,
    MinValue: 1,
    MaxValue: 100,
  },
  [VAULT_PARAM.schedule]: {
    Type: 'String',
    Description: 'When the vault looks for new shares (EventBridge schedule, UTC).',
    Default: VAULT_DEFAULTS.schedule,
    AllowedPattern: `^${SCHEDULE_PATTERN}$`,
    ConstraintDescription: 'must be a schedule such as cron(0 6 * * ? *) or rate(1 day).',
  },
  [VAULT_PARAM.copyTimeout]: {
    Type: 'Number',
    Description: 'Hours a share may wait for a free copy slot before the run fails.',
    Default: VAULT_DEFAULTS.copyTimeoutHours,
    MinValue: 1,
    MaxValue: 168,
  },
  [VAULT_PARAM.maxCopyAge]: {
    Type: 'Number',
    Description: "Hours a cluster's newest vault copy may age before an alarm; 0: the schedule's longest gap + 48.",
    Default: VAULT_DEFAULTS.maxCopyAgeHours,
    MinValue: 0,
    MaxValue: 2160,
  },
  [VAULT_PARAM.alertEmail]: {
    ...drParameters[PARAM.alertEmail],
    Description: 'Optional e-mail for alerts: failed vault runs, copies that stop arriving.',
  },
};

export const vaultParameterInterface: CfnValue = {
  ParameterGroups: [
    { Label: { default: 'Vault' }, Parameters: [VAULT_PARAM.kmsKey, VAULT_PARAM.protectedClusters] },
    {
      Label: { default: 'Retention and schedule' },
      Parameters: [VAULT_PARAM.retention, VAULT_PARAM.minimumCopies, VAULT_PARAM.schedule, VAULT_PARAM.copyTimeout],
    },
    { Label: { default: 'Copy age and alerts' }, Parameters: [VAULT_PARAM.maxCopyAge, VAULT_PARAM.alertEmail] },
  ],
  ParameterLabels: {
    [VAULT_PARAM.kmsKey]: { default: 'Vault KMS key' },
    [VAULT_PARAM.protectedClusters]: { default: 'Protected clusters (account:cluster,...)' },
    [VAULT_PARAM.retention]: { default: 'Retention (days)' },
    [VAULT_PARAM.minimumCopies]: { default: 'Minimum copies per cluster' },
    [VAULT_PARAM.schedule]: { default: 'Schedule' },
    [VAULT_PARAM.copyTimeout]: { default: 'Copy slot wait (hours)' },
    [VAULT_PARAM.maxCopyAge]: { default: 'Maximum copy age (hours)' },
    [VAULT_PARAM.alertEmail]: { default: 'Alert e-mail (optional)' },
  },
};
