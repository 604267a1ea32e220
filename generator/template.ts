/** Assembles the whole DR stack template from the modules that own each part. */
import { CfnOutput, CfnTemplate, getAtt, ref, sub, findInMap, AWS } from './cfn';
import { PARAM, parameterInterface, parameters } from './parameters';
import { documentResource } from './document';
import { roleResources } from './iam';
import { conditions, eventResources } from './events';
import { bundlePreflight, preflightResources } from './preflight';
import { LOGICAL_ID } from './logical-ids';
import { REGENERATE_NOTE } from './serialize';
import { PREFLIGHT_DATA } from '../custom-resource/contract';
import { RECOVERY_PARAM, RECOVERY_PARAMETERS_OUTPUT } from '../custom-resource/recovery-contract';

export const TEMPLATE_DESCRIPTION =
  'Aurora cross-Region snapshot DR: snapshots one Aurora cluster on a schedule, copies each snapshot to a second Region re-encrypted with a KMS key of that Region, and prunes expired copies.';


/** Console domains differ per partition; the outputs link to the runbook's executions. */
const CONSOLE_DOMAIN = 'ConsoleDomain';
const mappings = {
  [CONSOLE_DOMAIN]: {
    aws: { Domain: 'console.aws.amazon.com' },
    'aws-cn': { Domain: 'console.amazonaws.cn' },
    'aws-us-gov': { Domain: 'console.amazonaws-us-gov.com' },
  },
};

function outputs(): { [name: string]: CfnOutput } {
  return {
    RunbookName: {
      Description: 'Name of the SSM Automation runbook that snapshots and copies the cluster.',
      Value: ref(LOGICAL_ID.document),
    },
    RunbookExecutionsUrl: {
      Description: 'Console page listing the runbook executions (start a run by hand from there too).',
      Value: sub('https://${AWS::Region}.${Domain}/systems-manager/automation/executions?region=${AWS::Region}', {
        Domain: findInMap(CONSOLE_DOMAIN, AWS.partition, 'Domain'),
      }),
    },
    AlertTopicArn: {
      Description: 'SNS topic that hears about failed, timed-out and cancelled runs.',
      Value: ref(LOGICAL_ID.alertTopic),
    },
    AutomationRoleArn: {
      Description: 'Role the runbook assumes.',
      Value: getAtt(LOGICAL_ID.automationRole, 'Arn'),
    },
    ScheduleTriggerRoleArn: {
      Description: 'Role EventBridge assumes to start the runbook on schedule.',
      Value: getAtt(LOGICAL_ID.triggerRole, 'Arn'),
    },
    PreflightFunctionRoleArn: {
      Description: 'Role of the preflight check function.',
      Value: getAtt(LOGICAL_ID.preflightRole, 'Arn'),
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

export function buildTemplate(preflightBundle: string = bundlePreflight()): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: TEMPLATE_DESCRIPTION,
    Metadata: {
      Generator: REGENERATE_NOTE,
      'AWS::CloudFormation::Interface': parameterInterface,
    },
    Parameters: parameters,
    Mappings: mappings,
    Conditions: conditions(),
    Resources: {
      ...preflightResources(preflightBundle),
      ...roleResources(),
      [LOGICAL_ID.document]: documentResource(),
      ...eventResources(),
    },
    Outputs: outputs(),
  };
}
