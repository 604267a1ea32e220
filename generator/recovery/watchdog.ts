/**
 * The copy-age watchdog of the recovery stack, in the target Region so that it
 * still works when the source Region does not: every hour the recovery
 * preflight's function publishes the age of the newest copy
 * (custom-resource/recovery/watchdog/), an alarm fires when that age passes the allowed
 * staleness — or when the metric stops arriving, because then the check
 * itself is broken — and an optional dashboard shows the recovery objectives
 * (the copy age, the worst-case RPO, the drills' RTO split and copy age).
 *
 * The check shares the preflight's function rather than shipping a second
 * inline bundle, role and log group: the template must stay under 51,200
 * bytes, and the shared function already holds the reply wrapper and the copy
 * listing. What that costs in privilege is small and read-only (see
 * watchdogStatements).
 */
import { AWS, CfnResource, CfnValue, PolicyStatement, equals, getAtt, getAttList, ref, sub } from '../shared/cfn';
import { PREFLIGHT_SERVICE_TIMEOUT_SECONDS } from '../shared/preflight';
import { RECOVERY_ID } from './logical-ids';
import { RECOVERY_DATA, RECOVERY_METRIC, RECOVERY_PARAM } from '../../custom-resource/recovery/contract';
import { WATCHDOG_FIRST_CHECK_TYPE, WatchdogInput } from '../../custom-resource/recovery/watchdog/contract';

export const WATCHDOG_ID = {
  schedule: 'WatchdogScheduleRule',
  permission: 'WatchdogInvokePermission',
  firstCheck: 'WatchdogFirstCheck',
  alarm: 'CopyAgeAlarm',
  dashboard: 'RecoveryDashboard',
} as const;

export const WATCHDOG_CONDITION = { dashboard: 'DashboardEnabled' } as const;

/**
 * How often the check runs; the alarm's period is the same, so each period holds
 * one measurement. At half past each hour, not rate(1 hour): a rate runs at an
 * offset from the rule's creation, and one near the hour could, with a little
 * jitter, leave a clock-hour period empty, which the alarm counts as breaching.
 */
export const WATCHDOG_INTERVAL_SECONDS = 3600;
export const WATCHDOG_SCHEDULE = 'cron(30 * * * ? *)';

const allowedHours = getAtt(RECOVERY_ID.preflight, RECOVERY_DATA.allowedCopyAgeHours);
const functionArn = getAtt(RECOVERY_ID.preflightFunction, 'Arn');

/** What the rule passes: the copies to look for and the stack that watches them. */
const watchdogInput: { [K in keyof WatchdogInput]: string } = { RecoveryStackId: '${AWS::StackId}' };

export const watchdogConditions = (): { [name: string]: CfnValue } => ({
  [WATCHDOG_CONDITION.dashboard]: equals(ref(RECOVERY_PARAM.dashboard), 'true'),
});

/**
 * What the shared function needs for the watchdog beyond the preflight's own
 * statements and the run policy (iam.ts), which the first check waits for:
 * the run policy already lists the clusters, deletes only this stack's drills
 * and publishes only to the recovery namespace, all of which the hourly check
 * does too.
 */
export function watchdogStatements(): PolicyStatement[] {
  return [
    {
      // This stack's parameters and creation time; the runs named in the drill clusters' tags.
      Sid: 'ReadThisStackAndItsDrills',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'ssm:GetAutomationExecution'],
      Resource: [AWS.stackId, sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*')],
    },
    {
      // The ages published before measure the snapshot-plus-copy time; GetMetricData has no resource type.
      Sid: 'ReadCopyAges',
      Effect: 'Allow',
      Action: ['cloudwatch:GetMetricData'],
      Resource: ['*'],
    },
  ];
}

/**
 * The alarm's e-mail carries this; its reason adds the newest copy's age (the
 * datapoint) and the allowed age (the threshold). docs/alarms.md says more.
 */
const ALARM_DESCRIPTION = sub(
  `Newest copy of \${${RECOVERY_PARAM.cluster}} too old (datapoint: age, h) or not checked (log \${${RECOVERY_ID.preflightLogGroup}}). ` +
    'See aurora-snapshot-dr status.',
);

export function watchdogResources(): { [logicalId: string]: CfnResource } {
  return {
    [WATCHDOG_ID.schedule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: WATCHDOG_SCHEDULE,
        State: 'ENABLED',
        Targets: [{ Id: 'Watchdog', Arn: functionArn, Input: sub(JSON.stringify(watchdogInput)) }],
      },
    },
    [WATCHDOG_ID.permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: ref(RECOVERY_ID.preflightFunction),
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: getAttList(WATCHDOG_ID.schedule, 'Arn'),
      },
    },
    [WATCHDOG_ID.firstCheck]: {
      Type: WATCHDOG_FIRST_CHECK_TYPE,
      // It publishes under the run policy's statement.
      DependsOn: RECOVERY_ID.runPolicy,
      Properties: {
        ServiceToken: functionArn,
        // The request carries the stack's id, from which the check reads the rest.
        ServiceTimeout: PREFLIGHT_SERVICE_TIMEOUT_SECONDS,
      },
    },
    [WATCHDOG_ID.alarm]: {
      Type: 'AWS::CloudWatch::Alarm',
      DependsOn: WATCHDOG_ID.firstCheck,
      Properties: {
        AlarmDescription: ALARM_DESCRIPTION,
        Namespace: RECOVERY_METRIC.namespace,
        MetricName: RECOVERY_METRIC.newestCopyAgeHours,
        Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: AWS.stackName }],
        Statistic: 'Maximum',
        Period: WATCHDOG_INTERVAL_SECONDS,
        EvaluationPeriods: 1,
        Threshold: allowedHours,
        ComparisonOperator: 'GreaterThanThreshold',
        // No datapoint means the check is broken: that must alarm too.
        TreatMissingData: 'breaching',
        AlarmActions: [ref(RECOVERY_ID.alertTopic)],
        OKActions: [ref(RECOVERY_ID.alertTopic)],
      },
    },
    [WATCHDOG_ID.dashboard]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Condition: WATCHDOG_CONDITION.dashboard,
      Properties: { DashboardBody: getAtt(RECOVERY_ID.preflight, RECOVERY_DATA.dashboardBody) },
    },
  };
}
