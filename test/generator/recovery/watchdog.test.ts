/**
 * The copy-age watchdog as the recovery template declares it: the alarm's
 * definition (what it watches, its threshold, how missing data counts, whom it
 * tells), the hourly rule and its input, the first check, the permissions and
 * the dashboard.
 */
import { buildRecoveryTemplate } from '../../../generator/recovery/template';
import { RECOVERY_CONDITION, RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { WATCHDOG_CONDITION, WATCHDOG_ID, WATCHDOG_INTERVAL_SECONDS, WATCHDOG_SCHEDULE } from '../../../generator/recovery/watchdog';
import { longestGapHours } from '../../../custom-resource/shared/schedule-interval';
import { RECOVERY_DATA, RECOVERY_METRIC, RECOVERY_PARAM } from '../../../custom-resource/recovery/contract';
import { WATCHDOG_FIRST_CHECK_TYPE, WatchdogInput } from '../../../custom-resource/recovery/watchdog/contract';

const template = buildRecoveryTemplate('exports.handler=async()=>{};');
const resources = template.Resources;
const props = (logicalId: string) => resources[logicalId].Properties as { [key: string]: any };
const threshold = { 'Fn::GetAtt': [RECOVERY_ID.preflight, RECOVERY_DATA.allowedCopyAgeHours] };

/** Fn::Sub's text with the given names replaced, the way CloudFormation would. */
function substitute(sub: any, values: { [name: string]: string }): string {
  const [text, variables] = Array.isArray(sub['Fn::Sub']) ? sub['Fn::Sub'] : [sub['Fn::Sub'], {}];
  return text.replace(/\$\{([A-Za-z0-9:.]+)\}/g, (_: string, name: string) => {
    if (name in values) return values[name];
    if (name in variables) return values[`var:${name}`];
    throw new Error(`unresolved \${${name}} in ${text}`);
  });
}

describe('the copy-age alarm', () => {
  const alarm = props(WATCHDOG_ID.alarm);

  it("watches the newest copy's age that the check publishes, for this stack only", () => {
    expect(alarm).toMatchObject({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: { Ref: 'AWS::StackName' } }],
    });
  });

  it('fires when the age passes the allowed staleness the preflight computed', () => {
    expect(alarm.Threshold).toEqual(threshold);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(alarm.Statistic).toBe('Maximum');
  });

  it('judges every check on its own: one period per check interval, one period to alarm', () => {
    // Half past each hour: the furthest a run can be from the boundaries of the alarm's clock-hour periods.
    expect(WATCHDOG_SCHEDULE).toBe('cron(30 * * * ? *)');
    expect(longestGapHours(WATCHDOG_SCHEDULE)! * 3600).toBe(WATCHDOG_INTERVAL_SECONDS);
    expect(alarm.Period).toBe(WATCHDOG_INTERVAL_SECONDS);
    expect(alarm.EvaluationPeriods).toBe(1);
    expect(props(WATCHDOG_ID.schedule).ScheduleExpression).toBe(WATCHDOG_SCHEDULE);
  });

  it('treats a missing datapoint as breaching, so a broken check alarms too', () => {
    expect(alarm.TreatMissingData).toBe('breaching');
  });

  it("tells the alert topic when it fires and when it clears, and the topic lets only this stack's alarms publish", () => {
    expect(alarm.AlarmActions).toEqual([{ Ref: RECOVERY_ID.alertTopic }]);
    expect(alarm.OKActions).toEqual([{ Ref: RECOVERY_ID.alertTopic }]);
    const statements = props(RECOVERY_ID.alertTopicPolicy).PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
      Action: 'sns:Publish',
      Resource: { Ref: RECOVERY_ID.alertTopic },
      Condition: {
        ArnEquals: {
          'aws:SourceArn': [
            { 'Fn::GetAtt': [RECOVERY_ID.runFailedRule, 'Arn'] },
            { 'Fn::GetAtt': [WATCHDOG_ID.alarm, 'Arn'] },
            { 'Fn::If': ['DrillsEnabled', { 'Fn::GetAtt': ['DrillScheduleFailedAlarm', 'Arn'] }, { Ref: 'AWS::NoValue' }] },
          ],
        },
      },
    });
  });

  it('says what it means and what to check first (the reason CloudWatch adds gives the age and the allowed age)', () => {
    const text = substitute(alarm.AlarmDescription, {
      [RECOVERY_PARAM.cluster]: 'orders-prod',
      [RECOVERY_ID.preflightLogGroup]: '/aws/lambda/orders-prod-recovery-preflight',
    });
    expect(text).toBe(
      'Newest copy of orders-prod too old (datapoint: age, h) or not checked (log /aws/lambda/orders-prod-recovery-preflight). ' +
        'See aurora-snapshot-dr status.',
    );
    expect(text.length).toBeLessThanOrEqual(1024);
  });

  it('is created after the first check has published a datapoint, so a new stack does not page', () => {
    expect(resources[WATCHDOG_ID.alarm].DependsOn).toBe(WATCHDOG_ID.firstCheck);
    expect(resources[WATCHDOG_ID.firstCheck].Type).toBe(WATCHDOG_FIRST_CHECK_TYPE);
    // The request carries the stack's id; the check reads which copies to watch from the stack's parameters.
    expect(props(WATCHDOG_ID.firstCheck)).toEqual({
      ServiceToken: { 'Fn::GetAtt': [RECOVERY_ID.preflightFunction, 'Arn'] },
      ServiceTimeout: props(WATCHDOG_ID.firstCheck).ServiceTimeout,
    });
    expect(props(WATCHDOG_ID.firstCheck).ServiceTimeout).toBeLessThanOrEqual(300);
  });
});

describe('the hourly check', () => {
  it("invokes the preflight's function with this stack's id, whose parameters name the copies to look for", () => {
    const [target] = props(WATCHDOG_ID.schedule).Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [RECOVERY_ID.preflightFunction, 'Arn'] });
    const input: WatchdogInput = JSON.parse(
      substitute(target.Input, {
        [RECOVERY_PARAM.sourceStackId]: 'arn:aws:cloudformation:us-east-1:111122223333:stack/orders-dr/1',
        [RECOVERY_PARAM.cluster]: 'orders-prod',
        'AWS::StackId': 'arn:aws:cloudformation:us-west-2:111122223333:stack/orders-recovery/2',
      }),
    );
    expect(input).toEqual({
      RecoveryStackId: 'arn:aws:cloudformation:us-west-2:111122223333:stack/orders-recovery/2',
    });
    expect(props(WATCHDOG_ID.permission)).toEqual({
      FunctionName: { Ref: RECOVERY_ID.preflightFunction },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [WATCHDOG_ID.schedule, 'Arn'] },
    });
  });

  it('may read only this stack, the runs and its own copy ages beside the preflight; lists, deletes and publishes under the run policy, which it waits for', () => {
    const statements: any[] = props(RECOVERY_ID.preflightRole).Policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'ssm:GetAutomationExecution'],
      Resource: [{ Ref: 'AWS::StackId' }, { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*' }],
    });
    // GetMetricData has no resource type (Service Authorization Reference); it reads, and only metrics.
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: ['*'] });
    // What the hourly check shares with the runs (list clusters, delete ended drills, publish) is the run policy's, once.
    const run: any[] = props(RECOVERY_ID.runPolicy).PolicyDocument.Statement.filter((s: any) => !('Fn::If' in s));
    const publish = run.filter((s) => s.Action.includes('cloudwatch:PutMetricData'));
    expect(publish).toHaveLength(1);
    expect(publish[0].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': RECOVERY_METRIC.namespace } });
    expect(run.filter((s) => s.Action.includes('rds:DeleteDBCluster'))).toHaveLength(1);
    for (const s of statements) expect(s.Action.filter((a: string) => /^rds:Delete|PutMetricData/.test(a))).toEqual([]);
    expect(resources[WATCHDOG_ID.firstCheck].DependsOn).toBe(RECOVERY_ID.runPolicy);
    // The copies, the clusters and their instances, read by the preflight, the check and the runs alike.
    const listing = statements.find((s) => s.Action.includes('rds:DescribeDBClusterSnapshots'));
    expect(listing.Action).toEqual(expect.arrayContaining(['rds:DescribeDBClusters', 'rds:DescribeDBInstances']));
    expect(listing.Resource).toContainEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:*' });
  });
});

describe('the recovery objectives dashboard', () => {
  const dashboard = resources[WATCHDOG_ID.dashboard];

  it('exists only when CreateDashboard is true', () => {
    expect(dashboard.Condition).toBe(WATCHDOG_CONDITION.dashboard);
    expect(template.Conditions![WATCHDOG_CONDITION.dashboard]).toEqual({ 'Fn::Equals': [{ Ref: RECOVERY_PARAM.dashboard }, 'true'] });
    expect(template.Parameters[RECOVERY_PARAM.dashboard].AllowedValues).toEqual(['true', 'false']);
    expect(Object.keys(template.Conditions!)).toEqual(expect.arrayContaining(Object.values(RECOVERY_CONDITION)));
  });

  it("takes its body from the preflight, which builds it beside the metrics' code (custom-resource/recovery/dashboard.ts)", () => {
    expect((dashboard.Properties as any).DashboardBody).toEqual({ 'Fn::GetAtt': [RECOVERY_ID.preflight, RECOVERY_DATA.dashboardBody] });
  });
});
