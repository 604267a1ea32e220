/** Logical ids of the template's resources, spelled once for every module that references them. */
export const LOGICAL_ID = {
  preflightFunction: 'PreflightFunction',
  preflightRole: 'PreflightFunctionRole',
  preflightLogGroup: 'PreflightLogGroup',
  preflight: 'Preflight',
  document: 'SnapshotCopyRunbook',
  automationRole: 'AutomationRole',
  triggerRole: 'ScheduleTriggerRole',
  scheduleRule: 'ScheduleRule',
  scheduleFailedAlarm: 'ScheduleFailedAlarm',
  alertTopic: 'AlertTopic',
  alertTopicPolicy: 'AlertTopicPolicy',
  alertSubscription: 'AlertEmailSubscription',
  failureRule: 'RunFailedRule',
} as const;
