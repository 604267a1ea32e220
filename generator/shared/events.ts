/**
 * What every stack's schedule and alerts are made of: the failure rule on the
 * execution status events of every runbook a stack made, the alarm on a
 * schedule rule's FailedInvocations for runs that never start (EventBridge
 * then emits no Automation event at all), and the SNS topic both notify.
 */
import { CfnResource, CfnValue, scannerSkips, getAtt, ref, sub } from './cfn';

/** Execution statuses that mean "last night's copy did not land". */
export const ALERT_STATUSES = ['Failed', 'TimedOut', 'Cancelled'];

/**
 * CloudFormation names a document `<stack name>-<logical id>-<random>`. The
 * name is stable across updates (UpdateMethod NewVersion), but a document
 * made before, and replaced since, may still have a run in flight: match them all.
 */
export const runbookNamePrefix = (documentId: string): CfnValue => sub(`\${AWS::StackName}-${documentId}-`);

/** A failure rule's `detail.Definition`: the runbook of `documentId` under its current name and any earlier one. */
export const everyRunbookOf = (documentId: string): CfnValue[] => [ref(documentId), { prefix: runbookNamePrefix(documentId) }];

/**
 * A start that fails with a retryable error (throttling, a full automation
 * queue) is retried for up to an hour: a later start would run into the next
 * scheduled one on short schedules. What still fails counts in FailedInvocations.
 */
export const SCHEDULE_RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 };

export interface ScheduleRuleSpec {
  /** Optional, as for runFailedRule. */
  description?: CfnValue;
  /** The parameter that holds the schedule expression. */
  scheduleParameter: string;
  targetId: string;
  documentId: string;
  triggerRoleId: string;
  automationRoleId: string;
  /** The runbook parameter that names the role it assumes; none when the runbook names its role itself. */
  roleParameter?: string;
  /** Further runbook parameters the schedule sets, one value each. */
  runbookParameters?: { [name: string]: string };
  condition?: string;
}

/** A schedule that starts a stack's runbook (its default version) through the trigger role, retried as above. */
export const scheduleRule = (spec: ScheduleRuleSpec): CfnResource => {
  // Automation parameters are lists of strings.
  const parameters = { ...(spec.roleParameter ? { [spec.roleParameter]: `\${${spec.automationRoleId}.Arn}` } : {}), ...spec.runbookParameters };
  const input = Object.entries(parameters)
    .map(([name, value]) => `"${name}":["${value}"]`)
    .join(',');
  return {
    Type: 'AWS::Events::Rule',
    ...(spec.condition ? { Condition: spec.condition } : {}),
    Properties: {
      ...(spec.description ? { Description: spec.description } : {}),
      ScheduleExpression: ref(spec.scheduleParameter),
      State: 'ENABLED',
      Targets: [
        {
          Id: spec.targetId,
          Arn: automationDefinitionArn(spec.documentId),
          RoleArn: getAtt(spec.triggerRoleId, 'Arn'),
          // Fn::Sub only where there is something to substitute (cfn-lint W1020).
          Input: input.includes('${') ? sub(`{${input}}`) : `{${input}}`,
          RetryPolicy: SCHEDULE_RETRY_POLICY,
        },
      ],
    },
  };
};

/**
 * The alarm for starts that fail even after SCHEDULE_RETRY_POLICY: EventBridge
 * then emits no Automation event, so no failure rule hears it. `condition` is
 * the schedule rule's, when the rule has one.
 */
export function scheduleFailedAlarm(rule: string, topic: string, description: CfnValue, condition?: string): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    ...(condition ? { Condition: condition } : {}),
    Properties: {
      AlarmDescription: description,
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: [{ Name: 'RuleName', Value: ref(rule) }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(topic)],
    },
  };
}

/** `$DEFAULT` makes a schedule follow the runbook's default version. */
export const automationDefinitionArn = (documentId: string): CfnValue =>
  sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/\${${documentId}}:$DEFAULT`);

/** A stack's alert topic, created once its preflight check passed. */
export const alertTopic = (displayName: string, preflightId: string): CfnResource => ({
  Type: 'AWS::SNS::Topic',
  DependsOn: preflightId,
  Metadata: scannerSkips({
    CKV_AWS_26: 'EventBridge cannot use aws/sns; alerts hold run ids only.',
  }),
  Properties: { DisplayName: displayName },
});

/**
 * The policy of a stack's alert topic. It replaces the topic's default one
 * (which let the account's CloudWatch alarms publish), so it names every
 * publisher: the stack's failure rule and its alarms, by ARN (`publishers`),
 * through the two services that publish for them. One statement: each service
 * signs with the ARN of its own rule or alarm, so neither can publish as the
 * other's. Topic policy statements carry no Sid: SNS reads nothing from one.
 */
export const alertTopicPolicy = (topicId: string, publishers: CfnValue[]): CfnResource => ({
  Type: 'AWS::SNS::TopicPolicy',
  Properties: {
    Topics: [ref(topicId)],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
          Action: 'sns:Publish',
          Resource: ref(topicId),
          Condition: { ArnEquals: { 'aws:SourceArn': publishers } },
        },
      ],
    },
  },
});

/** The alert e-mail subscription, when an address is given. */
export const alertSubscription = (topicId: string, condition: string, emailParameter: string): CfnResource => ({
  Type: 'AWS::SNS::Subscription',
  Condition: condition,
  Properties: {
    TopicArn: ref(topicId),
    Protocol: 'email',
    Endpoint: ref(emailParameter),
  },
});

/**
 * The rule that sends every failed, timed-out or cancelled run of any runbook
 * the stack made to its alert topic, as `message` (Fn::Sub text in which
 * <status>, <execution> and <region> come from the event).
 */
export const runFailedRule = (
  ids: { document: string; topic: string; preflight: string },
  /** Optional: the rule's name, `<stack>-<logical id>-<random>`, already says whose it is. */
  description: CfnValue | undefined,
  message: string,
): CfnResource => ({
  Type: 'AWS::Events::Rule',
  DependsOn: ids.preflight,
  Properties: {
    ...(description ? { Description: description } : {}),
    State: 'ENABLED',
    EventPattern: {
      source: ['aws.ssm'],
      'detail-type': ['EC2 Automation Execution Status-change Notification'],
      detail: {
        Definition: everyRunbookOf(ids.document),
        Status: ALERT_STATUSES,
      },
    },
    Targets: [
      {
        Id: 'AlertTopic',
        Arn: ref(ids.topic),
        InputTransformer: {
          InputPathsMap: {
            status: '$.detail.Status',
            execution: '$.detail.ExecutionId',
            region: '$.region',
          },
          // Plain text, not a quoted JSON string: EventBridge sends a quoted one with its quotes.
          InputTemplate: sub(message),
        },
      },
    ],
  },
});
