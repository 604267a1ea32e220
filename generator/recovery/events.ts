/**
 * The drill schedule (off when DrillScheduleExpression is empty) and the alerts
 * of the recovery runbook, built as the other stacks' are (../shared/events.ts): a
 * rule on recovery runs that fail, time out or are cancelled (a failed drill
 * means the copies may not restore, and a failed restore is worse), and an
 * alarm on drills the schedule could not start at all. Both go to the alert
 * topic with what happened and what to check first.
 */
import { CfnResource, CfnValue, NO_VALUE, equals, getAtt, ifCondition, not, ref, sub } from '../shared/cfn';
import { runFailedRule, scheduleFailedAlarm, scheduleRule } from '../shared/events';
import { RECOVERY_CONDITION, RECOVERY_ID } from './logical-ids';
import { RECOVERY_DOC_PARAM } from './document';
import { RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';

export const recoveryConditions = (): { [name: string]: CfnValue } => ({
  [RECOVERY_CONDITION.hasAlertEmail]: not(equals(ref(RECOVERY_PARAM.alertEmail), '')),
  [RECOVERY_CONDITION.drillsEnabled]: not(equals(ref(RECOVERY_PARAM.drillSchedule), '')),
  [RECOVERY_CONDITION.hasDrillValidation]: not(equals(ref(RECOVERY_PARAM.drillValidation), '')),
});

export function recoveryEventResources(): { [logicalId: string]: CfnResource } {
  return {
    [RECOVERY_ID.drillScheduleRule]: scheduleRule({
      scheduleParameter: RECOVERY_PARAM.drillSchedule,
      targetId: 'RecoveryRunbookDrill',
      documentId: RECOVERY_ID.document,
      triggerRoleId: RECOVERY_ID.drillTriggerRole,
      automationRoleId: RECOVERY_ID.automationRole,
      runbookParameters: { [RECOVERY_DOC_PARAM.kind]: RESTORE_KIND.drill },
      condition: RECOVERY_CONDITION.drillsEnabled,
    }),
    // A drill that never starts leaves no execution, so the failure rule cannot hear it.
    [RECOVERY_ID.drillScheduleFailedAlarm]: scheduleFailedAlarm(
      RECOVERY_ID.drillScheduleRule,
      RECOVERY_ID.alertTopic,
      sub(`EventBridge could not start the drill of \${${RECOVERY_PARAM.cluster}}: check DrillTriggerRole and Automation quotas.`),
      RECOVERY_CONDITION.drillsEnabled,
    ),
    [RECOVERY_ID.runFailedRule]: runFailedRule(
      { document: RECOVERY_ID.document, topic: RECOVERY_ID.alertTopic, preflight: RECOVERY_ID.preflight },
      // The recovery template's bytes are short; the rules' names say whose they are.
      undefined,
      `Aurora snapshot DR: a drill or restore of the \${${RECOVERY_PARAM.cluster}} copies ended <status>: the copies may not restore. See why: aws ssm get-automation-execution --region <region> --automation-execution-id <execution>`,
    ),
  };
}

/** The drill schedule alarm's ARN, for the topic policy; none when drills are off, as there is no alarm. */
export const drillAlarmArn = (): CfnValue =>
  ifCondition(RECOVERY_CONDITION.drillsEnabled, getAtt(RECOVERY_ID.drillScheduleFailedAlarm, 'Arn'), NO_VALUE);
