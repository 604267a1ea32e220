import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildTemplate } from '../../../generator/dr/template';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import {
  RECOVERY_TEMPLATE_BASENAME,
  TEMPLATE_BODY_LIMIT_BYTES,
  TEMPLATE_DIR,
  renderRecoveryTemplates,
} from '../../../generator/main';
import { buildRecoveryTemplate } from '../../../generator/recovery/template';
import {
  buildRecoveryRunbook,
  RECOVERY_DOC_PARAM,
  RECOVERY_STEP,
} from '../../../generator/recovery/document';
import { RECOVERY_CONDITION, RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { CfnResource, CfnValue } from '../../../generator/shared/cfn';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { scheduleProblem } from '../../../custom-resource/shared/schedule';
import {
  RECOVERY_DATA,
  RECOVERY_PARAM,
  RECOVERY_PARAMETERS_OUTPUT,
  RECOVERY_PREFLIGHT_PROPERTY_NAMES,
  RECOVERY_PREFLIGHT_RESOURCE_TYPE,
  RESTORE_KIND,
  RESTORE_TAG,
} from '../../../custom-resource/recovery/contract';

const template = buildRecoveryTemplate('exports.handler=async()=>{};');
const source = buildTemplate('exports.handler=async()=>{};');
const resources = template.Resources;
type Statement = { Sid: string; Action: string[]; Resource: CfnValue[]; Condition?: Record<string, Record<string, CfnValue>> };

function statementsOf(logicalId: string): Statement[] {
  const props = resources[logicalId].Properties as { Policies?: { PolicyDocument: { Statement: Statement[] } }[]; PolicyDocument?: { Statement: Statement[] } };
  return props.PolicyDocument ? props.PolicyDocument.Statement : props.Policies!.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe('generated recovery template files', () => {
  const rendered = renderRecoveryTemplates();

  it.each(['yaml', 'json'] as const)('committed templates/%s is byte-for-byte what the generator writes', (extension) => {
    const committed = fs.readFileSync(path.join(TEMPLATE_DIR, `${RECOVERY_TEMPLATE_BASENAME}.${extension}`), 'utf8');
    expect(committed).toBe(rendered[extension]);
  });

  it.each(['yaml', 'json'] as const)('%s fits the 51,200-byte TemplateBody limit', (extension) => {
    expect(Buffer.byteLength(rendered[extension])).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT_BYTES);
  });

  it('renders identical bytes twice', () => {
    expect(renderRecoveryTemplates()).toEqual(rendered);
  });
});

describe('recovery parameters', () => {
  it('has every parameter of the contract, and no other', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(Object.values(RECOVERY_PARAM).sort());
  });

  it.each([
    [RECOVERY_PARAM.sourceSchedule, 'cron(0 3 * * ? *)'],
    [RECOVERY_PARAM.copyTimeout, 12],
    [RECOVERY_PARAM.maxCopyAge, 0],
    [RECOVERY_PARAM.dashboard, 'true'],
    [RECOVERY_PARAM.alertEmail, ''],
  ])('defaults %s to %p', (name, value) => {
    expect(template.Parameters[name].Default).toBe(value);
  });

  it('leaves no default for what identifies the copies and the network', () => {
    for (const name of [RECOVERY_PARAM.cluster, RECOVERY_PARAM.sourceStackId, RECOVERY_PARAM.kmsKey, RECOVERY_PARAM.subnetGroup, RECOVERY_PARAM.securityGroups]) {
      expect(template.Parameters[name].Default).toBeUndefined();
    }
  });

  it('groups every parameter once for the console, under the names the source stack output gives', () => {
    const ui = template.Metadata['AWS::CloudFormation::Interface'] as { ParameterGroups: { Parameters: string[] }[]; ParameterLabels?: object };
    const grouped = ui.ParameterGroups.flatMap((group) => group.Parameters);
    expect(grouped.sort()).toEqual(Object.values(RECOVERY_PARAM).sort());
    expect(ui.ParameterLabels).toBeUndefined();
  });

  it.each([
    ['a stack ARN', RECOVERY_PARAM.sourceStackId, 'arn:aws:cloudformation:us-east-1:111122223333:stack/orders-dr/6c1f2a10-0a1b-11f1-9f6b-0a1b2c3d4e5f', true],
    ['a stack name', RECOVERY_PARAM.sourceStackId, 'orders-dr', false],
    ['two security groups', RECOVERY_PARAM.securityGroups, 'sg-0123456789abcdef0,sg-0fedcba9', true],
    ['a security group name', RECOVERY_PARAM.securityGroups, 'default', false],
    ['a security group name after an id', RECOVERY_PARAM.securityGroups, 'sg-0123456789abcdef0,default', false],
    ['spaces around the comma', RECOVERY_PARAM.securityGroups, 'sg-0123456789abcdef0 , sg-0fedcba9', false],
    // RDS stores identifiers in lowercase; the source stack's preflight lets no other through.
    ['a lowercase cluster identifier', RECOVERY_PARAM.cluster, 'orders-db-2', true],
    ['an upper-case cluster identifier', RECOVERY_PARAM.cluster, 'Orders-DB', false],
    ['a trailing hyphen', RECOVERY_PARAM.cluster, 'orders-', false],
    ['a cluster ARN', RECOVERY_PARAM.cluster, 'arn:aws:rds:us-east-1:111122223333:cluster:orders', false],
  ])('AllowedPattern accepts %s: %s %p -> %p', (_, name, value, ok) => {
    expect(new RegExp(template.Parameters[name].AllowedPattern!).test(value as string)).toBe(ok);
  });

  // The console takes any schedule text: the preflight and the CLI judge both with the one schedule rule.
  it.each([
    ['a weekly drill', RECOVERY_PARAM.drillSchedule, 'cron(0 5 ? * SUN *)', true],
    ['a drill schedule in words', RECOVERY_PARAM.drillSchedule, 'weekly', false],
    ['a daily source schedule', RECOVERY_PARAM.sourceSchedule, 'cron(0 3 * * ? *)', true],
    ['an empty source schedule', RECOVERY_PARAM.sourceSchedule, '', false],
  ])('leaves %s to the one schedule rule: %s %p -> %p', (_, name, value, ok) => {
    expect(template.Parameters[name].AllowedPattern).toBeUndefined();
    expect(scheduleProblem(value as string) === undefined).toBe(ok);
  });
});

describe('the recovery preflight', () => {
  it('is the contract custom resource, given every contract property', () => {
    const preflight = resources[RECOVERY_ID.preflight];
    expect(preflight.Type).toBe(RECOVERY_PREFLIGHT_RESOURCE_TYPE);
    const { ServiceToken, ServiceTimeout, CodeVersion, ...properties } = preflight.Properties!;
    expect(ServiceToken).toEqual({ 'Fn::GetAtt': [RECOVERY_ID.preflightFunction, 'Arn'] });
    expect(ServiceTimeout).toBeDefined();
    // New code re-runs the check (and the first copy-age measure) on the update that brings it.
    expect(CodeVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(properties).sort()).toEqual([...RECOVERY_PREFLIGHT_PROPERTY_NAMES].sort());
  });

  it.each(Object.keys(resources).filter((id) => !id.startsWith('RecoveryPreflight')))(
    '%s is created after the preflight check',
    (id) => {
      const text = JSON.stringify(resources[id]);
      const direct = text.includes(RECOVERY_ID.preflight) || JSON.stringify(resources[id].DependsOn ?? '').includes(RECOVERY_ID.preflight);
      const viaOthers = [RECOVERY_ID.alertTopic, RECOVERY_ID.runFailedRule, RECOVERY_ID.drillTriggerRole, RECOVERY_ID.document].some(
        (other) => other !== id && text.includes(`"${other}"`),
      );
      expect(direct || viaOthers).toBe(true);
    },
  );
});

describe('recovery IAM', () => {
  // The runbook's work is done by the stack's function, under the run policy on its role; its one statement
  // behind a condition (Fn::If) is the drill validation function's, tested on its own below.
  const [statements, conditional] = [
    statementsOf(RECOVERY_ID.runPolicy).filter((s) => !('Fn::If' in s)),
    statementsOf(RECOVERY_ID.runPolicy).filter((s) => 'Fn::If' in s) as unknown as { 'Fn::If': [string, Statement, unknown] }[],
  ];

  it('invokes the drill validation function, by its ARN in this account and Region, only when the stack names one', () => {
    expect(conditional).toEqual([
      {
        'Fn::If': [
          RECOVERY_CONDITION.hasDrillValidation,
          {
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction'],
            Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${${RECOVERY_PARAM.drillValidation}}` }],
          },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ]);
    expect(template.Conditions![RECOVERY_CONDITION.hasDrillValidation]).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: RECOVERY_PARAM.drillValidation }, ''] }],
    });
  });

  it('lets the automation role only invoke the stack function, and puts the run policy on that function role only', () => {
    expect(statementsOf(RECOVERY_ID.automationRole)).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::GetAtt': [RECOVERY_ID.preflightFunction, 'Arn'] }] },
    ]);
    expect(resources[RECOVERY_ID.runPolicy].Properties!.Roles).toEqual([{ Ref: RECOVERY_ID.preflightRole }]);
  });
  const withAction = (action: string) => statements.filter((s) => s.Action.includes(action));

  it.each(['rds:DeleteDBCluster', 'rds:DeleteDBInstance'])(
    '%s only touches what carries this stack ARN and kind=drill',
    (action) => {
      const found = withAction(action);
      expect(found).toHaveLength(1);
      expect(found[0].Condition).toEqual({
        StringEquals: {
          [`aws:ResourceTag/${RESTORE_TAG.stackId}`]: { Ref: 'AWS::StackId' },
          [`aws:ResourceTag/${RESTORE_TAG.kind}`]: RESTORE_KIND.drill,
        },
      });
    },
  );

  it('modifies only its own clusters, and only in calls that hand the password to Secrets Manager; it removes no tag', () => {
    expect(statements.flatMap((s) => s.Action).filter((a) => /RemoveTags|ModifyDBInstance/.test(a))).toEqual([]);
    const [modify, ...others] = withAction('rds:ModifyDBCluster');
    expect(others).toEqual([]);
    expect(modify.Condition).toEqual({
      StringEquals: { [`aws:ResourceTag/${RESTORE_TAG.stackId}`]: { Ref: 'AWS::StackId' } },
      Bool: { 'rds:ManageMasterUserPassword': 'true' },
    });
  });

  it('changes only parameter groups of its own prefix that carry its tag, and deletes none', () => {
    for (const action of ['rds:ModifyDBClusterParameterGroup', 'rds:ModifyDBParameterGroup', 'rds:ResetDBClusterParameterGroup', 'rds:ResetDBParameterGroup']) {
      const [statement, ...others] = withAction(action);
      expect(others).toEqual([]);
      expect(JSON.stringify(statement.Resource.filter((r) => JSON.stringify(r).includes('pg:')))).not.toMatch(/pg:\*"/);
      expect(statement.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${RESTORE_TAG.stackId}`]: { Ref: 'AWS::StackId' } } });
    }
    expect(statements.flatMap((s) => s.Action).filter((a) => /Delete.*ParameterGroup/.test(a))).toEqual([]);
  });

  // What each condition lets through and keeps out is proven by the policy simulator in test/iam.
  it.each(['rds:CreateDBInstance', 'rds:AddTagsToResource'])('%s needs this stack ARN on the request or on the cluster', (action) => {
    for (const statement of withAction(action)) {
      expect(Object.keys(statement.Condition!.StringEquals)).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^aws:(RequestTag|ResourceTag)/${RESTORE_TAG.stackId}$`))]),
      );
    }
  });

  it('restores only the source stack copies, into clusters tagged with this stack on create', () => {
    const restore = withAction('rds:RestoreDBClusterFromSnapshot');
    const snapshotStatement = restore.find((s) => JSON.stringify(s.Resource).includes('cluster-snapshot'))!;
    expect(snapshotStatement.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: { Ref: RECOVERY_PARAM.sourceStackId } } });
    for (const statement of restore.filter((s) => s !== snapshotStatement)) {
      expect(statement.Condition!.StringEquals[`aws:RequestTag/${RESTORE_TAG.stackId}`]).toEqual({ Ref: 'AWS::StackId' });
    }
  });

  it.each(['rds:RestoreDBClusterFromSnapshot', 'rds:CreateDBInstance'])(
    '%s may use the default option and parameter groups, which IAM authorises though the call names none',
    (action) => {
      const resources = JSON.stringify(withAction(action).flatMap((s) => s.Resource));
      for (const group of ['og:default*', 'pg:default*', 'cluster-pg:default*']) {
        expect(resources).toContain(`${RECOVERY_ID.preflight}.${RECOVERY_DATA.rdsArn}}${group}`);
      }
    },
  );

  it('uses only the resolved target key, through RDS grants', () => {
    const kms = statements.filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    for (const statement of kms) {
      expect(statement.Resource).toEqual([{ 'Fn::GetAtt': [RECOVERY_ID.preflight, RECOVERY_DATA.targetKeyArn] }]);
    }
    expect(withAction('kms:CreateGrant')[0].Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  });

  it('names every resource except PutMetricData, which is held to the namespace', () => {
    const wildcards = statements.filter((s) => s.Resource.includes('*'));
    expect(wildcards.map((s) => s.Action)).toEqual([['cloudwatch:PutMetricData']]);
    expect(wildcards[0].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'AuroraSnapshotDR' } });
  });

  it('lets the drill schedule start only this runbook, passing only the automation role', () => {
    const trigger = statementsOf(RECOVERY_ID.drillTriggerRole);
    expect(trigger.flatMap((s) => s.Action).sort()).toEqual(['iam:PassRole', 'ssm:StartAutomationExecution']);
    expect(JSON.stringify(trigger)).toContain(`automation-definition/\${${RECOVERY_ID.document}}`);
  });
});

describe('drill schedule and alerts', () => {
  it('turns drills off when the schedule is empty', () => {
    const rule = resources[RECOVERY_ID.drillScheduleRule];
    expect(rule.Condition).toBe(RECOVERY_CONDITION.drillsEnabled);
    expect(template.Conditions![RECOVERY_CONDITION.drillsEnabled]).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: RECOVERY_PARAM.drillSchedule }, ''] }],
    });
  });

  it('starts the runbook with Kind=drill, which assumes the automation role it names itself', () => {
    const [target] = (resources[RECOVERY_ID.drillScheduleRule].Properties as { Targets: { Input: string }[] }).Targets;
    expect(JSON.parse(target.Input)).toEqual({ [RECOVERY_DOC_PARAM.kind]: [RESTORE_KIND.drill] });
    expect(buildRecoveryRunbook().assumeRole).toBe(`\${${RECOVERY_ID.automationRole}.Arn}`);
  });

  type FailureRule = {
    EventPattern: { detail: { Definition: CfnValue[]; Status: string[] } };
    Targets: { Arn: CfnValue; InputTransformer: { InputTemplate: { 'Fn::Sub': string } } }[];
  };
  const failureRule = resources[RECOVERY_ID.runFailedRule].Properties as FailureRule;

  it('alerts the topic when a run of any runbook of this stack fails, times out or is cancelled', () => {
    expect(failureRule.EventPattern.detail).toEqual({
      Definition: [{ Ref: RECOVERY_ID.document }, { prefix: { 'Fn::Sub': `\${AWS::StackName}-${RECOVERY_ID.document}-` } }],
      Status: ['Failed', 'TimedOut', 'Cancelled'],
    });
    expect(failureRule.Targets[0].Arn).toEqual({ Ref: RECOVERY_ID.alertTopic });
    expect(failureRule.Targets[0].InputTransformer.InputTemplate['Fn::Sub']).toContain('aws ssm get-automation-execution');
  });

  it('hears runs of a runbook this stack replaced: CloudFormation names each <stack>-<logical id>-<suffix>', () => {
    const prefixes = failureRule.EventPattern.detail.Definition.flatMap((match) =>
      typeof match === 'object' && !Array.isArray(match) && 'prefix' in match ? [(match.prefix as { 'Fn::Sub': string })['Fn::Sub']] : [],
    );
    const heard = (name: string): boolean => prefixes.some((p) => name.startsWith(p.replace('${AWS::StackName}', 'orders-prod-recovery')));
    expect(heard('orders-prod-recovery-RecoveryRunbook-Xk3fP0aLq2Zt')).toBe(true);
    expect(heard('orders-prod-recovery-RecoveryRunbook-9QwErTy12345')).toBe(true);
    expect(heard('orders-test-recovery-RecoveryRunbook-Xk3fP0aLq2Zt')).toBe(false);
    expect(heard('orders-prod-dr-SnapshotCopyRunbook-Xk3fP0aLq2Zt')).toBe(false);
  });

  it('keeps the runbook name across updates: a changed runbook becomes a new version of the same document', () => {
    expect(resources[RECOVERY_ID.document].Properties?.UpdateMethod).toBe('NewVersion');
  });

  it('sends the alert as plain text, which e-mail shows without quotes', () => {
    const text = failureRule.Targets[0].InputTransformer.InputTemplate['Fn::Sub'];
    expect(text).toMatch(/^Aurora snapshot DR: a drill or restore of the \$\{DBClusterIdentifier\} copies ended <status>/);
    expect(text).not.toMatch(/^"|"$/);
  });

  it('retries a failed start of a drill for up to an hour, as the copy schedule does', () => {
    const target = (props: CfnResource['Properties']) => (props as { Targets: Record<string, CfnValue>[] }).Targets[0];
    expect(target(resources[RECOVERY_ID.drillScheduleRule].Properties).RetryPolicy).toEqual({
      MaximumEventAgeInSeconds: 3600,
      MaximumRetryAttempts: 20,
    });
    expect(target(resources[RECOVERY_ID.drillScheduleRule].Properties).RetryPolicy).toEqual(
      target(source.Resources[LOGICAL_ID.scheduleRule].Properties).RetryPolicy,
    );
  });

  describe('a drill the schedule cannot start', () => {
    const alarm = resources[RECOVERY_ID.drillScheduleFailedAlarm];

    it("alarms the alert topic on the drill rule's FailedInvocations, only when drills are on", () => {
      expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
      expect(alarm.Condition).toBe(RECOVERY_CONDITION.drillsEnabled);
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: [{ Name: 'RuleName', Value: { Ref: RECOVERY_ID.drillScheduleRule } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: RECOVERY_ID.alertTopic }],
      });
    });

    it("is the source stack's schedule alarm but for its rule, topic, description and condition", () => {
      const sourceAlarm = source.Resources[LOGICAL_ID.scheduleFailedAlarm];
      const common = (props: CfnResource['Properties']) => {
        const { AlarmDescription, Dimensions, AlarmActions, ...rest } = props as Record<string, CfnValue>;
        return rest;
      };
      expect(common(alarm.Properties)).toEqual(common(sourceAlarm.Properties));
    });

    it('names the drill role and the Automation quotas in its description', () => {
      const text = (alarm.Properties?.AlarmDescription as { 'Fn::Sub': string })['Fn::Sub'];
      expect(text).toContain(RECOVERY_ID.drillTriggerRole);
      expect(text).toContain('Automation quotas');
    });

    it("may publish to the topic, whose policy replaces the default one; with drills off the policy names no missing alarm", () => {
      const statements = (resources[RECOVERY_ID.alertTopicPolicy].Properties as { PolicyDocument: { Statement: Record<string, CfnValue>[] } })
        .PolicyDocument.Statement;
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
        Action: 'sns:Publish',
        Resource: { Ref: RECOVERY_ID.alertTopic },
      });
      expect((statements[0].Condition as { ArnEquals: { 'aws:SourceArn': CfnValue[] } }).ArnEquals['aws:SourceArn']).toContainEqual({
        'Fn::If': [RECOVERY_CONDITION.drillsEnabled, { 'Fn::GetAtt': [RECOVERY_ID.drillScheduleFailedAlarm, 'Arn'] }, { Ref: 'AWS::NoValue' }],
      });
    });
  });

  it('subscribes the alert e-mail only when one is given', () => {
    expect(resources[RECOVERY_ID.alertSubscription].Condition).toBe(RECOVERY_CONDITION.hasAlertEmail);
  });
});

describe('the recovery runbook', () => {
  const runbook = buildRecoveryRunbook();

  it('restores, looks at the restore until it is ready (pausing between looks), then ends in Verify, whose report is the output', () => {
    expect(runbook.mainSteps.map((step) => step.name)).toEqual([
      RECOVERY_STEP.restore,
      RECOVERY_STEP.waiting,
      RECOVERY_STEP.pause,
      RECOVERY_STEP.verify,
    ]);
    expect(runbook.outputs).toEqual([`${RECOVERY_STEP.verify}.Payload`]);
    const byName = Object.fromEntries(runbook.mainSteps.map((step) => [step.name, step]));
    expect(byName[RECOVERY_STEP.waiting].inputs).toEqual({
      Choices: [{ NextStep: RECOVERY_STEP.pause, Variable: `{{ ${RECOVERY_STEP.restore}.Payload }}`, Contains: 'waiting' }],
      Default: RECOVERY_STEP.verify,
    });
    expect(byName[RECOVERY_STEP.pause].nextStep).toBe(RECOVERY_STEP.restore);
    expect(runbook.mainSteps.at(-1)!.isEnd).toBe(true);
  });

  it('has the stack function do the work of each step, and of nothing else', () => {
    const invoked = runbook.mainSteps.filter((s) => s.action === 'aws:invokeLambdaFunction');
    expect(invoked.map((s) => [s.name, (s.inputs.InputPayload as { RecoveryRunStep: string }).RecoveryRunStep])).toEqual([
      [RECOVERY_STEP.restore, 'advance'],
      [RECOVERY_STEP.verify, 'finish'],
    ]);
    for (const step of invoked) expect(step.inputs.FunctionName).toBe(`\${${RECOVERY_ID.preflightFunction}}`);
  });

  it.each(buildRecoveryRunbook().mainSteps.slice(0, -1).map((step) => step.name))(
    '%s goes to Verify on failure, timeout and cancel',
    (name) => {
      const step = runbook.mainSteps.find((s) => s.name === name)!;
      expect(step.onFailure).toBe(`step:${RECOVERY_STEP.verify}`);
      expect(step.onCancel).toBe(`step:${RECOVERY_STEP.verify}`);
    },
  );

  it('is a restore unless asked for a drill', () => {
    expect(runbook.parameters[RECOVERY_DOC_PARAM.kind]).toMatchObject({ default: RESTORE_KIND.restore, allowedValues: ['restore', 'drill'] });
  });
});

describe("the source stack's output for the recovery stack", () => {
  const source = buildTemplate('exports.handler=async()=>{};');
  const output = source.Outputs[RECOVERY_PARAMETERS_OUTPUT];
  const text = (output.Value as { 'Fn::Sub': string })['Fn::Sub'];

  it('names the source stack, cluster, resolved key, schedule and copy timeout as recovery parameters', () => {
    const pairs = Object.fromEntries([...text.matchAll(/"([A-Za-z]+)=([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(pairs).toEqual({
      [RECOVERY_PARAM.sourceStackId]: '${AWS::StackId}',
      [RECOVERY_PARAM.cluster]: '${DBClusterIdentifier}',
      [RECOVERY_PARAM.kmsKey]: `\${${LOGICAL_ID.preflight}.TargetKeyArn}`,
      [RECOVERY_PARAM.sourceSchedule]: '${ScheduleExpression}',
      [RECOVERY_PARAM.copyTimeout]: '${CopyTimeoutHours}',
    });
  });

  it('resolves to values the recovery template accepts, the cron schedule kept whole by its quotes', () => {
    const resolved = text
      .replace('${AWS::StackId}', 'arn:aws:cloudformation:us-east-1:111122223333:stack/orders-dr/6c1f2a10-0a1b-11f1-9f6b-0a1b2c3d4e5f')
      .replace('${DBClusterIdentifier}', 'orders-db')
      .replace(`\${${LOGICAL_ID.preflight}.TargetKeyArn}`, 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')
      .replace('${ScheduleExpression}', 'cron(0 3 * * ? *)')
      .replace('${CopyTimeoutHours}', '12');
    const words = [...resolved.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    expect(words).toHaveLength(5);
    for (const word of words) {
      const [name, value] = [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)];
      const spec = template.Parameters[name];
      if (spec.AllowedPattern) expect(new RegExp(spec.AllowedPattern).test(value)).toBe(true);
    }
  });

  it('stays within 400 bytes of the YAML template', () => {
    expect(Buffer.byteLength(yaml.dump({ [RECOVERY_PARAMETERS_OUTPUT]: output }, { lineWidth: -1 }))).toBeLessThanOrEqual(400);
  });
});
