/**
 * `status`: CloudFormation and RDS on moto (the stack and real cross-Region
 * copies, tagged as the runbook tags them); Systems Manager automation
 * executions from aws-sdk-client-mock, because moto does not implement them.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  RDSClient,
  Tag,
} from '@aws-sdk/client-rds';
import { DescribeAutomationExecutionsCommand, GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import { judgeRecoveryPoint } from '../../../cli/dr/status';
import { longestGapHours } from '../../../custom-resource/shared/schedule-interval';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, writeTemp } from '../support';

const ssm = mockClient(SSMClient);
let moto: MotoServer;
let restoreEnv: () => void;
const template = writeTemp(tempDir(), 'small.yaml', SMALL_TEMPLATE);
/** The stand-in with the VaultAccountId parameter a DR stack that shares with a vault has. */
const sharingTemplate = writeTemp(
  tempDir(),
  'sharing.yaml',
  SMALL_TEMPLATE.replace('  CopyTimeoutHours: {Type: Number, Default: 12}\n', "  CopyTimeoutHours: {Type: Number, Default: 12}\n  VaultAccountId: {Type: String, Default: ''}\n"),
);
const STACK = 'orders-prod-dr';
const RUNBOOK = `${STACK}-SnapshotCopyRunbook`;

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  ssm.restore();
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  ssm.reset();
});

async function deployStack(...extra: string[]): Promise<string> {
  const args = ['deploy', '--stack-name', STACK, '--cluster', 'orders-prod', '--source-region', 'us-east-1', '--target-region', 'us-west-2', ...extra];
  const body = extra.length ? sharingTemplate : template;
  const { code } = await runCli([...args, '--kms-key', 'alias/dr-snapshots', '--schedule', 'cron(0 3 * * ? *)', '--template', body]);
  expect(code).toBe(0);
  const { Stacks } = await new CloudFormationClient({ region: 'us-east-1' }).send(new DescribeStacksCommand({ StackName: STACK }));
  return Stacks![0].StackId!;
}

/** A source snapshot of orders-prod and its copy in us-west-2, tagged as the runbook tags them. */
async function seedCopies(stackId: string, sourceTaken?: Date): Promise<void> {
  const source = new RDSClient({ region: 'us-east-1' });
  const target = new RDSClient({ region: 'us-west-2' });
  const { KeyMetadata } = await new KMSClient({ region: 'us-west-2' }).send(new CreateKeyCommand({}));
  await source.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'orders-prod',
      Engine: 'aurora-postgresql',
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      StorageEncrypted: true,
    }),
  );
  const copy = async (id: string, tags: Tag[]) => {
    const { DBClusterSnapshot } = await source.send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'orders-prod', DBClusterSnapshotIdentifier: id, Tags: tags }),
    );
    await target.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: DBClusterSnapshot!.DBClusterSnapshotArn,
        TargetDBClusterSnapshotIdentifier: id,
        KmsKeyId: KeyMetadata!.Arn,
        Tags: tags,
      }),
    );
  };
  const ours = (execution: string): Tag[] => [
    { Key: SNAPSHOT_TAG.stackId, Value: stackId },
    { Key: SNAPSHOT_TAG.cluster, Value: 'orders-prod' },
    { Key: SNAPSHOT_TAG.execution, Value: execution },
    ...(sourceTaken ? [{ Key: COPY_TAG.sourceCreatedAt, Value: sourceTaken.toISOString() }] : []),
  ];
  await copy('orders-prod-dr-202611290300-1a2b3c4d', ours('1a2b3c4d'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await copy('orders-prod-dr-202611300300-5e6f7a8b', ours('5e6f7a8b'));
  // Newer, but not this stack's: a hand-made snapshot and another stack's copy.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await copy('orders-prod-before-upgrade', []);
  await copy('orders-prod-other-stack', [{ Key: SNAPSHOT_TAG.stackId, Value: stackId.replace(STACK, 'another-dr') }]);
}

function seedExecutions(): void {
  ssm.on(DescribeAutomationExecutionsCommand).resolves({
    AutomationExecutionMetadataList: [
      { AutomationExecutionId: 'exec-older', DocumentName: RUNBOOK, AutomationExecutionStatus: 'Success', ExecutionStartTime: new Date('2026-11-28T03:00:04Z') },
      { AutomationExecutionId: 'exec-failed', DocumentName: RUNBOOK, AutomationExecutionStatus: 'Failed', ExecutionStartTime: new Date('2026-11-29T03:00:02Z') },
      { AutomationExecutionId: 'exec-other', DocumentName: `${RUNBOOK}-v2`, AutomationExecutionStatus: 'Failed', ExecutionStartTime: new Date('2026-11-30T09:00:00Z') },
      { AutomationExecutionId: 'exec-newest', DocumentName: RUNBOOK, AutomationExecutionStatus: 'Success', ExecutionStartTime: new Date('2026-11-30T03:00:04Z') },
    ],
  });
  ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: 'exec-failed' }).resolves({
    AutomationExecution: {
      AutomationExecutionStatus: 'Failed',
      FailureMessage: 'Step fails when it is Executing. Fail the execution.',
      StepExecutions: [
        { StepName: 'CreateSourceSnapshot', StepStatus: 'Success' },
        {
          StepName: 'CopyToTargetRegion',
          StepStatus: 'Failed',
          FailureMessage: 'KMSKeyNotAccessibleFault: The target KMS key alias/dr-snapshots is disabled in us-west-2. Enable it, then run the runbook again.',
        },
      ],
    },
  });
}

const STATUS = ['status', '--stack-name', STACK, '--region', 'us-east-1'];
const hoursFromNow = (hours: number) => () => new Date(Date.now() + hours * 3_600_000);

describe('status against moto', () => {
  it('shows the last runs with the failed step, and the newest copy of this stack as a current recovery point', async () => {
    const stackId = await deployStack();
    await seedCopies(stackId);
    seedExecutions();

    const { code, output } = await runCli([...STATUS, '--executions', '2'], { now: hoursFromNow(5) });

    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain(`Stack     ${STACK} in us-east-1: CREATE_COMPLETE`);
    expect(text).toContain('Cluster   orders-prod, copied to us-west-2, schedule cron(0 3 * * ? *) (UTC)');
    expect(text).not.toContain('Vault ');
    expect(text).toContain('Last 2 runs, newest first:');
    expect(text).toMatch(/^ {2}2026-11-30 03:00:04 +Success$/m);
    expect(text).toMatch(
      /^ {2}2026-11-29 03:00:02 +Failed +CopyToTargetRegion +KMSKeyNotAccessibleFault: The target KMS key alias\/dr-snapshots is disabled in us-west-2\. Enable it, then run the runbook again\.$/m,
    );
    expect(text).not.toContain('2026-11-28');
    expect(text).not.toContain('09:00:00');
    expect(text).toContain('Details: aws ssm get-automation-execution --region us-east-1 --automation-execution-id exec-failed');
    expect(text).toContain('Recovery point in us-west-2:\n  orders-prod-dr-202611300300-5e6f7a8b\n');
    expect(text).toMatch(/taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, 5h 0m ago/);
    expect(text).toContain('CURRENT (allowed 38h: schedule gap 24h + snapshot 2h + copy timeout 12h)');
    expect(text).toContain("Worst-case RPO by the schedule and the runbook's timeouts: 38h (a recovery stack measures the copy time: below).");
    expect(ssm).toHaveReceivedCommandWith(DescribeAutomationExecutionsCommand, {
      Filters: [{ Key: 'DocumentNamePrefix', Values: [RUNBOOK] }],
    });
    expect(ssm).toHaveReceivedCommandTimes(GetAutomationExecutionCommand, 1);
  });

  it("takes the recovery point from the source snapshot's time on the copy's tag: an old snapshot copied late is not current", async () => {
    const stackId = await deployStack();
    await seedCopies(stackId, new Date(Date.now() - 40 * 3_600_000));
    seedExecutions();
    const { code, output } = await runCli(STATUS, { now: hoursFromNow(1) });
    expect(code).toBe(3);
    expect(output.stdout.join('\n')).toMatch(/taken .* UTC, 1d 17h ago\n {2}STALE/);
  });

  it("says where the vault's copies are seen when the stack shares with a vault", async () => {
    await seedCopies(await deployStack('--vault-account', '999988887777'));
    seedExecutions();
    const shared = await runCli(STATUS, { now: hoursFromNow(1) });
    expect(shared.output.stdout).toContain(
      'Vault     each copy is shared with account 999988887777; the vault\'s newest copies: aurora-snapshot-dr status --stack-name <vault stack> --region us-west-2 --profile <vault account>',
    );
  });

  it('flags the recovery point STALE, with exit code 3, when it is older than the schedule allows', async () => {
    await seedCopies(await deployStack());
    seedExecutions();
    const { code, output } = await runCli(STATUS, { now: hoursFromNow(39) });
    expect(code).toBe(3);
    expect(output.stdout.join('\n')).toMatch(/1d 15h ago\n {2}STALE: older than the schedule allows \(allowed 38h/);
    expect(output.stdout.join('\n')).toContain('Look at the failed runs above and the alert topic arn:aws:sns:us-east-1:123456789012:orders-prod-us-east-1-alerts.');
  });

  it('says NONE with exit code 3 when an old stack has no copy, and NONE YET with 0 when it is new', async () => {
    await deployStack();
    seedExecutions();
    const old = await runCli(STATUS, { now: hoursFromNow(72) });
    expect(old.code).toBe(3);
    expect(old.output.stdout.join('\n')).toContain('none: no available copy of orders-prod tagged with this stack.');
    expect(old.output.stdout.join('\n')).toContain('NONE: the stack is older than one schedule interval');
    const young = await runCli(STATUS, { now: hoursFromNow(1) });
    expect(young.code).toBe(0);
    expect(young.output.stdout.join('\n')).toContain('NONE YET: the stack is younger than one schedule interval');
  });

  it('still shows the recovery point when the runs cannot be read, and exits 1', async () => {
    await seedCopies(await deployStack());
    ssm.on(DescribeAutomationExecutionsCommand).rejects(Object.assign(new Error('not authorized to perform: ssm:DescribeAutomationExecutions'), { name: 'AccessDeniedException' }));
    const { code, output } = await runCli(STATUS, { now: hoursFromNow(1) });
    expect(code).toBe(1);
    expect(output.stderr).toEqual(['Last runs: could not be read from Systems Manager in us-east-1: access denied: not authorized to perform: ssm:DescribeAutomationExecutions']);
    expect(output.stdout.join('\n')).toContain('orders-prod-dr-202611300300-5e6f7a8b');
  });

  it('asks for a Region, as bad input (exit 2), when neither --region nor the SDK chain gives one', async () => {
    const { code, output } = await runCli(['status', '--stack-name', STACK]);
    expect(code).toBe(2);
    expect(output.stderr[0]).toMatch(/^aurora-snapshot-dr status: no AWS Region: pass --region, set AWS_REGION, or add "region = \.\.\." to the profile default in .*aurora-snapshot-dr-no-such-config\.$/);
    expect(output.stderr[1]).toMatch(/^Nothing was sent to AWS/);
  });

  it('says where it looked when the stack is not there', async () => {
    const { code, output } = await runCli(['status', '--stack-name', 'no-such-stack', '--region', 'eu-west-1']);
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      'Stack no-such-stack was not found in eu-west-1. Use the Region the stack was deployed in (its SourceRegion) with --region.',
    ]);
  });
});

describe('the schedule rule behind STALE', () => {
  it.each([
    ['rate(1 day)', 24],
    ['rate(12 hours)', 12],
    ['rate(30 minutes)', 0.5],
    ['rate(7 days)', 168],
    ['cron(0 3 * * ? *)', 24],
    ['cron(0 3,15 * * ? *)', 12],
    ['cron(0 1,3 * * ? *)', 22],
    ['cron(0/30 * * * ? *)', 0.5],
    ['cron(0 */6 * * ? *)', 6],
    ['cron(0 3 ? * MON-FRI *)', 72],
    ['cron(0 3 ? * 2-6 *)', 72],
    ['cron(0 3 ? * SUN *)', 168],
    ['cron(0 3 1 * ? *)', 62 * 24],
    ['cron(0 3 ? * 6#3 *)', 62 * 24],
    ['cron(0 3 1 1 ? *)', 366 * 24],
  ])('%s: at most %d hours between runs', (expression, hours) => {
    expect(longestGapHours(expression)).toBeCloseTo(hours, 6);
  });

  it.each([['daily'], ['cron(0 3 * *)'], ['cron(0 25 * * ? *)'], ['rate(1 fortnight)']])('cannot read %s', (expression) => {
    expect(longestGapHours(expression)).toBeUndefined();
  });

  const created = new Date('2026-11-01T00:00:00Z');
  const now = new Date('2026-11-30T12:00:00Z');
  const hoursBefore = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  it.each([
    ['cron(0 3 * * ? *)', 12, hoursBefore(38), 'current'],
    ['cron(0 3 * * ? *)', 12, hoursBefore(38.1), 'stale'],
    ['rate(12 hours)', 1, hoursBefore(15), 'current'],
    ['rate(12 hours)', 1, hoursBefore(15.5), 'stale'],
    ['cron(0 3 * * ? *)', 12, undefined, 'none'],
    ['not a schedule', 12, hoursBefore(1000), 'unjudged'],
  ])('schedule %s, copy timeout %dh, newest copy at %s: %s', (schedule, timeout, newest, state) => {
    expect(judgeRecoveryPoint(schedule, timeout, newest, created, now).state).toBe(state);
  });

  it('gives a new stack until one interval has passed before it calls a missing copy NONE', () => {
    expect(judgeRecoveryPoint('cron(0 3 * * ? *)', 12, undefined, hoursBefore(30), now).state).toBe('none-yet');
    expect(judgeRecoveryPoint('cron(0 3 * * ? *)', 12, undefined, hoursBefore(39), now).state).toBe('none');
  });
});
