/** Assembles the whole DR stack template from the modules that own each part. */
import { CfnOutput, CfnTemplate, getAtt, ref, sub } from '../shared/cfn';
import { PARAM, parameterInterface, parameters } from './parameters';
import { drDocumentResource } from './document';
import { roleResources } from './iam';
import { conditions, eventResources } from './events';
import { bundleDrPreflight, preflightResources } from './preflight';
import { LOGICAL_ID } from './logical-ids';
import { REGENERATE_NOTE } from '../shared/serialize';
import { PREFLIGHT_DATA } from '../../custom-resource/dr/contract';
import { RECOVERY_PARAM, RECOVERY_PARAMETERS_OUTPUT } from '../../custom-resource/recovery/contract';

export const TEMPLATE_DESCRIPTION =
  'Aurora cross-Region snapshot DR: snapshots one Aurora cluster on a schedule, copies each snapshot to a second Region re-encrypted with a KMS key of that Region, and prunes expired copies.';

/**
 * No console link, so no Mappings: a link needs the console domain of every
 * partition the Region parameters accept (docs/partitions.md), and
 * Fn::FindInMap with a missing key makes CloudFormation refuse the whole
 * stack. RunbookName finds the executions in any partition.
 */
function outputs(): { [name: string]: CfnOutput } {
  return {
    RunbookName: {
      Description: 'The runbook: Systems Manager > Automation lists its runs.',
      Value: ref(LOGICAL_ID.document),
    },
    AlertTopicArn: {
      Description: 'SNS topic that hears about failed, timed-out and cancelled runs.',
      Value: ref(LOGICAL_ID.alertTopic),
    },
    AutomationRoleArn: {
      Description: 'Role the runbook assumes.',
      Value: getAtt(LOGICAL_ID.automationRole, 'Arn'),
    },
    TargetKeyArn: {
      Description: 'ARN of the KMS key that encrypts the copies, as resolved by the preflight check.',
      Value: getAtt(LOGICAL_ID.preflight, PREFLIGHT_DATA.targetKeyArn),
    },
    [RECOVERY_PARAMETERS_OUTPUT]: {
      Description: 'Recovery stack parameters: paste after --parameter-overrides, then add the network.',
      Value: sub(
        [
          [RECOVERY_PARAM.sourceStackId, '${AWS::StackId}'],
          [RECOVERY_PARAM.cluster, `\${${PARAM.cluster}}`],
          [RECOVERY_PARAM.kmsKey, `\${${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.targetKeyArn}}`],
          [RECOVERY_PARAM.sourceSchedule, `\${${PARAM.schedule}}`],
          [RECOVERY_PARAM.copyTimeout, `\${${PARAM.copyTimeout}}`],
        ]
          // Quoted, because a cron expression has spaces.
          .map(([name, value]) => `"${name}=${value}"`)
          .join(' '),
      ),
    },
  };
}

export function buildTemplate(preflightBundle: string = bundleDrPreflight()): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: TEMPLATE_DESCRIPTION,
    Metadata: {
      Generator: REGENERATE_NOTE,
      'AWS::CloudFormation::Interface': parameterInterface,
    },
    Parameters: parameters,
    Conditions: conditions(),
    Resources: {
      ...preflightResources(preflightBundle),
      ...roleResources(),
      [LOGICAL_ID.document]: drDocumentResource(),
      ...eventResources(),
    },
    Outputs: outputs(),
  };
}
