/**
 * `status`, the recovery side: the recovery stacks in the target Region that
 * watch this source stack (CloudFormation on moto), their copy-age alarm and
 * last drill (CloudWatch from aws-sdk-client-mock, so every state can be
 * shown), and what they do to the exit code.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsForMetricCommand, GetMetricDataCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CopyDBClusterSnapshotCommand, CreateDBClusterCommand, CreateDBClusterSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeAutomationExecutionsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { RECOVERY_METRIC } from '../../../custom-resource/recovery/contract';
import { DRILL_LOOKBACK_DAYS } from '../../../cli/recovery/status';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, writeTemp } from '../support';

const ssm = mockClient(SSMClient);
const cloudWatch = mockClient(CloudWatchClient);
let moto: MotoServer;
let restoreEnv: () => void;
const template = writeTemp(tempDir(), 'small.yaml', SMALL_TEMPLATE);
const STACK = 'orders-prod-dr';
const RECOVERY = 'orders-prod-recovery';
const STATUS = ['status', '--stack-name', STACK, '--region', 'us-east-1'];
const HOUR = 3_600_000;

/** A stand-in for the recovery stack moto can create: the parameters and the output status reads. */
const RECOVERY_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DBClusterIdentifier: {Type: String}
  SourceStackId: {Type: String}
  DrillScheduleExpression: {Type: String, Default: 'cron(0 5 ? * SUN *)'}
Resources:
  AlertTopic: {Type: AWS::SNS::Topic}
Outputs:
  RecoveryRunbookName:
    Value: !Sub '\${AWS::StackName}-RecoveryRunbook'
`;

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  ssm.restore();
  cloudWatch.restore();
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  ssm.reset();
  cloudWatch.reset();
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
});

/** The source stack with one copy in us-west-2 made just now: CURRENT on its own. */
async function deployWithCopy(): Promise<string> {
  const args = ['deploy', '--stack-name', STACK, '--cluster', 'orders-prod', '--source-region', 'us-east-1', '--target-region', 'us-west-2'];
  expect((await runCli([...args, '--kms-key', 'alias/dr', '--template', template])).code).toBe(0);
  const { Stacks } = await new CloudFormationClient({ region: 'us-east-1' }).send(new DescribeStacksCommand({ StackName: STACK }));
  const stackId = Stacks![0].StackId!;
  const source = new RDSClient({ region: 'us-east-1' });
  await source.send(
    new CreateDBClusterCommand({ DBClusterIdentifier: 'orders-prod', Engine: 'aurora-postgresql', MasterUsername: 'admin_user', MasterUserPassword: 'not-a-real-password-1', StorageEncrypted: true }),
  );
  const tags = [{ Key: SNAPSHOT_TAG.stackId, Value: stackId }];
  const { DBClusterSnapshot } = await source.send(
    new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'orders-prod', DBClusterSnapshotIdentifier: 'orders-prod-dr-1', Tags: tags }),
  );
  const { KeyMetadata } = await new KMSClient({ region: 'us-west-2' }).send(new CreateKeyCommand({}));
  await new RDSClient({ region: 'us-west-2' }).send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: DBClusterSnapshot!.DBClusterSnapshotArn,
      TargetDBClusterSnapshotIdentifier: 'orders-prod-dr-1',
      KmsKeyId: KeyMetadata!.Arn,
      Tags: tags,
    }),
  );
  return stackId;
}

async function deployRecovery(name: string, sourceStackId: string, drillSchedule?: string): Promise<void> {
  const parameters = [
    { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
    { ParameterKey: 'SourceStackId', ParameterValue: sourceStackId },
    ...(drillSchedule === undefined ? [] : [{ ParameterKey: 'DrillScheduleExpression', ParameterValue: drillSchedule }]),
  ];
  await new CloudFormationClient({ region: 'us-west-2' }).send(
    new CreateStackCommand({ StackName: name, TemplateBody: RECOVERY_TEMPLATE, Parameters: parameters }),
  );
}

const NOW = new Date(Date.now() + HOUR);
const alarm = (state: string, extra: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: `${RECOVERY}-CopyAgeAlarm-1A2B3C`,
  StateValue: state as MetricAlarm['StateValue'],
  StateUpdatedTimestamp: new Date('2026-12-01T10:00:00Z'),
  Threshold: 38,
  ...extra,
});
/** GetMetricData as CloudWatch answers it, newest first, for drills at the given hours. */
type DrillPoint = { at: string; succeeded: boolean; rto?: number; copyAge?: number; differences?: number; validated?: number; login?: number };
const drills = (points: DrillPoint[], worstCaseRpo?: number) => ({
  MetricDataResults: [
    ...(['validated', 'login'] as const).map((key) => ({
      Id: key === 'login' ? 'loginMinutes' : key,
      Timestamps: points.filter((p) => p[key] !== undefined).map((p) => new Date(p.at)),
      Values: points.filter((p) => p[key] !== undefined).map((p) => p[key]!),
    })),
    {
      Id: 'differences',
      Timestamps: points.filter((p) => p.differences !== undefined).map((p) => new Date(p.at)),
      Values: points.filter((p) => p.differences !== undefined).map((p) => p.differences!),
    },
    { Id: 'verdict', Timestamps: points.map((p) => new Date(p.at)), Values: points.map((p) => (p.succeeded ? 1 : 0)) },
    { Id: 'restoreMinutes', Timestamps: points.filter((p) => p.rto).map((p) => new Date(p.at)), Values: points.filter((p) => p.rto).map((p) => p.rto!) },
    { Id: 'copyAgeHours', Timestamps: points.filter((p) => p.copyAge).map((p) => new Date(p.at)), Values: points.filter((p) => p.copyAge).map((p) => p.copyAge!) },
    ...(worstCaseRpo === undefined ? [] : [{ Id: 'worst', Timestamps: [new Date('2026-12-01T11:30:00Z')], Values: [worstCaseRpo] }]),
  ],
});

describe('status: the recovery stack in the target Region', () => {
  it("shows the copy-age alarm and the last drill's verdict and figures next to the recovery point", async () => {
    const stackId = await deployWithCopy();
    await deployRecovery(RECOVERY, stackId);
    await deployRecovery('billing-recovery', stackId.replace(STACK, 'billing-dr'));
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });
    cloudWatch.on(GetMetricDataCommand).resolves(
      drills(
        [
          { at: '2026-11-29T05:00:00Z', succeeded: true, rto: 23.44, copyAge: 2.14 },
          { at: '2026-11-22T05:00:00Z', succeeded: false },
        ],
        25.5,
      ),
    );

    const { code, output } = await runCli(STATUS, { now: () => NOW });

    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain('  CURRENT (allowed 38h');
    expect(text).toContain(
      [
        `Recovery stack in us-west-2: ${RECOVERY} (CREATE_COMPLETE)`,
        '  Copy-age alarm: OK since 2026-12-01 10:00:00 UTC (allowed 38h)',
        '  Worst-case RPO: 25.5h (measured 2026-12-01 11:30 UTC): the most data a disaster can take, from one recovery point until the next copy is available.',
        '  Last drill: 2026-11-29 05:00-06:00 UTC, VERIFIED, RTO 23.4 min, copy age at drill 2.1h.',
      ].join('\n'),
    );
    expect(text).not.toContain('billing-recovery');
    expect(cloudWatch).toHaveReceivedCommandWith(DescribeAlarmsForMetricCommand, {
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: RECOVERY }],
    });
    const query = cloudWatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(query.EndTime).toEqual(NOW);
    expect(query.StartTime).toEqual(new Date(NOW.getTime() - DRILL_LOOKBACK_DAYS * 24 * HOUR));
    expect(query.MetricDataQueries![0]).toEqual({
      Id: 'verdict',
      MetricStat: {
        Metric: { Namespace: RECOVERY_METRIC.namespace, MetricName: RECOVERY_METRIC.drillSucceeded, Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: RECOVERY }] },
        Period: 3600,
        Stat: 'Minimum',
      },
    });
  });

  it('exits 3 with the reason when the copy-age alarm is in ALARM, though the copy itself reads as current', async () => {
    await deployRecovery(RECOVERY, await deployWithCopy());
    const reason = 'Insufficient data: no datapoint for 3 periods, treated as breaching';
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('ALARM', { StateReason: reason })] });
    cloudWatch.on(GetMetricDataCommand).resolves(drills([]));

    const { code, output } = await runCli(STATUS, { now: () => NOW });

    expect(code).toBe(3);
    const text = output.stdout.join('\n');
    expect(text).toContain(`  Copy-age alarm: ALARM since 2026-12-01 10:00:00 UTC (allowed 38h): ${reason}`);
    expect(text).toContain('  Last drill: none in the last 90 days (drill schedule: cron(0 5 ? * SUN *) UTC).');
    expect(text).toContain('  What each alarm means and what to check first: docs/alarms.md.');
  });

  it("exits 3 when the last drill failed, and says where its run is", async () => {
    await deployRecovery(RECOVERY, await deployWithCopy(), '');
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });
    cloudWatch.on(GetMetricDataCommand).resolves(
      drills([
        { at: '2026-11-29T05:00:00Z', succeeded: false },
        { at: '2026-11-22T05:00:00Z', succeeded: true, rto: 20, copyAge: 2, differences: 0 },
      ]),
    );

    const { code, output } = await runCli(STATUS, { now: () => NOW });

    expect(code).toBe(3);
    const text = output.stdout.join('\n');
    expect(text).toContain('  Last drill: 2026-11-29 05:00-06:00 UTC, FAILED: the restore did not verify.');
    expect(text).toContain(
      `  The drill's run: aws ssm describe-automation-executions --region us-west-2 --filters Key=DocumentNamePrefix,Values=${RECOVERY}-RecoveryRunbook`,
    );
  });

  it('says how many attributes a failed drill found unlike the source', async () => {
    await deployRecovery(RECOVERY, await deployWithCopy(), '');
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });
    cloudWatch.on(GetMetricDataCommand).resolves(drills([{ at: '2026-11-29T05:00:00Z', succeeded: false, differences: 2 }]));

    const { code, output } = await runCli(STATUS, { now: () => NOW });

    expect(code).toBe(3);
    expect(output.stdout.join('\n')).toContain(
      '  Last drill: 2026-11-29 05:00-06:00 UTC, FAILED: the restore did not verify (2 attributes unlike the source: its run names them).',
    );
  });

  it("says when the drill's validation function said no, and when it said yes, with its login time", async () => {
    await deployRecovery(RECOVERY, await deployWithCopy(), '');
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });
    cloudWatch.on(GetMetricDataCommand).resolves(drills([{ at: '2026-11-29T05:00:00Z', succeeded: false, validated: 0 }]));
    const refused = await runCli(STATUS, { now: () => NOW });
    cloudWatch.on(GetMetricDataCommand).resolves(drills([{ at: '2026-11-29T05:00:00Z', succeeded: true, rto: 23.8, copyAge: 2.1, validated: 1, login: 0.4 }]));
    const validated = await runCli(STATUS, { now: () => NOW });

    expect(refused.output.stdout.join('\n')).toContain(
      '  Last drill: 2026-11-29 05:00-06:00 UTC, FAILED: the restore did not verify (the validation function said no: its run says why).',
    );
    expect(validated.output.stdout.join('\n')).toContain(
      '  Last drill: 2026-11-29 05:00-06:00 UTC, VERIFIED, RTO 23.8 min (login 0.4), copy age at drill 2.1h, validated by the validation function.',
    );
  });

  it('says where to read more when no recovery stack watches this stack, and exits as before', async () => {
    const stackId = await deployWithCopy();
    const { code, output } = await runCli(STATUS, { now: () => NOW });
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toContain(`Recovery stack in us-west-2: none has SourceStackId ${stackId}.`);
    expect(output.stdout.join('\n')).toContain('  Deploy one to restore with one command, drill restores and be alarmed when copies stop: docs/recovery.md.');
    expect(cloudWatch).not.toHaveReceivedCommand(DescribeAlarmsForMetricCommand);
  });

  it('says so when the recovery stack has no copy-age alarm', async () => {
    await deployRecovery(RECOVERY, await deployWithCopy());
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [] });
    cloudWatch.on(GetMetricDataCommand).resolves(drills([]));
    const { code, output } = await runCli(STATUS, { now: () => NOW });
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toContain('  Copy-age alarm: not found');
  });

  it('still shows the recovery point when CloudWatch cannot be read, and exits 1', async () => {
    await deployRecovery(RECOVERY, await deployWithCopy());
    cloudWatch.on(DescribeAlarmsForMetricCommand).rejects(Object.assign(new Error('not authorized to perform: cloudwatch:DescribeAlarmsForMetric'), { name: 'AccessDenied' }));
    cloudWatch.on(GetMetricDataCommand).resolves(drills([]));

    const { code, output } = await runCli(STATUS, { now: () => NOW });

    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      `Recovery stack ${RECOVERY}: its alarm and drill metrics could not be read from CloudWatch in us-west-2: access denied: not authorized to perform: cloudwatch:DescribeAlarmsForMetric`,
    ]);
    expect(output.stdout.join('\n')).toContain('  CURRENT (allowed 38h');
    expect(output.stdout.join('\n')).toContain(`Recovery stack in us-west-2: ${RECOVERY} (CREATE_COMPLETE)`);
  });
});
