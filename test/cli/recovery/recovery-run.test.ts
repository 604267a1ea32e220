/**
 * What `restore` and `drill` promise before, during and after a run, on a
 * virtual clock (the CLI's sleep() moves the time its now() reads): --timeout,
 * Ctrl-C, a second restore refused, the writer class confirmed before anything
 * starts, and the Region's recovery stacks named when the one given is not
 * there. Systems Manager, CloudFormation and RDS are aws-sdk-client-mock
 * stand-ins (moto does not run automations).
 */
import 'aws-sdk-client-mock-jest';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  AutomationExecution,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  GetParameterCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { RunOptions } from '../../../cli/main';
import { REPO_ROOT, runCli, useMockedCloudFormation } from '../support';

const cfn = useMockedCloudFormation();
const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);
afterAll(() => {
  ssm.restore();
  rds.restore();
});

const RECOVERY = 'orders-prod-dr-recovery';
const RUNBOOK = `${RECOVERY}-RecoveryRunbook-1A2B3C`;
const EXECUTION = '9a8b7c6d-1111-4222-8333-444444444444';
const RUNNING = '5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b';
const SOURCE_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
const COPY = 'orders-prod-dr-202612070300-0a1b2c3d';
const POLL_MS = 5000;
const CAPTURED = fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/captured-config/postgresql-io-optimized.json'), 'utf8');
const CAPTURED_CLASS = (JSON.parse(CAPTURED) as { writer: { instanceClass: string } }).writer.instanceClass;

const recoveryStack = (name = RECOVERY, cluster = 'orders-prod', source = SOURCE_ID): Stack =>
  ({
    StackName: name,
    StackStatus: 'CREATE_COMPLETE',
    CreationTime: new Date(),
    Outputs: [{ OutputKey: 'RecoveryRunbookName', OutputValue: `${name}-RecoveryRunbook-1A2B3C` }],
    Parameters: [
      { ParameterKey: 'SourceStackId', ParameterValue: source },
      { ParameterKey: 'DBClusterIdentifier', ParameterValue: cluster },
      { ParameterKey: 'DBSubnetGroupName', ParameterValue: 'dr-private' },
      { ParameterKey: 'DrillInstanceClass', ParameterValue: 'db.t4g.medium' },
    ],
  }) as Stack;

const inProgress = (kind?: string): { AutomationExecution: AutomationExecution } => ({
  AutomationExecution: {
    AutomationExecutionId: EXECUTION,
    AutomationExecutionStatus: 'InProgress',
    Parameters: kind ? { Kind: [kind] } : {},
    StepExecutions: [{ StepName: 'RestoreCopy', StepExecutionId: 'r', StepStatus: 'InProgress', ExecutionStartTime: new Date('2026-12-07T09:00:00Z') }],
  },
});

/** now() and sleep() over one virtual clock; sleep also runs `onSleep`. */
function virtualTime(onSleep: (sleeps: number) => void = () => undefined): Pick<RunOptions, 'now' | 'sleep' | 'pollIntervalMs'> & { sleeps(): number } {
  let now = Date.parse('2026-12-07T09:00:00Z');
  let sleeps = 0;
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      sleeps += 1;
      onSleep(sleeps);
    },
    pollIntervalMs: POLL_MS,
    sleeps: () => sleeps,
  };
}

beforeEach(() => {
  ssm.reset();
  rds.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [recoveryStack()] });
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION });
  // A run that never ends while the test watches it.
  ssm.on(GetAutomationExecutionCommand).resolves(inProgress('restore'));
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: COPY,
        Status: 'available',
        SnapshotCreateTime: new Date('2026-12-07T03:05:00Z'),
        TagList: [{ Key: 'aurora-snapshot-dr:stack-id', Value: SOURCE_ID }],
      },
    ],
  });
  ssm.on(GetParameterCommand, { Name: `/aurora-snapshot-dr/${COPY}` }).resolves({ Parameter: { Value: CAPTURED } });
});

const advice = (kind: 'restore' | 'drill', id = EXECUTION) => [
  'The run goes on in Systems Manager. Follow it with:',
  `  aws ssm get-automation-execution --region us-west-2 --automation-execution-id ${id}`,
  `  aws ssm describe-automation-step-executions --region us-west-2 --automation-execution-id ${id}`,
  kind === 'restore'
    ? 'Stop it (a stopped restore keeps what it created so far, for you to use or delete) with:'
    : 'Stop it (a stopped drill leaves its cluster to the next drill, which deletes it) with:',
  `  aws ssm stop-automation-execution --region us-west-2 --automation-execution-id ${id}`,
];

const RESTORE = ['restore', '--stack-name', RECOVERY, '--region', 'us-west-2'];
const DRILL = ['drill', '--stack-name', RECOVERY, '--region', 'us-west-2'];

describe('--timeout', () => {
  it('stops following a restore when the time is up, exits 1 and says how to follow and stop the run', async () => {
    const time = virtualTime();
    const { code, output } = await runCli([...RESTORE, '--yes', '--timeout', '30'], time);
    expect(code).toBe(1);
    expect(output.stderr).toEqual(['aurora-snapshot-dr restore: stopped waiting after --timeout 30 min.', ...advice('restore')]);
    expect(time.sleeps()).toBe((30 * 60_000) / POLL_MS);
    expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, 1);
  });

  it('bounds a drill the same way', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(inProgress('drill'));
    const time = virtualTime();
    const { code, output } = await runCli([...DRILL, '--timeout', '5'], time);
    expect(code).toBe(1);
    expect(output.stderr).toEqual(['aurora-snapshot-dr drill: stopped waiting after --timeout 5 min.', ...advice('drill')]);
    expect(time.sleeps()).toBe((5 * 60_000) / POLL_MS);
  });

  it('waits as long as the run takes without it', async () => {
    let polls = 0;
    ssm.on(GetAutomationExecutionCommand).callsFake(() =>
      (polls += 1) > 2000 ? { AutomationExecution: { ...inProgress('drill').AutomationExecution, AutomationExecutionStatus: 'Success' } } : inProgress('drill'),
    );
    const { code } = await runCli(DRILL, virtualTime());
    expect(code).toBe(0);
    expect(polls).toBe(2001);
  });

  it.each([
    [[...DRILL, '--timeout', '0'], "--timeout '0' must be a whole number from 1 to 1440."],
    [['drill', '--stack-name', RECOVERY, '--timeout', 'soon', '--region', 'US-WEST-2'], "--timeout 'soon' must be a whole number from 1 to 1440."],
    [[...RESTORE, '--timeout', '10', '--no-wait'], '--timeout bounds the wait; with --no-wait there is none.'],
  ])('refuses %p before any AWS call, beside the other problems', async (argv, problem) => {
    const { code, output } = await runCli(argv);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain(problem);
    if (argv.includes('US-WEST-2')) expect(output.stderr.join('\n')).toContain("--region 'US-WEST-2' must be lowercase");
    expect(cfn).not.toHaveReceivedAnyCommand();
  });
});

describe('Ctrl-C', () => {
  it.each([
    ['restore', [...RESTORE, '--yes']],
    ['drill', DRILL],
  ] as const)('during a %s says the run goes on in Systems Manager, with the commands to follow and stop it, and exits 130', async (kind, argv) => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    let polls = 0;
    ssm.on(GetAutomationExecutionCommand).callsFake(() =>
      (polls += 1) > 5 ? { AutomationExecution: { ...inProgress(kind).AutomationExecution, AutomationExecutionStatus: 'Success' } } : inProgress(kind),
    );
    const time = virtualTime((sleeps) => {
      if (sleeps === 3) signals.emit('SIGINT');
    });
    const { output } = await runCli([...argv], { ...time, signals, exit: (code) => exits.push(code) });
    expect(exits).toEqual([130]);
    const at = output.stderr.indexOf(`aurora-snapshot-dr ${kind}: interrupted; stopped watching.`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(output.stderr.slice(at + 1, at + 6)).toEqual(advice(kind));
  });

  it('before the run starts says only that it was interrupted: nothing goes on', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const confirm = async () => {
      signals.emit('SIGINT');
      return false;
    };
    const { output } = await runCli(RESTORE, { signals, exit: (code) => exits.push(code), confirm });
    expect(exits).toEqual([130]);
    expect(output.stderr).toContain('aurora-snapshot-dr restore: interrupted.');
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });
});

describe('a second restore of the same stack', () => {
  const running = (id: string, kind: string) => {
    ssm.on(DescribeAutomationExecutionsCommand).resolves({
      AutomationExecutionMetadataList: [
        {
          AutomationExecutionId: id,
          DocumentName: RUNBOOK,
          AutomationExecutionStatus: 'InProgress',
          ExecutionStartTime: new Date('2026-12-07T08:41:00Z'),
          CurrentStepName: 'WaitForCluster',
        },
        // Another stack's runbook whose name begins with this one's (the filter is a prefix): not this stack's.
        { AutomationExecutionId: 'other', DocumentName: `${RUNBOOK}-2`, AutomationExecutionStatus: 'InProgress' },
      ],
    });
    ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: id }).resolves({
      AutomationExecution: { AutomationExecutionId: id, AutomationExecutionStatus: 'InProgress', Parameters: { Kind: [kind] } },
    });
  };

  it('is refused while one is in progress: the running one is named with how to follow it, and nothing starts', async () => {
    running(RUNNING, 'restore');
    const { code, output } = await runCli([...RESTORE, '--yes']);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `aurora-snapshot-dr restore: a restore of ${RECOVERY} is already in progress:`,
      `  execution ${RUNNING}, InProgress since 2026-12-07 08:41:00, at step WaitForCluster`,
      ...advice('restore', RUNNING),
      'Nothing was started. A second restore makes a second cluster; to start one all the same, run again with --allow-concurrent.',
    ]);
    expect(ssm).toHaveReceivedCommandWith(DescribeAutomationExecutionsCommand, {
      Filters: [
        { Key: 'DocumentNamePrefix', Values: [RUNBOOK] },
        { Key: 'ExecutionStatus', Values: ['Pending', 'InProgress', 'Waiting'] },
      ],
    });
    expect(ssm).not.toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: 'other' });
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('starts with --allow-concurrent', async () => {
    running(RUNNING, 'restore');
    const { code } = await runCli([...RESTORE, '--yes', '--allow-concurrent', '--no-wait']);
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it('is not held up by a drill of the same stack', async () => {
    running(RUNNING, 'drill');
    const { code } = await runCli([...RESTORE, '--yes', '--no-wait']);
    expect(code).toBe(0);
    expect(ssm).toHaveReceivedCommand(StartAutomationExecutionCommand);
  });
});

describe('the writer class, confirmed before anything starts', () => {
  it("is the source writer's class captured with the newest copy, passed to the runbook as said", async () => {
    const { code, output } = await runCli([...RESTORE, '--yes', '--no-wait']);
    expect(code).toBe(0);
    expect(output.stdout[0]).toBe(`The writer will be a ${CAPTURED_CLASS} (the source writer's class, captured with copy ${COPY}).`);
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, {
      DocumentName: RUNBOOK,
      Parameters: { Kind: ['restore'], InstanceClass: [CAPTURED_CLASS] },
    });
  });

  it('is the drill class, with the reason, for a copy captured before configurations were', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    const { output } = await runCli([...RESTORE, '--yes', '--no-wait', '--snapshot', `arn:aws:rds:us-west-2:111111111111:cluster-snapshot:${COPY}`]);
    expect(output.stdout[0]).toBe(`The writer will be a db.t4g.medium (copy ${COPY} has no captured configuration: the stack's DrillInstanceClass).`);
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { Parameters: expect.objectContaining({ InstanceClass: ['db.t4g.medium'] }) });
  });

  it('without --yes and no terminal: says the class and the flags, starts nothing, exits 2', async () => {
    const { code, output } = await runCli(RESTORE);
    expect(code).toBe(2);
    expect(output.stdout).toEqual([`The writer will be a ${CAPTURED_CLASS} (the source writer's class, captured with copy ${COPY}).`]);
    expect(output.stderr).toEqual([
      `aurora-snapshot-dr restore: confirm the writer class first: run again with --yes to restore with a ${CAPTURED_CLASS} writer, or choose the class with --instance-class CLASS.`,
      'Nothing was started.',
    ]);
    expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
  });

  it.each([
    [false, 1, 0],
    [true, 0, 1],
  ])('on a terminal asks y/N first (answer %p: exit %p, %p runs started)', async (answer, exitCode, starts) => {
    const questions: string[] = [];
    const confirm = async (question: string) => {
      questions.push(question);
      // Nothing has started while the user is asked.
      expect(ssm).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
      return answer;
    };
    const { code } = await runCli([...RESTORE, '--no-wait'], { confirm });
    expect(questions).toEqual([`Restore with a ${CAPTURED_CLASS} writer?`]);
    expect(code).toBe(exitCode);
    expect(ssm).toHaveReceivedCommandTimes(StartAutomationExecutionCommand, starts);
  });

  it('is not asked for with --instance-class, which is what the runbook gets', async () => {
    const confirm = jest.fn(async () => false);
    const { code, output } = await runCli([...RESTORE, '--no-wait', '--instance-class', 'db.r7g.2xlarge'], { confirm });
    expect(code).toBe(0);
    expect(confirm).not.toHaveBeenCalled();
    expect(output.text()).not.toContain('The writer will be');
    expect(ssm).toHaveReceivedCommandWith(StartAutomationExecutionCommand, { Parameters: expect.objectContaining({ InstanceClass: ['db.r7g.2xlarge'] }) });
  });
});

describe('a recovery stack that is not in the Region', () => {
  const notThere = (stacks: Stack[]) =>
    cfn.on(DescribeStacksCommand).callsFake((input) => {
      if (input.StackName) throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
      return { Stacks: stacks };
    });
  const SOURCE_STACK = { StackName: 'orders-prod-dr', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Parameters: [{ ParameterKey: 'DBClusterIdentifier', ParameterValue: 'x' }] } as Stack;

  it('names the one recovery stack there and the command to run with it', async () => {
    notThere([SOURCE_STACK, recoveryStack()]);
    const { code, output } = await runCli(['restore', '--stack-name', 'orders-prod-recovery', '--region', 'us-west-2', '--yes']);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      'aurora-snapshot-dr restore: no stack orders-prod-recovery in us-west-2.',
      'Recovery stacks in us-west-2:',
      '  STACK                    CLUSTER      SOURCE STACK    STATUS',
      '  orders-prod-dr-recovery  orders-prod  orders-prod-dr  CREATE_COMPLETE',
      'Run: aurora-snapshot-dr restore --stack-name orders-prod-dr-recovery --region us-west-2',
    ]);
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('lists every recovery stack there when there are several', async () => {
    const billingSource = SOURCE_ID.replace(/orders-prod-dr/g, 'billing-dr');
    notThere([recoveryStack('orders-prod-dr-recovery'), recoveryStack('billing-dr-recovery', 'billing', billingSource)]);
    const { code, output } = await runCli(['drill', '--stack-name', 'orders', '--region', 'us-west-2']);
    expect(code).toBe(1);
    expect(output.stderr.slice(1)).toEqual([
      'Recovery stacks in us-west-2:',
      '  STACK                    CLUSTER      SOURCE STACK    STATUS',
      '  billing-dr-recovery      billing      billing-dr      CREATE_COMPLETE',
      '  orders-prod-dr-recovery  orders-prod  orders-prod-dr  CREATE_COMPLETE',
      'Run it with the recovery stack of the cluster to recover: aurora-snapshot-dr drill --stack-name STACK --region us-west-2',
    ]);
  });
});
