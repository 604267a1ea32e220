/**
 * Assembles the recovery stack template (templates/aurora-snapshot-dr-recovery.*),
 * deployed in the target Region, one per protected cluster: the restore and
 * drill runbook, its roles, the drill schedule, the alerts, and the preflight
 * check that runs before all of them.
 */
import { CfnOutput, CfnResource, CfnTemplate, getAtt, ref } from '../shared/cfn';
import { REGENERATE_NOTE } from '../shared/serialize';
import { RECOVERY_CONDITION, RECOVERY_ID } from './logical-ids';
import { recoveryParameterInterface, recoveryParameters } from './parameters';
import { bundleRecoveryPreflight, recoveryPreflightResources } from './preflight';
import { recoveryRoleResources } from './iam';
import { recoveryDocumentResource } from './document';
import { drillAlarmArn, recoveryConditions, recoveryEventResources } from './events';
import { alertSubscription, alertTopic, alertTopicPolicy } from '../shared/events';
import { WATCHDOG_ID, watchdogConditions, watchdogResources } from './watchdog';
import { RECOVERY_PARAM } from '../../custom-resource/recovery/contract';

export const RECOVERY_TEMPLATE_DESCRIPTION =
  'Aurora snapshot DR recovery, in the DR Region: restores and drills of one cluster\'s copies.';

/** The alert topic: failed drills and restores publish here, and so do the drill schedule's and copy-age alarms. */
function alertResources(): { [logicalId: string]: CfnResource } {
  return {
    [RECOVERY_ID.alertTopic]: alertTopic('Aurora snapshot DR recovery alerts', RECOVERY_ID.preflight),
    [RECOVERY_ID.alertTopicPolicy]: alertTopicPolicy(RECOVERY_ID.alertTopic, [
      getAtt(RECOVERY_ID.runFailedRule, 'Arn'),
      getAtt(WATCHDOG_ID.alarm, 'Arn'),
      drillAlarmArn(),
    ]),
    [RECOVERY_ID.alertSubscription]: alertSubscription(RECOVERY_ID.alertTopic, RECOVERY_CONDITION.hasAlertEmail, RECOVERY_PARAM.alertEmail),
  };
}

/** Output names of the recovery stack that the CLI reads. */
export const RECOVERY_STACK_OUTPUT = { runbook: 'RecoveryRunbookName', alertTopic: 'AlertTopicArn' } as const;

function recoveryOutputs(): { [name: string]: CfnOutput } {
  return {
    [RECOVERY_STACK_OUTPUT.runbook]: {
      Description: 'Runbook to start: Kind=restore keeps the cluster; Kind=drill verifies and deletes it.',
      Value: ref(RECOVERY_ID.document),
    },
    [RECOVERY_STACK_OUTPUT.alertTopic]: {
      Description: 'SNS topic of the alerts.',
      Value: ref(RECOVERY_ID.alertTopic),
    },
  };
}

export function buildRecoveryTemplate(preflightBundle: string = bundleRecoveryPreflight()): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: RECOVERY_TEMPLATE_DESCRIPTION,
    Metadata: {
      Generator: REGENERATE_NOTE,
      'AWS::CloudFormation::Interface': recoveryParameterInterface,
    },
    Parameters: recoveryParameters,
    Conditions: {
      ...recoveryConditions(),
      ...watchdogConditions(),
    },
    Resources: {
      ...recoveryPreflightResources(preflightBundle),
      ...recoveryRoleResources(),
      [RECOVERY_ID.document]: recoveryDocumentResource(),
      ...recoveryEventResources(),
      ...alertResources(),
      ...watchdogResources(),
    },
    Outputs: recoveryOutputs(),
  };
}
