/**
 * The schedule that starts the runbook, and the alerts: an EventBridge rule on
 * the execution status events of every runbook this stack made publishes a
 * readable message for runs that fail, time out or are cancelled, and a
 * CloudWatch alarm on the schedule rule's FailedInvocations covers runs that
 * never start (EventBridge then emits no Automation event at all). Both
 * notify one SNS topic of this stack.
 */
import { CfnResource, CfnValue, getAtt, ref, sub, not, equals } from '../shared/cfn';
import {
  scheduleRule,
  alertSubscription,
  alertTopic,
  alertTopicPolicy,
  runFailedRule,
  scheduleFailedAlarm,
} from '../shared/events';
import { LOGICAL_ID } from './logical-ids';
import { PARAM } from './parameters';
import { DOC_PARAM } from './document';

export const CONDITION = { hasAlertEmail: 'HasAlertEmail' } as const;

export const conditions = (): { [name: string]: CfnValue } => ({
  [CONDITION.hasAlertEmail]: not(equals(ref(PARAM.alertEmail), '')),
});

export function eventResources(): { [logicalId: string]: CfnResource } {
  return {
    [LOGICAL_ID.scheduleRule]: scheduleRule({
      description: sub(`Aurora snapshot DR of \${${PARAM.cluster}} to \${${PARAM.targetRegion}}`),
      scheduleParameter: PARAM.schedule,
      targetId: 'SnapshotCopyRunbook',
      documentId: LOGICAL_ID.document,
      triggerRoleId: LOGICAL_ID.triggerRole,
      automationRoleId: LOGICAL_ID.automationRole,
      roleParameter: DOC_PARAM.role,
    }),
    [LOGICAL_ID.scheduleFailedAlarm]: scheduleFailedAlarm(
      LOGICAL_ID.scheduleRule,
      LOGICAL_ID.alertTopic,
      sub(`EventBridge could not start the snapshot DR runbook of \${${PARAM.cluster}}: check ScheduleTriggerRole and Automation quotas.`),
    ),
    [LOGICAL_ID.alertTopic]: alertTopic('Aurora snapshot DR alerts', LOGICAL_ID.preflight),
    [LOGICAL_ID.alertTopicPolicy]: alertTopicPolicy(LOGICAL_ID.alertTopic, [
      getAtt(LOGICAL_ID.failureRule, 'Arn'),
      getAtt(LOGICAL_ID.scheduleFailedAlarm, 'Arn'),
    ]),
    [LOGICAL_ID.alertSubscription]: alertSubscription(LOGICAL_ID.alertTopic, CONDITION.hasAlertEmail, PARAM.alertEmail),
    [LOGICAL_ID.failureRule]: runFailedRule(
      { document: LOGICAL_ID.document, topic: LOGICAL_ID.alertTopic, preflight: LOGICAL_ID.preflight },
      sub(`Alerts when an Aurora snapshot DR run of \${${PARAM.cluster}} fails`),
      `Aurora snapshot DR run <execution> of cluster \${${PARAM.cluster}} (copy to \${${PARAM.targetRegion}}) ended <status>. The newest copy in \${${PARAM.targetRegion}} may be older than your schedule promises. Open the execution to see the failed step and its message: aws ssm get-automation-execution --region <region> --automation-execution-id <execution>`,
    ),
  };
}

