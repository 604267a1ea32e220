/**
 * The vault's schedule, alerts and copy-age watchdog, built as the recovery
 * stack's are (generator/shared/events.ts, generator/recovery/watchdog.ts):
 * the schedule rule that starts the runbook, an alarm on starts that fail, a
 * rule on runs that fail, time out or are cancelled, and the hourly check of
 * each protected cluster's newest vault copy with its alarm. All go to the
 * alert topic.
 */
import { AWS, CfnResource, CfnValue, equals, getAtt, getAttList, not, ref, sub } from '../shared/cfn';
import {
  scheduleRule,
  alertSubscription,
  alertTopic,
  alertTopicPolicy,
  runFailedRule,
  scheduleFailedAlarm,
} from '../shared/events';
import { PREFLIGHT_SERVICE_TIMEOUT_SECONDS } from '../shared/preflight';
import { WATCHDOG_INTERVAL_SECONDS, WATCHDOG_SCHEDULE } from '../recovery/watchdog';
import { VAULT_CONDITION, VAULT_ID } from './logical-ids';
import { VAULT_DOC_PARAM } from './document';
import {
  VAULT_DATA,
  VAULT_METRIC,
  VAULT_PARAM,
  VAULT_WATCHDOG_FIRST_CHECK_TYPE,
  VaultWatchdogInput,
} from '../../custom-resource/vault/contract';

export const vaultConditions = (): { [name: string]: CfnValue } => ({
  [VAULT_CONDITION.hasAlertEmail]: not(equals(ref(VAULT_PARAM.alertEmail), '')),
});

const functionArn = getAtt(VAULT_ID.preflightFunction, 'Arn');

const watchdogInput: { [K in keyof VaultWatchdogInput]: string } = {
  ProtectedClusters: `\${${VAULT_PARAM.protectedClusters}}`,
  VaultStackId: '${AWS::StackId}',
};

export function vaultEventResources(): { [logicalId: string]: CfnResource } {
  return {
    [VAULT_ID.scheduleRule]: scheduleRule({
      description: sub('Aurora snapshot DR vault ${AWS::StackName}: copies new shares'),
      scheduleParameter: VAULT_PARAM.schedule,
      targetId: 'VaultRunbook',
      documentId: VAULT_ID.document,
      triggerRoleId: VAULT_ID.triggerRole,
      automationRoleId: VAULT_ID.automationRole,
      roleParameter: VAULT_DOC_PARAM.role,
    }),
    [VAULT_ID.scheduleFailedAlarm]: scheduleFailedAlarm(
      VAULT_ID.scheduleRule,
      VAULT_ID.alertTopic,
      sub('EventBridge could not start the vault runbook of ${AWS::StackName}: check VaultTriggerRole and Automation quotas.'),
    ),
    [VAULT_ID.runFailedRule]: runFailedRule(
      { document: VAULT_ID.document, topic: VAULT_ID.alertTopic, preflight: VAULT_ID.preflight },
      sub('Alerts when a vault run of ${AWS::StackName} fails'),
      'Aurora snapshot DR vault ${AWS::StackName}: a run ended <status>: shares may not be copied. See why: aws ssm get-automation-execution --region <region> --automation-execution-id <execution>',
    ),
    [VAULT_ID.alertTopic]: alertTopic('Aurora snapshot DR vault alerts', VAULT_ID.preflight),
    [VAULT_ID.alertTopicPolicy]: alertTopicPolicy(VAULT_ID.alertTopic, [
      getAtt(VAULT_ID.runFailedRule, 'Arn'),
      getAtt(VAULT_ID.copyAgeAlarm, 'Arn'),
      getAtt(VAULT_ID.scheduleFailedAlarm, 'Arn'),
    ]),
    [VAULT_ID.alertSubscription]: alertSubscription(VAULT_ID.alertTopic, VAULT_CONDITION.hasAlertEmail, VAULT_PARAM.alertEmail),
    [VAULT_ID.watchdogSchedule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: WATCHDOG_SCHEDULE,
        State: 'ENABLED',
        Targets: [{ Id: 'Watchdog', Arn: functionArn, Input: sub(JSON.stringify(watchdogInput)) }],
      },
    },
    [VAULT_ID.watchdogPermission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: ref(VAULT_ID.preflightFunction),
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: getAttList(VAULT_ID.watchdogSchedule, 'Arn'),
      },
    },
    [VAULT_ID.watchdogFirstCheck]: {
      Type: VAULT_WATCHDOG_FIRST_CHECK_TYPE,
      DependsOn: VAULT_ID.preflight,
      Properties: {
        ServiceToken: functionArn,
        ServiceTimeout: PREFLIGHT_SERVICE_TIMEOUT_SECONDS,
        ProtectedClusters: ref(VAULT_PARAM.protectedClusters),
      },
    },
    [VAULT_ID.copyAgeAlarm]: {
      Type: 'AWS::CloudWatch::Alarm',
      DependsOn: VAULT_ID.watchdogFirstCheck,
      Properties: {
        AlarmDescription: sub(
          `A protected cluster's newest vault copy is too old (datapoint: the oldest age, h; per cluster: metric ${VAULT_METRIC.newestCopyAgeHours} by ${VAULT_METRIC.clusterDimension}), or no datapoint: the check failed (log group \${${VAULT_ID.preflightLogGroup}}). First: is the DR stack sharing, and are the vault's runs failing?`,
        ),
        Namespace: VAULT_METRIC.namespace,
        MetricName: VAULT_METRIC.newestCopyAgeHours,
        Dimensions: [{ Name: VAULT_METRIC.stackDimension, Value: AWS.stackName }],
        Statistic: 'Maximum',
        Period: WATCHDOG_INTERVAL_SECONDS,
        EvaluationPeriods: 1,
        Threshold: getAtt(VAULT_ID.preflight, VAULT_DATA.allowedCopyAgeHours),
        ComparisonOperator: 'GreaterThanThreshold',
        // No datapoint means the check is broken: that must alarm too.
        TreatMissingData: 'breaching',
        AlarmActions: [ref(VAULT_ID.alertTopic)],
        OKActions: [ref(VAULT_ID.alertTopic)],
      },
    },
  };
}
