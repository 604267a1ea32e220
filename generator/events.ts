/**
 * The schedule that starts the runbook, and the alerts for runs that fail,
 * time out or are cancelled: an EventBridge rule on the runbook's execution
 * status events publishes a readable message to an SNS topic of this stack.
 */
import { CfnResource, CfnValue, checkovSkips, getAtt, ref, sub, not, equals } from './cfn';
import { LOGICAL_ID } from './logical-ids';
import { PARAM } from './parameters';
import { DOC_PARAM } from './document';

export const CONDITION = { hasAlertEmail: 'HasAlertEmail' } as const;

export const conditions = (): { [name: string]: CfnValue } => ({
  [CONDITION.hasAlertEmail]: not(equals(ref(PARAM.alertEmail), '')),
});

/** Execution statuses that mean "last night's copy did not land". */
export const ALERT_STATUSES = ['Failed', 'TimedOut', 'Cancelled'];

/** `$DEFAULT` makes the schedule follow the runbook's default version. */
export const automationDefinitionArn = (): CfnValue =>
  sub(
    `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/\${${LOGICAL_ID.document}}:$DEFAULT`,
  );

export function eventResources(): { [logicalId: string]: CfnResource } {
  return {
    [LOGICAL_ID.scheduleRule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: sub(`Aurora snapshot DR of \${${PARAM.cluster}} to \${${PARAM.targetRegion}}`),
        ScheduleExpression: ref(PARAM.schedule),
        State: 'ENABLED',
        Targets: [
          {
            Id: 'SnapshotCopyRunbook',
            Arn: automationDefinitionArn(),
            RoleArn: getAtt(LOGICAL_ID.triggerRole, 'Arn'),
            // Automation parameters are lists of strings.
            Input: sub(`{"${DOC_PARAM.role}":["\${${LOGICAL_ID.automationRole}.Arn}"]}`),
          },
        ],
      },
    },
    [LOGICAL_ID.alertTopic]: {
      Type: 'AWS::SNS::Topic',
      DependsOn: LOGICAL_ID.preflight,
      Metadata: checkovSkips({
        CKV_AWS_26: 'EventBridge cannot publish to a topic under the AWS managed aws/sns key; alerts carry no data, only run ids.',
      }),
      Properties: {
        DisplayName: 'Aurora snapshot DR alerts',
      },
    },
    [LOGICAL_ID.alertTopicPolicy]: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [ref(LOGICAL_ID.alertTopic)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'FailureRulePublishes',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: ref(LOGICAL_ID.alertTopic),
              Condition: { ArnEquals: { 'aws:SourceArn': getAtt(LOGICAL_ID.failureRule, 'Arn') } },
            },
          ],
        },
      },
    },
    [LOGICAL_ID.alertSubscription]: {
      Type: 'AWS::SNS::Subscription',
      Condition: CONDITION.hasAlertEmail,
      Properties: {
        TopicArn: ref(LOGICAL_ID.alertTopic),
        Protocol: 'email',
        Endpoint: ref(PARAM.alertEmail),
      },
    },
    [LOGICAL_ID.failureRule]: {
      Type: 'AWS::Events::Rule',
      DependsOn: LOGICAL_ID.preflight,
      Properties: {
        Description: sub(`Alerts when an Aurora snapshot DR run of \${${PARAM.cluster}} fails`),
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.ssm'],
          'detail-type': ['EC2 Automation Execution Status-change Notification'],
          detail: {
            Definition: [ref(LOGICAL_ID.document)],
            Status: ALERT_STATUSES,
          },
        },
        Targets: [
          {
            Id: 'AlertTopic',
            Arn: ref(LOGICAL_ID.alertTopic),
            InputTransformer: {
              InputPathsMap: {
                status: '$.detail.Status',
                execution: '$.detail.ExecutionId',
                region: '$.region',
              },
              InputTemplate: sub(
                `"Aurora snapshot DR run <execution> of cluster \${${PARAM.cluster}} (copy to \${${PARAM.targetRegion}}) ended <status>. The newest copy in \${${PARAM.targetRegion}} may be older than your schedule promises. Open the execution to see the failed step and its message: aws ssm get-automation-execution --region <region> --automation-execution-id <execution>"`,
              ),
            },
          },
        ],
      },
    },
  };
}

