/** Logical ids of the vault template's resources, spelled once for every module that references them. */
export const VAULT_ID = {
  preflightFunction: 'VaultFunction',
  preflightRole: 'VaultFunctionRole',
  preflightLogGroup: 'VaultFunctionLogGroup',
  preflight: 'VaultPreflight',
  document: 'VaultRunbook',
  automationRole: 'VaultAutomationRole',
  triggerRole: 'VaultTriggerRole',
  scheduleRule: 'VaultScheduleRule',
  scheduleFailedAlarm: 'VaultScheduleFailedAlarm',
  alertTopic: 'AlertTopic',
  alertTopicPolicy: 'AlertTopicPolicy',
  alertSubscription: 'AlertEmailSubscription',
  runFailedRule: 'VaultRunFailedRule',
  watchdogSchedule: 'WatchdogScheduleRule',
  watchdogPermission: 'WatchdogInvokePermission',
  watchdogFirstCheck: 'WatchdogFirstCheck',
  copyAgeAlarm: 'CopyAgeAlarm',
} as const;

export const VAULT_CONDITION = { hasAlertEmail: 'HasAlertEmail' } as const;
