/**
 * `restore`, `drill` and `deploy-recovery`. Systems Manager automation and
 * CloudFormation are aws-sdk-client-mock stand-ins (moto does not run
 * automations); nothing leaves the process.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  AutomationExecution,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
  StepExecution,
} from '@aws-sdk/client-ssm';
import { AwsClients } from '../../../cli/shared/clients';
import { runCli, useMockedCloudFormation } from '../support';
import { RECOVERY_OUTPUT } from '../../../generator/recovery/document';
import { VALIDATED } from '../../../custom-resource/recovery/run/contract';

const cfn = useMockedCloudFormation();
const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);
afterAll(() => {
  ssm.restore();
  rds.restore();
});
beforeEach(() => {
  ssm.reset();
  rds.reset();
  // No other run in progress, no copy yet: restore then names the drill class.
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
});

const RECOVERY = 'orders-prod-dr-recovery';
const RUNBOOK = 'orders-prod-dr-recovery-RecoveryRunbook-1A2B3C';
const EXECUTION = '9a8b7c6d-1111-4222-8333-444444444444';
const SOURCE_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
const KEY = 'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Clients that remember which Region each was asked for. */
function recordingClients(regions: string[]): (profile: string | undefined) => AwsClients {
  return () => ({
    cloudFormation: (region) => {
      regions.push(`cloudformation:${region}`);
      return new CloudFormationClient({ region: region ?? 'us-west-2' });
    },
    cloudWatch: (region) => new CloudWatchClient({ region }),
    rds: (region) => new RDSClient({ region }),
    ssm: (region) => {
      regions.push(`ssm:${region}`);
      return new SSMClient({ region: region ?? 'us-west-2' });
    },
  });
}

const recoveryStack = (outputs = [{ OutputKey: 'RecoveryRunbookName', OutputValue: RUNBOOK }]) => ({
  Stacks: [
    {
      StackName: RECOVERY,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date(),
      Outputs: outputs,
      Parameters: [{ ParameterKey: 'DrillInstanceClass', ParameterValue: 'db.t4g.medium' }],
    } as Stack,
  ],
});

const step = (name: string, status: string, failure?: string): StepExecution => ({
  StepName: name,
  StepExecutionId: `${name}-id`,
  StepStatus: status as StepExecution['StepStatus'],
  ExecutionStartTime: new Date('2026-12-01T03:00:00Z'),
  FailureMessage: failure,
});

const execution = (status: string, steps: StepExecution[], outputs: { [k: string]: string } = {}): { AutomationExecution: AutomationExecution } => ({
  AutomationExecution: {
    AutomationExecutionId: EXECUTION,
    AutomationExecutionStatus: status as AutomationExecution['AutomationExecutionStatus'],
    StepExecutions: steps,
    Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, [v]])),
  },
});

const REPORT = {
  ClusterId: 'orders-prod-restored-202612010312',
  Endpoint: 'orders-prod-restored-202612010312.cluster-abc.us-west-2.rds.amazonaws.com',
  SnapshotId: 'orders-prod-dr-202612010300-0a1b2c3d',
  RestoreMinutes: '27.0',
  RecoveryPointHours: '6.2',
  SecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-5e6f7a8b-AbCdEf',
  Message: 'verified',
};

function runbookSucceeds(report: typeof REPORT = REPORT) {
  cfn.on(DescribeStacksCommand).resolves(recoveryStack());
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION });
  ssm
    .on(GetAutomationExecutionCommand)
    .resolvesOnce(execution('InProgress', [step('RestoreCopy', 'Success'), step('WaitForCluster', 'InProgress')]))
    .resolvesOnce(execution('InProgress', [step('RestoreCopy', 'Success'), step('WaitForCluster', 'Success'), step('WaitForWriter', 'InProgress')]))
    .resolves(
      execution(
        'Success',
        ['RestoreCopy', 'WaitForCluster', 'WaitForWriter', 'Verify'].map((name) => step(name, 'Success')),
        // The runbook's one output: Verify's Payload, the report as JSON.
        { [RECOVERY_OUTPUT]: JSON.stringify(report) },
      ),
    );
}

describe('restore', () => {
  it('starts the runbook in the recovery stack Region, follows it and prints endpoint, recovery point and RTO', async () => {
    runbookSucceeds();
    const regions: string[] = [];
    const { code, output } = await runCli(['restore', '--stack-name', RECOVERY, '--region', 'us-west-2', '--yes'], { clients: recordingClients(regions) });
    expect(code).toBe(0);
    expect(new Set(regions)).toEqual(new Set(['cloudformation:us-west-2', 'ssm:us-west-2']));
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { DocumentName: RUNBOOK, Parameters: { Kind: ['restore'], InstanceClass: ['db.t4g.medium'] } });
    const text = output.stdout.join('\n');
    // Each step once per status it went through.
    expect(output.stdout.filter((line) => /\bWaitForCluster$/.test(line)).map((line) => line.split(/\s+/)[2])).toEqual(['InProgress', 'Success']);
    expect(text).toContain(`Writer endpoint:  ${REPORT.Endpoint}`);
    // The way to log in without the source Region: the secret RDS made in this one.
    expect(text).toContain(`Master password:  in Secrets Manager here, ${REPORT.SecretArn}`);
    expect(text).toContain(`aws secretsmanager get-secret-value --region us-west-2 --secret-id '${REPORT.SecretArn}'`);
    expect(text).toContain('Recovery point:   the copy was 6.2 h old when the restore started');
    expect(text).toContain('Measured RTO:     27.0 min');
    expect(text).toContain(`Restored cluster ${REPORT.ClusterId} from copy ${REPORT.SnapshotId}, with the configuration captured with it.`);
    // The writer class is said before the run starts, and passed to the runbook as said.
    expect(output.stdout[0]).toBe("The writer will be a db.t4g.medium (no available copy was found: the stack's DrillInstanceClass).");
    expect(output.stdout[1]).toMatch(/^Started a restore/);
  });

  it('passes a named copy, cluster name and instance class to the runbook', async () => {
    runbookSucceeds();
    const { code, output } = await runCli([
      'restore', '--stack-name', RECOVERY, '--region', 'us-west-2',
      '--snapshot', 'orders-prod-dr-202611300300-aaaabbbb', '--cluster-name', 'Orders-Prod-DR', '--instance-class', 'db.r7g.2xlarge',
    ]);
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      Parameters: {
        Kind: ['restore'],
        SnapshotIdentifier: ['orders-prod-dr-202611300300-aaaabbbb'],
        ClusterIdentifier: ['orders-prod-dr'],
        InstanceClass: ['db.r7g.2xlarge'],
      },
    });
    expect(output.text()).not.toContain('The writer will be');
  });

  it("asks the runbook for the source's readers with --readers, and prints the reader endpoint", async () => {
    runbookSucceeds();
    const { code, output } = await runCli(['restore', '--stack-name', RECOVERY, '--region', 'us-west-2', '--instance-class', 'db.r7g.2xlarge', '--readers']);
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      Parameters: { Kind: ['restore'], InstanceClass: ['db.r7g.2xlarge'], Readers: ['source'] },
    });
    expect(output.text()).toContain(`  Reader endpoint:  ${REPORT.Endpoint.replace('.cluster-', '.cluster-ro-')} (the source's readers, added after the writer)`);
  });

  it('exits 1 with the failed step, its message and where to look when the restore fails', async () => {
    cfn.on(DescribeStacksCommand).resolves(recoveryStack());
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION });
    ssm.on(GetAutomationExecutionCommand).resolves(
      execution('Failed', [
        step('RestoreCopy', 'Failed', 'RuntimeError: No available copy  of orders-prod made by arn:... in us-west-2.'),
        step('Finish', 'Failed', 'RuntimeError: Nothing from no copy: no cluster was restored.'),
      ]),
    );
    const { code, output } = await runCli(['restore', '--stack-name', RECOVERY, '--region', 'us-west-2', '--yes']);
    expect(code).toBe(1);
    const errors = output.stderr.join('\n');
    expect(errors).toContain('Restore Failed.');
    expect(errors).toContain('RestoreCopy Failed: RuntimeError: No available copy');
    expect(errors).toContain(`Details: aws ssm get-automation-execution --region us-west-2 --automation-execution-id ${EXECUTION}`);
  });

  it('with --no-wait starts the run and says how to follow it', async () => {
    runbookSucceeds();
    const { code, output } = await runCli(['restore', '--stack-name', RECOVERY, '--region', 'us-west-2', '--no-wait', '--instance-class', 'db.r7g.large']);
    expect(code).toBe(0);
    expect(ssm).not.toHaveReceivedCommand(GetAutomationExecutionCommand);
    expect(output.stdout.slice(1)).toEqual([
      'The run goes on in Systems Manager. Follow it with:',
      `  aws ssm get-automation-execution --region us-west-2 --automation-execution-id ${EXECUTION}`,
      `  aws ssm describe-automation-step-executions --region us-west-2 --automation-execution-id ${EXECUTION}`,
      'Stop it (a stopped restore keeps what it created so far, for you to use or delete) with:',
      `  aws ssm stop-automation-execution --region us-west-2 --automation-execution-id ${EXECUTION}`,
    ]);
  });

  it('refuses a stack that is not a recovery stack, starting nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves(recoveryStack([{ OutputKey: 'RunbookName', OutputValue: 'x' }]));
    const { code, output } = await runCli(['restore', '--stack-name', 'orders-prod-dr', '--region', 'us-west-2']);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain('has no RecoveryRunbookName output: is it a recovery stack');
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('says the recovery stack lives in the DR Region when it is not found and the Region has none', async () => {
    cfn.on(DescribeStacksCommand).callsFake((input) => {
      if (input.StackName) throw Object.assign(new Error(`Stack with id ${RECOVERY} does not exist`), { name: 'ValidationError' });
      return { Stacks: [] };
    });
    const { code, output } = await runCli(['restore', '--stack-name', RECOVERY, '--region', 'us-east-1', '--yes']);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `aurora-snapshot-dr restore: no stack ${RECOVERY} in us-east-1.`,
      'No recovery stack is in us-east-1 either. A recovery stack lives in the disaster-recovery Region, the TargetRegion of the stack that makes the copies: ' +
        "pass that Region with --region, or create the recovery stack there with 'aurora-snapshot-dr deploy-recovery'.",
    ]);
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [['restore'], 'missing required flag --stack-name'],
    [['restore', '--stack-name', RECOVERY, '--instance-class', 'r7g.large'], "--instance-class 'r7g.large' is not an instance class"],
    [['restore', '--stack-name', RECOVERY, '--cluster-name', 'orders--dr'], "--cluster-name 'orders--dr' is not a cluster identifier"],
    [['restore', '--stack-name', RECOVERY, '--region', 'US-WEST-2'], "--region 'US-WEST-2' must be lowercase"],
  ])('exits 2 on bad input %p without calling AWS', async (argv, problem) => {
    const { code, output } = await runCli(argv);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain(problem);
    expect(cfn).not.toHaveReceivedAnyCommand();
    expect(ssm).not.toHaveReceivedAnyCommand();
  });
});

describe('drill', () => {
  it('runs a drill now and prints the verdict with RTO and RPO', async () => {
    runbookSucceeds();
    const { code, output } = await runCli(['drill', '--stack-name', RECOVERY, '--region', 'us-west-2']);
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { DocumentName: RUNBOOK, Parameters: { Kind: ['drill'] } });
    const text = output.stdout.join('\n');
    expect(text).toContain(`Drill passed: copy ${REPORT.SnapshotId} restored, found as the source was configured, then deleted.`);
    expect(text).toContain('Measured RTO:  27.0 min');
    expect(text).toContain("Copy age:      6.2 h (the restored copy's recovery point when the drill started");
    expect(text).not.toContain('The writer will be');
    expect(text).not.toContain('Validated:');
  });

  it("prints what the stack's validation function said about the drill's cluster", async () => {
    runbookSucceeds({ ...REPORT, Message: `Drill ${REPORT.ClusterId} from ${REPORT.SnapshotId}: verified in 27.0 min, recovery point 6.20 h old. Deleted: x${VALIDATED}42 tables, newest order 02:58` });
    const { code, output } = await runCli(['drill', '--stack-name', RECOVERY, '--region', 'us-west-2']);
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toContain("  Validated:     42 tables, newest order 02:58 (the stack's validation function)");
  });

  it('exits 1 when the drill fails, with the verdict of its Finish step', async () => {
    cfn.on(DescribeStacksCommand).resolves(recoveryStack());
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION });
    ssm.on(GetAutomationExecutionCommand).resolves(
      execution('TimedOut', [
        step('RestoreCopy', 'Success'),
        step('WaitForCluster', 'TimedOut', 'Step timed out while step is verifying the property.'),
        step('Finish', 'Failed', 'RuntimeError: Drill orders-prod-drill-9a8b7c6d from x: cluster is creating. Deleted: orders-prod-drill-9a8b7c6d.'),
      ]),
    );
    const { code, output } = await runCli(['drill', '--stack-name', RECOVERY, '--region', 'us-west-2']);
    expect(code).toBe(1);
    const errors = output.stderr.join('\n');
    expect(errors).toContain('Drill FAILED (TimedOut): the copies may not restore.');
    expect(errors).toContain('WaitForCluster TimedOut: Step timed out');
    expect(errors).toContain('Deleted: orders-prod-drill-9a8b7c6d');
  });
});

describe('deploy-recovery', () => {
  const SOURCE = {
    StackName: 'orders-prod-dr',
    StackId: SOURCE_ID,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(),
    Parameters: [{ ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' }],
    Outputs: [
      {
        OutputKey: 'RecoveryStackParameters',
        OutputValue: `"SourceStackId=${SOURCE_ID}" "DBClusterIdentifier=orders-prod" "KMSTargetKey=${KEY}" "SourceScheduleExpression=cron(0 3 * * ? *)" "CopyTimeoutHours=12"`,
      },
    ],
  } as Stack;
  const RECOVERY_ID = 'arn:aws:cloudformation:us-west-2:111111111111:stack/orders-prod-dr-recovery/0b0b0b0b-0000-11ef-0000-0a1b2c3d4e5f';
  const ARGS = ['deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1', '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0'];

  it("creates the recovery stack in the source stack's TargetRegion with the values the source stack holds", async () => {
    const notFound = Object.assign(new Error('Stack with id orders-prod-dr-recovery does not exist'), { name: 'ValidationError' });
    cfn.on(DescribeStacksCommand, { StackName: 'orders-prod-dr' }).resolves({ Stacks: [SOURCE] });
    cfn.on(DescribeStacksCommand, { StackName: 'orders-prod-dr-recovery' }).rejects(notFound);
    cfn.on(CreateStackCommand).resolves({ StackId: RECOVERY_ID });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfn.on(DescribeStacksCommand, { StackName: RECOVERY_ID }).resolves({
      Stacks: [{ StackName: 'orders-prod-dr-recovery', StackId: RECOVERY_ID, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }],
    });
    const regions: string[] = [];
    const { code, output } = await runCli([...ARGS, '--drill-schedule', '', '--drill-validation-function', 'orders-drill-check'], {
      clients: recordingClients(regions),
    });
    expect(output.text()).toContain('Recovery stack orders-prod-dr-recovery for orders-prod (source stack orders-prod-dr) goes to us-west-2.');
    expect(code).toBe(0);
    expect(regions).toEqual(['cloudformation:us-east-1', 'cloudformation:us-west-2']);
    const create = cfn.commandCalls(CreateStackCommand)[0].args[0].input;
    expect(create.StackName).toBe('orders-prod-dr-recovery');
    expect(create.TemplateBody).toContain('Aurora snapshot DR recovery');
    expect(Object.fromEntries(create.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toEqual({
      SourceStackId: SOURCE_ID,
      DBClusterIdentifier: 'orders-prod',
      KMSTargetKey: KEY,
      SourceScheduleExpression: 'cron(0 3 * * ? *)',
      CopyTimeoutHours: '12',
      DBSubnetGroupName: 'dr-private',
      VpcSecurityGroupIds: 'sg-0123456789abcdef0',
      DrillScheduleExpression: '',
      DrillValidationFunction: 'orders-drill-check',
    });
  });

  it('says how to get the output when the source stack predates it', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ ...SOURCE, Outputs: [] }] });
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain("has no RecoveryStackParameters output: update it with this version's template");
    expect(cfn).not.toHaveReceivedCommand(CreateStackCommand);
  });

  it('exits 2 on a security group name, before any AWS call', async () => {
    const { code, output } = await runCli([...ARGS.slice(0, -1), 'default']);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain("--security-groups 'default' must be security group ids (sg-...) separated by commas");
    expect(cfn).not.toHaveReceivedAnyCommand();
  });
});

describe('deploy-recovery --region', () => {
  it('refuses a Region other than the TargetRegion of the source stack, creating nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'orders-prod-dr',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Parameters: [{ ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' }],
          Outputs: [{ OutputKey: 'RecoveryStackParameters', OutputValue: '"DBClusterIdentifier=orders-prod"' }],
        } as Stack,
      ],
    });
    const { code, output } = await runCli([
      'deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1',
      '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0', '--region', 'eu-west-1',
    ]);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain('--region eu-west-1 differs from the TargetRegion of orders-prod-dr (us-west-2)');
    expect(cfn).not.toHaveReceivedCommand(CreateStackCommand);
  });
});
