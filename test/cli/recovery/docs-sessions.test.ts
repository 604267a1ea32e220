/**
 * The interrupted restore session of docs/cli.md prints what the page shows:
 * the writer class captured with the copy, the question, the steps, and on
 * Ctrl-C the commands that follow and stop the run. Systems Manager,
 * CloudFormation and RDS are aws-sdk-client-mock stand-ins answering as AWS
 * would for that session.
 */
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeDBClusterSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  GetParameterCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { REPO_ROOT, runCli, useMockedCloudFormation } from '../support';

const cfn = useMockedCloudFormation();
const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);
afterAll(() => {
  ssm.restore();
  rds.restore();
});

/** The console block of docs/cli.md that shows `$ <command>` and a Ctrl-C. */
function interruptedSession(): { argv: string[]; lines: string[] } {
  const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  const block = [...page.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]).find((text) => text.includes('\n^C\n'))!;
  const [command, ...lines] = block.trimEnd().split('\n');
  return { argv: command.replace(/^\$ aurora-snapshot-dr /, '').split(' '), lines };
}

it("docs/cli.md's interrupted restore prints what the page shows", async () => {
  const { argv, lines } = interruptedSession();
  const source = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
  const copy = 'orders-prod-dr-202612010300-0a1b2c3d';
  const execution = '9a8b7c6d-1111-4222-8333-444444444444';
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'orders-prod-dr-recovery',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [{ OutputKey: 'RecoveryRunbookName', OutputValue: 'orders-prod-dr-recovery-RecoveryRunbook-1A2B3C' }],
        Parameters: [
          { ParameterKey: 'SourceStackId', ParameterValue: source },
          { ParameterKey: 'DBSubnetGroupName', ParameterValue: 'dr-private' },
          { ParameterKey: 'DrillInstanceClass', ParameterValue: 'db.t4g.medium' },
        ],
      } as Stack,
    ],
  });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: copy, Status: 'available', SnapshotCreateTime: new Date('2026-12-01T03:05:00Z'), TagList: [{ Key: 'aurora-snapshot-dr:stack-id', Value: source }] }],
  });
  ssm.on(GetParameterCommand).resolves({
    Parameter: { Value: fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/captured-config/postgresql-io-optimized.json'), 'utf8') },
  });
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: execution });
  const step = (name: string, end: string) => ({ StepName: name, StepExecutionId: name, StepStatus: 'Success' as const, ExecutionEndTime: new Date(end) });
  let interrupted = false;
  // In a test the process does not end at Ctrl-C; the run is then reported stopped, after what the page shows.
  ssm.on(GetAutomationExecutionCommand).callsFake(() => ({
    AutomationExecution: {
      AutomationExecutionId: execution,
      AutomationExecutionStatus: interrupted ? 'Cancelled' : 'InProgress',
      StepExecutions: [
        step('RestoreCopy', '2026-12-01T03:12:05Z'),
        step('Waiting', '2026-12-01T03:12:05Z'),
        step('Pause', '2026-12-01T03:15:05Z'),
      ],
    },
  }));
  const signals = new EventEmitter();
  const shown: string[] = [];
  const { output } = await runCli(argv, {
    signals,
    exit: () => undefined,
    // The question as the terminal shows it, answered y as on the page.
    confirm: async (question) => {
      shown.push(`${question} [y/N] y`);
      return true;
    },
    sleep: async () => {
      interrupted = true;
      signals.emit('SIGINT');
    },
  });
  const printed = [output.stdout[0], ...shown, ...output.stdout.slice(1), '^C', ...output.stderr.filter((line) => line !== '')];
  expect(printed.slice(0, lines.length)).toEqual(lines);
});
