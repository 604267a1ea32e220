/**
 * `deploy` on the paths moto cannot produce (it creates every stack at once
 * and never rolls back): a failed preflight, ROLLBACK_COMPLETE, stacks busy or
 * stuck, progress across several polls. aws-sdk-client-mock stands in for
 * CloudFormation; nothing leaves the process.
 */
import 'aws-sdk-client-mock-jest';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  Stack,
  StackEvent,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import * as fs from 'fs';
import { DEFAULT_TEMPLATE } from '../../../cli/shared/validate';
import { DEPLOY_ARGS, runCli, useMockedCloudFormation } from '../support';

const cfn = useMockedCloudFormation();
// An existing stack was deployed from the DR template: deploy reads it to know the stack is this product's.
beforeEach(() => cfn.on(GetTemplateCommand).resolves({ TemplateBody: fs.readFileSync(DEFAULT_TEMPLATE, 'utf8') }));

const NAME = 'orders-prod-dr';
const STACK_ID = `arn:aws:cloudformation:us-east-1:111111111111:stack/${NAME}/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f`;
const OLD_STACK_ID = `arn:aws:cloudformation:us-east-1:111111111111:stack/${NAME}/11111111-0000-11ef-0000-000000000000`;
/** What CloudFormation says when the preflight function replies FAILED: its Reason, wrapped. */
const PREFLIGHT_REASON =
  "Received response status [FAILED] from custom resource. Message returned: KMSTargetKey 'alias/dr-snapshots' was not found in us-west-2 (TargetRegion). Create the key there, or give the ARN of a key in us-west-2. (RequestId: 6f3c1a2e-6d1b-4f0e-9a57-2b8f7c1d0e9a)";

const ARGS = DEPLOY_ARGS;

const notFound = () => Object.assign(new Error(`Stack with id ${NAME} does not exist`), { name: 'ValidationError' });

let clock = Date.parse('2026-11-30T10:02:11Z');
function event(logicalId: string, type: string, status: string, reason?: string, stackId = STACK_ID): StackEvent {
  clock += 1000;
  return {
    EventId: `${logicalId}-${status}-${clock}`,
    StackId: stackId,
    StackName: NAME,
    LogicalResourceId: logicalId,
    PhysicalResourceId: type === 'AWS::CloudFormation::Stack' ? stackId : '',
    ResourceType: type,
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ResourceStatusReason: reason,
    Timestamp: new Date(clock),
  };
}
const stackEvent = (status: string, reason?: string, stackId = STACK_ID) => event(NAME, 'AWS::CloudFormation::Stack', status, reason, stackId);
/** DescribeStackEvents answers newest first. */
const page = (oldestFirst: StackEvent[]) => ({ StackEvents: [...oldestFirst].reverse() });

function stack(status: string, extra: Partial<Stack> = {}): { Stacks: Stack[] } {
  return {
    Stacks: [
      {
        StackName: NAME,
        StackId: STACK_ID,
        StackStatus: status as Stack['StackStatus'],
        CreationTime: new Date('2026-11-30T10:02:10Z'),
        ...extra,
      },
    ],
  };
}

/** The events of a create that the preflight check stops. */
function failedCreateEvents(stackId = STACK_ID): StackEvent[] {
  return [
    stackEvent('CREATE_IN_PROGRESS', 'User Initiated', stackId),
    event('PreflightLogGroup', 'AWS::Logs::LogGroup', 'CREATE_IN_PROGRESS', undefined, stackId),
    event('PreflightRole', 'AWS::IAM::Role', 'CREATE_IN_PROGRESS', undefined, stackId),
    event('PreflightRole', 'AWS::IAM::Role', 'CREATE_COMPLETE', undefined, stackId),
    event('PreflightFunction', 'AWS::Lambda::Function', 'CREATE_COMPLETE', undefined, stackId),
    event('Preflight', 'Custom::AuroraSnapshotDrPreflight', 'CREATE_IN_PROGRESS', undefined, stackId),
    event('PreflightLogGroup', 'AWS::Logs::LogGroup', 'CREATE_FAILED', 'Resource creation cancelled', stackId),
    event('Preflight', 'Custom::AuroraSnapshotDrPreflight', 'CREATE_FAILED', PREFLIGHT_REASON, stackId),
    stackEvent('ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Preflight, PreflightLogGroup]. Rollback requested by user.', stackId),
    event('Preflight', 'Custom::AuroraSnapshotDrPreflight', 'DELETE_COMPLETE', undefined, stackId),
    stackEvent('ROLLBACK_COMPLETE', undefined, stackId),
  ];
}

describe('deploy: a create the preflight check stops', () => {
  it('prints the first failing resource with the preflight reason verbatim, says what to do, and exits 1', async () => {
    const events = failedCreateEvents();
    cfn.on(DescribeStacksCommand, { StackName: NAME }).rejects(notFound());
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page(events.slice(0, 6)))
      .resolves(page(events));
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolvesOnce(stack('CREATE_IN_PROGRESS'))
      .resolves(stack('ROLLBACK_COMPLETE', { StackStatusReason: 'The following resource(s) failed to create: [Preflight].' }));

    const { code, output } = await runCli(ARGS);

    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `Stack ${NAME} ended in ROLLBACK_COMPLETE.`,
      'First failure:',
      'Preflight (Custom::AuroraSnapshotDrPreflight) CREATE_FAILED:',
      `  ${PREFLIGHT_REASON}`,
      expect.stringContaining('Fix the cause, then run the same command with --replace-failed'),
    ]);
    // Every event once, oldest first, across both polls.
    const eventLines = output.stdout.filter((line) => /^\d\d:\d\d:\d\d /.test(line));
    expect(eventLines).toHaveLength(events.length);
    expect(eventLines[0]).toContain('CREATE_IN_PROGRESS');
    expect(eventLines[events.length - 1]).toContain('ROLLBACK_COMPLETE');
    expect(cfn).toHaveReceivedCommandWith(CreateStackCommand, {
      StackName: NAME,
      Capabilities: ['CAPABILITY_IAM'],
      TemplateBody: fs.readFileSync(DEFAULT_TEMPLATE, 'utf8'),
      Parameters: [
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
        { ParameterKey: 'SourceRegion', ParameterValue: 'us-east-1' },
        { ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
      ],
    });
  });

  it('falls back to the stack\'s own reason when no resource reports one', async () => {
    cfn.on(DescribeStacksCommand, { StackName: NAME }).rejects(notFound());
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfn.on(DescribeStackEventsCommand).resolves(page([stackEvent('CREATE_IN_PROGRESS'), stackEvent('ROLLBACK_COMPLETE')]));
    cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack('ROLLBACK_COMPLETE', { StackStatusReason: 'The stack creation timed out.' }));
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    expect(output.stderr).toContain('Reason: The stack creation timed out.');
  });
});

describe('deploy: a stack left in ROLLBACK_COMPLETE by a failed first create', () => {
  beforeEach(() => {
    cfn.on(DescribeStacksCommand, { StackName: NAME }).resolves(stack('ROLLBACK_COMPLETE', { StackId: OLD_STACK_ID }));
  });

  it('is reported with why it failed and how to delete it; nothing is changed and the exit code is 1', async () => {
    cfn.on(DescribeStackEventsCommand, { StackName: OLD_STACK_ID }).resolves(page(failedCreateEvents(OLD_STACK_ID)));
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    const text = output.stderr.join('\n');
    expect(text).toContain(`Stack ${NAME} is in ROLLBACK_COMPLETE: its first create failed, and a stack in that state cannot be updated.`);
    expect(text).toContain(`  ${PREFLIGHT_REASON}`);
    expect(text).toContain(`aws cloudformation delete-stack --region us-east-1 --stack-name ${NAME}`);
    expect(text).toContain('--replace-failed');
    expect(cfn).not.toHaveReceivedCommand(UpdateStackCommand);
    expect(cfn).not.toHaveReceivedCommand(CreateStackCommand);
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it('is deleted and created again with --replace-failed', async () => {
    cfn.on(DescribeStackEventsCommand, { StackName: OLD_STACK_ID }).resolves(page([stackEvent('DELETE_COMPLETE', undefined, OLD_STACK_ID)]));
    cfn.on(DescribeStacksCommand, { StackName: OLD_STACK_ID }).resolves(stack('DELETE_COMPLETE', { StackId: OLD_STACK_ID }));
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfn.on(DescribeStackEventsCommand, { StackName: STACK_ID }).resolves(page([stackEvent('CREATE_IN_PROGRESS'), stackEvent('CREATE_COMPLETE')]));
    cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack('CREATE_COMPLETE', { Outputs: [{ OutputKey: 'RunbookName', OutputValue: 'orders-prod-dr-SnapshotCopyRunbook-AbC123' }] }));

    const { code, output } = await runCli([...ARGS, '--replace-failed']);

    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: OLD_STACK_ID });
    expect(cfn).toHaveReceivedCommandTimes(CreateStackCommand, 1);
    const text = output.stdout.join('\n');
    expect(text.indexOf('Deleting orders-prod-dr')).toBeLessThan(text.indexOf('Creating stack orders-prod-dr'));
    expect(text).toMatch(/^RunbookName +orders-prod-dr-SnapshotCopyRunbook-AbC123$/m);
  });
});

describe('deploy: updates', () => {
  const existing = stack('UPDATE_COMPLETE', {
    Parameters: [
      { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
      { ParameterKey: 'ScheduleExpression', ParameterValue: 'rate(6 hours)' },
      { ParameterKey: 'AlertEmail', ParameterValue: 'dba@example.com' },
    ],
  });

  it('counts "No updates are to be performed." as success', async () => {
    cfn.on(DescribeStacksCommand).resolves(existing);
    cfn.on(DescribeStackEventsCommand).resolves(page([stackEvent('UPDATE_COMPLETE')]));
    cfn.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(0);
    expect(output.stdout).toContain(`No changes: stack ${NAME} already has this template and these parameters.`);
  });

  it('keeps the stack\'s current value of every parameter not given, and prints only events after its own start', async () => {
    const before = stackEvent('UPDATE_COMPLETE');
    const updateEvents = [stackEvent('UPDATE_IN_PROGRESS', 'User Initiated'), stackEvent('UPDATE_COMPLETE')];
    cfn.on(DescribeStacksCommand).resolves(existing);
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page([before]))
      .resolves(page([before, ...updateEvents]));
    cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });

    const { code, output } = await runCli([...ARGS, '--schedule', 'rate(12 hours)']);

    expect(code).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(UpdateStackCommand, {
      StackName: STACK_ID,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
        { ParameterKey: 'SourceRegion', ParameterValue: 'us-east-1' },
        { ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
        { ParameterKey: 'ScheduleExpression', ParameterValue: 'rate(12 hours)' },
        { ParameterKey: 'AlertEmail', UsePreviousValue: true },
      ],
    });
    expect(output.stdout.filter((line) => /^\d\d:\d\d:\d\d /.test(line))).toHaveLength(2);
  });

  it('reports a failed update with its first failing resource and exits 1', async () => {
    const before = stackEvent('UPDATE_COMPLETE');
    const reason = 'Resource handler returned message: "User is not authorized to perform: iam:PassRole"';
    const updateEvents = [
      stackEvent('UPDATE_IN_PROGRESS', 'User Initiated'),
      event('ScheduleRule', 'AWS::Events::Rule', 'UPDATE_FAILED', reason),
      stackEvent('UPDATE_ROLLBACK_IN_PROGRESS'),
      stackEvent('UPDATE_ROLLBACK_COMPLETE'),
    ];
    cfn.on(DescribeStacksCommand, { StackName: NAME }).resolves(existing);
    cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack('UPDATE_ROLLBACK_COMPLETE'));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(page([before]))
      .resolves(page([before, ...updateEvents]));
    cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `Stack ${NAME} ended in UPDATE_ROLLBACK_COMPLETE.`,
      'First failure:',
      'ScheduleRule (AWS::Events::Rule) UPDATE_FAILED:',
      `  ${reason}`,
    ]);
  });

  it.each([
    ['UPDATE_IN_PROGRESS', 'another operation is running on it'],
    ['UPDATE_ROLLBACK_FAILED', 'aws cloudformation continue-update-rollback --region us-east-1'],
    ['DELETE_FAILED', 'aws cloudformation delete-stack --region us-east-1'],
    ['REVIEW_IN_PROGRESS', 'created by a change set that was never executed'],
  ])('refuses to touch a stack in %s and says what to do', async (status, advice) => {
    cfn.on(DescribeStacksCommand).resolves(stack(status));
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain(advice);
    expect(cfn).not.toHaveReceivedCommand(UpdateStackCommand);
  });
});

describe('deploy: errors from AWS', () => {
  it.each([
    [Object.assign(new Error('User: arn:aws:iam::111111111111:user/ci is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }), 'access denied: User: arn:aws:iam::111111111111:user/ci is not authorized'],
    [Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }), 'your AWS session has expired'],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'no AWS credentials: Could not load credentials from any providers. Configure them'],
  ])('turns %s into one line and exit 1', async (error, message) => {
    cfn.on(DescribeStacksCommand).rejects(error);
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([expect.stringContaining(`aurora-snapshot-dr deploy: ${message}`)]);
  });

  it('makes no AWS call on bad input', async () => {
    const { code } = await runCli([...ARGS, '--target-region', 'us-east-1']);
    expect(code).toBe(2);
    expect(cfn.calls()).toHaveLength(0);
  });
});
