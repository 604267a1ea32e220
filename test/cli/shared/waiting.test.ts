/**
 * Long waits that say they are waiting: a "still waiting" line after a quiet
 * minute, --timeout, what Ctrl-C says, and the HTTP status and first bytes of
 * a response the SDK cannot parse. Time is virtual: the CLI's sleep() moves
 * the clock its now() reads, so minutes pass without waiting.
 */
import { EventEmitter } from 'events';
import * as http from 'http';
import { AddressInfo } from 'net';
import {
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  Stack,
  StackEvent,
} from '@aws-sdk/client-cloudformation';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DescribeAutomationExecutionsCommand } from '@aws-sdk/client-ssm';
import { sdkClients } from '../../../cli/shared/clients';
import { describeError } from '../../../cli/shared/context';
import { RunOptions } from '../../../cli/main';
import { DEPLOY_ARGS, runCli, useIsolatedAwsEnv, useMockedCloudFormation } from '../support';

const NAME = 'orders-prod-dr';
const STACK_ID = `arn:aws:cloudformation:us-east-1:111111111111:stack/${NAME}/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f`;
const POLL_MS = 5000;

/** now() and sleep() over one virtual clock; sleep also runs `onSleep` (a test's hook into the wait). */
function virtualTime(onSleep: (sleeps: number) => void = () => undefined): Pick<RunOptions, 'now' | 'sleep' | 'pollIntervalMs'> & { sleeps(): number } {
  let now = Date.parse('2026-11-30T10:00:00Z');
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

function event(id: string, logicalId: string, type: string, status: string): StackEvent {
  return {
    EventId: id,
    StackId: STACK_ID,
    StackName: NAME,
    LogicalResourceId: logicalId,
    PhysicalResourceId: type === 'AWS::CloudFormation::Stack' ? STACK_ID : '',
    ResourceType: type,
    ResourceStatus: status as StackEvent['ResourceStatus'],
    Timestamp: new Date('2026-11-30T10:00:01Z'),
  };
}
const STARTED = [
  event('e1', NAME, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS'),
  event('e2', 'Preflight', 'Custom::AuroraSnapshotDrPreflight', 'CREATE_IN_PROGRESS'),
];
const stackIn = (status: string): { Stacks: Stack[] } => ({
  Stacks: [{ StackName: NAME, StackId: STACK_ID, StackStatus: status as Stack['StackStatus'], CreationTime: new Date() }],
});

describe('deploy while the stack does not move', () => {
  const cfn = useMockedCloudFormation();

  /** A create whose stack stays CREATE_IN_PROGRESS with no new event for `quietPolls` polls, then completes. */
  function quietCreate(quietPolls: number): void {
    let polls = 0;
    cfn.on(DescribeStacksCommand).callsFake(() => {
      polls += 1;
      // The first answer is "does not exist" (deploy's own lookup); then the create's progress.
      if (polls === 1) throw Object.assign(new Error(`Stack with id ${NAME} does not exist`), { name: 'ValidationError' });
      return stackIn(polls - 1 > quietPolls ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS');
    });
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [...STARTED].reverse() });
  }

  it('says it is still waiting once a minute passes with no new event, naming what it waits for', async () => {
    quietCreate(30); // 30 polls of 5 s: two and a half quiet minutes
    const time = virtualTime();
    const { code, output } = await runCli(DEPLOY_ARGS, time);
    expect(code).toBe(0);
    const waiting = output.stdout.filter((line) => line.startsWith('... still waiting'));
    expect(waiting).toEqual([
      `... still waiting: ${NAME} is CREATE_IN_PROGRESS (last: Preflight CREATE_IN_PROGRESS), no new event for 1 min.`,
      `... still waiting: ${NAME} is CREATE_IN_PROGRESS (last: Preflight CREATE_IN_PROGRESS), no new event for 2 min.`,
    ]);
    expect(output.stdout[output.stdout.length - 1]).toBe(`Stack ${NAME} is CREATE_COMPLETE.`);
  });

  it('prints no such line while events keep coming', async () => {
    let polls = 0;
    cfn.on(DescribeStacksCommand).callsFake(() => {
      polls += 1;
      if (polls === 1) throw Object.assign(new Error('does not exist'), { name: 'ValidationError' });
      return stackIn(polls > 40 ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS');
    });
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    // A new event every 10 polls (50 s): never a quiet minute.
    const events: StackEvent[] = [];
    cfn.on(DescribeStackEventsCommand).callsFake(() => {
      if (polls % 10 === 2 || events.length === 0) events.push(event(`n${events.length}`, `Res${events.length}`, 'AWS::IAM::Role', 'CREATE_IN_PROGRESS'));
      return { StackEvents: [...events].reverse() };
    });
    const { code, output } = await runCli(DEPLOY_ARGS, virtualTime());
    expect(code).toBe(0);
    expect(events.length).toBeGreaterThan(3);
    expect(output.stdout.some((line) => line.startsWith('... still waiting'))).toBe(false);
  });

  it('stops waiting at --timeout, exits 1 and says the operation goes on and how to follow it', async () => {
    quietCreate(1000);
    const time = virtualTime();
    const { code, output } = await runCli([...DEPLOY_ARGS, '--timeout', '3'], time);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `Stopped waiting after --timeout 3 min: stack ${NAME} is still CREATE_IN_PROGRESS.`,
      `The stack operation goes on in CloudFormation. Follow it with: aurora-snapshot-dr status --stack-name ${NAME} --region us-east-1`,
      `or: aws cloudformation describe-stack-events --region us-east-1 --stack-name ${NAME}`,
    ]);
    expect(time.sleeps()).toBe((3 * 60_000) / POLL_MS);
  });

  it.each([['0'], ['1441'], ['soon']])('refuses --timeout %s', async (value) => {
    const { code, output } = await runCli([...DEPLOY_ARGS, '--timeout', value]);
    expect(code).toBe(2);
    expect(output.stderr[0]).toContain(`--timeout '${value}' must be a whole number from 1 to 1440.`);
  });

  it('on Ctrl-C says the stack operation goes on in CloudFormation and how to follow it, and exits 130', async () => {
    quietCreate(20);
    const signals = new EventEmitter();
    const exits: number[] = [];
    const time = virtualTime((sleeps) => {
      if (sleeps === 3) signals.emit('SIGINT');
    });
    const { output } = await runCli(DEPLOY_ARGS, { ...time, signals, exit: (code) => exits.push(code) });
    expect(exits).toEqual([130]);
    const interrupted = output.stderr.indexOf('aurora-snapshot-dr deploy: interrupted; stopped watching.');
    expect(interrupted).toBeGreaterThanOrEqual(0);
    expect(output.stderr.slice(interrupted + 1, interrupted + 3)).toEqual([
      `The stack operation goes on in CloudFormation. Follow it with: aurora-snapshot-dr status --stack-name ${NAME} --region us-east-1`,
      `or: aws cloudformation describe-stack-events --region us-east-1 --stack-name ${NAME}`,
    ]);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('stackset deploy on Ctrl-C', () => {
  const cfn = useMockedCloudFormation();

  it('says the stack set operations already started go on, and how to follow them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-snapshot-dr-wait-'));
    const fleet = path.join(dir, 'fleet.json');
    fs.writeFileSync(fleet, JSON.stringify({ defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr' }, accounts: { '111111111111': { DBClusterIdentifier: 'orders-prod' } } }));
    cfn.on(DescribeStackSetCommand).rejects(Object.assign(new Error('StackSet aurora-snapshot-dr not found'), { name: 'StackSetNotFoundException' }));
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-snapshot-dr:1' });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-1' });
    let polls = 0;
    cfn.on(DescribeStackSetOperationCommand).callsFake(() => ({ StackSetOperation: { OperationId: 'op-1', Status: (polls += 1) > 4 ? 'SUCCEEDED' : 'RUNNING' } }));
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const signals = new EventEmitter();
    const exits: number[] = [];
    const time = virtualTime((sleeps) => {
      if (sleeps === 2) signals.emit('SIGINT');
    });
    const argv = ['stackset', 'deploy', '--stack-set-name', 'aurora-snapshot-dr', '--regions', 'us-east-1', '--parameters-file', fleet, '--region', 'us-east-1'];
    const { output } = await runCli(argv, { ...time, signals, exit: (code) => exits.push(code) });
    expect(exits).toEqual([130]);
    const at = output.stderr.indexOf('aurora-snapshot-dr stackset deploy: interrupted; stopped watching.');
    expect(output.stderr.slice(at + 1, at + 4)).toEqual([
      'The stack set operations already started go on in CloudFormation. Follow them with:',
      '  aws cloudformation list-stack-set-operations --stack-set-name aurora-snapshot-dr --region us-east-1',
      '  aws cloudformation list-stack-instances --stack-set-name aurora-snapshot-dr --region us-east-1',
    ]);
  });
});

describe('a response the SDK cannot parse', () => {
  let server: http.Server;
  let endpoint: string;
  let answer = { status: 200, body: '' };
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      response.writeHead(answer.status, { 'Content-Type': 'text/html' });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    restoreEnv = useIsolatedAwsEnv(endpoint);
    process.env.AWS_MAX_ATTEMPTS = '1';
  });
  afterAll(async () => {
    restoreEnv();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    [502, '<html><body><h1>502 Bad Gateway</h1> upstream proxy error</body></html>'],
    [200, 'Welcome to the hotel network. Please sign in.'],
  ])('shows the HTTP status %s and the first bytes of the body from CloudFormation', async (status, body) => {
    answer = { status, body };
    const { code, output } = await runCli(['status', '--stack-name', NAME, '--region', 'us-east-1'], { sleep: async () => undefined });
    expect(code).toBe(1);
    expect(output.stderr).toHaveLength(1);
    expect(output.stderr[0]).toContain(`the AWS endpoint answered HTTP ${status} that the SDK could not read`);
    expect(output.stderr[0]).toContain(`It began: ${JSON.stringify(body)}.`);
  });

  it('keeps the body of a JSON service (Systems Manager) too, and cuts a long one', async () => {
    answer = { status: 503, body: `<html>${'maintenance '.repeat(40)}</html>` };
    const ssm = sdkClients().ssm('us-east-1');
    const error = await ssm.send(new DescribeAutomationExecutionsCommand({})).then(
      () => undefined,
      (e: unknown) => e,
    );
    const message = describeError(error, undefined);
    expect(message).toMatch(/^the AWS endpoint answered HTTP 503 that the SDK could not read \(.*\)\. It began: "<html>maintenance maintenance /);
    expect(message).toContain(`... (${Buffer.byteLength(answer.body)} bytes).`);
  });
});
