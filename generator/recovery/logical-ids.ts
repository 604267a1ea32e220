/** Logical ids of the recovery template's resources, spelled once for every module that references them. */
export const RECOVERY_ID = {
  preflightFunction: 'RecoveryPreflightFunction',
  preflightRole: 'RecoveryPreflightFunctionRole',
  preflightLogGroup: 'RecoveryPreflightLogGroup',
  preflight: 'RecoveryPreflight',
  document: 'RecoveryRunbook',
  automationRole: 'RecoveryAutomationRole',
  /** The runbook's work, done by the preflight's function: on its role. */
  runPolicy: 'RecoveryRunPolicy',
  drillTriggerRole: 'DrillTriggerRole',
  drillScheduleRule: 'DrillScheduleRule',
  drillScheduleFailedAlarm: 'DrillScheduleFailedAlarm',
  alertTopic: 'AlertTopic',
  alertTopicPolicy: 'AlertTopicPolicy',
  alertSubscription: 'AlertEmailSubscription',
  runFailedRule: 'RecoveryRunFailedRule',
} as const;

/** Conditions of the recovery template; the watchdog adds its own beside them. */
export const RECOVERY_CONDITION = {
  hasAlertEmail: 'HasAlertEmail',
  drillsEnabled: 'DrillsEnabled',
  hasDrillValidation: 'HasDrillValidation',
} as const;
