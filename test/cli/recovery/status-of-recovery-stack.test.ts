/**
 * `status` given a recovery stack: the view for the day the source Region is
 * down. CloudFormation, RDS and CloudWatch of the DR Region are moto; every
 * client the CLI makes for any other Region points at a closed loopback port,
 * so a call there fails, and is recorded so the test can say none was made.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CopyDBClusterSnapshotCommand, CreateDBClusterCommand, CreateDBClusterSnapshotCommand, RDSClient, Tag } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { RECOVERY_METRIC } from '../../../custom-resource/recovery/contract';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import { AwsClients } from '../../../cli/shared/clients';
import { MotoServer, MOTO_CREDENTIALS, startMotoServer } from '../../support/moto-server';
import { runCli, useIsolatedAwsEnv } from '../support';

const SOURCE_REGION = 'us-east-1';
const DR_REGION = 'us-west-2';
const RECOVERY = 'orders-prod-recovery';
const SOURCE_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod-dr/0a1b2c3d-0000-4000-8000-000000000001';
const HOUR = 3_600_000;
const REFUSED = 'http://127.0.0.1:9';

/** A stand-in for the recovery stack moto can create: the parameters and the output status reads. */
const RECOVERY_TEMPLATE = JSON.stringify({
  Parameters: {
    DBClusterIdentifier: { Type: 'String' },
    SourceStackId: { Type: 'String' },
    SourceScheduleExpression: { Type: 'String', Default: 'cron(0 3 * * ? *)' },
    CopyTimeoutHours: { Type: 'Number', Default: 12 },
    MaxCopyAgeHours: { Type: 'Number', Default: 0 },
    DrillScheduleExpression: { Type: 'String', Default: 'cron(0 5 ? * SUN *)' },
  },
  Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } },
  Outputs: { RecoveryRunbookName: { Value: { 'Fn::Sub': '${AWS::StackName}-RecoveryRunbook' } } },
});

let moto: MotoServer;
let restoreEnv: () => void;
beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => moto.reset());

const dr = { region: DR_REGION, endpoint: '', credentials: MOTO_CREDENTIALS };
const drConfig = () => ({ ...dr, endpoint: moto.endpoint });

/**
 * The CLI's clients: the DR Region's talk to moto, every other Region's
 * (and a client with no Region) to a port that refuses, and are recorded.
 */
function drRegionOnly(calledElsewhere: string[]): () => AwsClients {
  const config = (service: string, region: string | undefined) => {
    if (region === DR_REGION) return drConfig();
    calledElsewhere.push(`${service} in ${region ?? 'the default Region'}`);
    return { region: region ?? SOURCE_REGION, endpoint: REFUSED, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
  };
  return () => ({
    cloudFormation: (region) => new CloudFormationClient(config('cloudformation', region)),
    cloudWatch: (region) => new CloudWatchClient(config('cloudwatch', region)),
    rds: (region) => new RDSClient(config('rds', region)),
    ssm: (region) => new SSMClient(config('ssm', region)),
  });
}

/** The source snapshot (taken 5 h ago in virtual terms: its tag says so) and its copy in the DR Region. */
async function seedCopy(sourceTaken: Date): Promise<void> {
  const source = new RDSClient({ region: SOURCE_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  await source.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'orders-prod',
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'not-a-real-password-1',
      StorageEncrypted: true,
    }),
  );
  const tags: Tag[] = [
    { Key: SNAPSHOT_TAG.stackId, Value: SOURCE_STACK_ID },
    { Key: COPY_TAG.sourceCreatedAt, Value: sourceTaken.toISOString() },
  ];
  const { DBClusterSnapshot } = await source.send(
    new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'orders-prod', DBClusterSnapshotIdentifier: 'orders-prod-dr-202612010300-aaaaaaaa', Tags: tags }),
  );
  const { KeyMetadata } = await new KMSClient(drConfig()).send(new CreateKeyCommand({}));
  await new RDSClient(drConfig()).send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: DBClusterSnapshot!.DBClusterSnapshotArn,
      TargetDBClusterSnapshotIdentifier: 'orders-prod-dr-202612010300-aaaaaaaa',
      KmsKeyId: KeyMetadata!.Arn,
      Tags: tags,
    }),
  );
}

/** The recovery stack, its copy-age alarm, and what its watchdog and last drill published to CloudWatch. */
async function seedRecoveryStack(now: number): Promise<void> {
  const parameters = { DBClusterIdentifier: 'orders-prod', SourceStackId: SOURCE_STACK_ID };
  await new CloudFormationClient(drConfig()).send(
    new CreateStackCommand({
      StackName: RECOVERY,
      TemplateBody: RECOVERY_TEMPLATE,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  const cloudWatch = new CloudWatchClient(drConfig());
  const Dimensions = [{ Name: RECOVERY_METRIC.dimension, Value: RECOVERY }];
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      AlarmName: `${RECOVERY}-CopyAgeAlarm-1A2B3C`,
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions,
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 38,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cloudWatch.send(new SetAlarmStateCommand({ AlarmName: `${RECOVERY}-CopyAgeAlarm-1A2B3C`, StateValue: 'OK', StateReason: 'copies arrive' }));
  const drillAt = new Date(now - 50 * HOUR);
  const datum = (MetricName: string, Value: number, Timestamp: Date) => ({ MetricName, Dimensions, Value, Timestamp });
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricData: [
        datum(RECOVERY_METRIC.worstCaseRpoHours, 25.5, new Date(now - HOUR / 2)),
        datum(RECOVERY_METRIC.drillSucceeded, 1, drillAt),
        datum(RECOVERY_METRIC.drillRestoreMinutes, 27.2, drillAt),
        datum(RECOVERY_METRIC.drillClusterRestoreMinutes, 18, drillAt),
        datum(RECOVERY_METRIC.drillWriterMinutes, 9, drillAt),
        datum(RECOVERY_METRIC.drillCopyAgeHours, 2.1, drillAt),
      ],
    }),
  );
}

describe('status of a recovery stack, from the DR Region alone', () => {
  it('reports the newest copy and its recovery point, the worst-case RPO, the copy-age alarm and the last drill with every call outside the DR Region failing', async () => {
    const now = Date.now();
    const sourceTaken = new Date(now - 5 * HOUR);
    await seedCopy(sourceTaken);
    await seedRecoveryStack(now);
    const calledElsewhere: string[] = [];

    const { code, output } = await runCli(['status', '--stack-name', RECOVERY, '--region', DR_REGION], {
      clients: drRegionOnly(calledElsewhere),
      now: () => new Date(now),
    });

    expect(output.stderr).toEqual([]);
    expect(calledElsewhere).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain(`Recovery stack ${RECOVERY} in ${DR_REGION}: CREATE_COMPLETE`);
    expect(text).toContain(`Protects  orders-prod, copied by ${SOURCE_STACK_ID} (its Region is not called)`);
    expect(text).toContain(`Runbook   ${RECOVERY}-RecoveryRunbook`);
    // The recovery point is the source snapshot's time from the copy's tag, not the copy's own time.
    expect(text).toContain(
      [
        `Recovery point in ${DR_REGION}:`,
        '  orders-prod-dr-202612010300-aaaaaaaa',
        `  taken ${sourceTaken.toISOString().slice(0, 19).replace('T', ' ')} UTC, 5h 0m ago`,
        '  CURRENT (allowed 38h: schedule gap 24h + snapshot 2h + copy timeout 12h)',
      ].join('\n'),
    );
    expect(text).toContain('  Copy-age alarm: OK since ');
    expect(text).toContain('  Worst-case RPO: 25.5h (measured ');
    expect(text).toMatch(
      /  Last drill: \d{4}-\d\d-\d\d \d\d:00-\d\d:00 UTC, VERIFIED, RTO 27.2 min \(cluster restore 18, writer 9\), copy age at drill 2.1h\./,
    );
  });

  it('exits 3 when the newest copy is older than the recovery stack allows (its MaxCopyAgeHours), still from the DR Region alone', async () => {
    const now = Date.now();
    await seedCopy(new Date(now - 30 * HOUR));
    await seedRecoveryStack(now);
    const cfn = new CloudFormationClient(drConfig());
    await cfn.send(
      new CreateStackCommand({
        StackName: 'orders-prod-recovery-strict',
        TemplateBody: RECOVERY_TEMPLATE,
        Parameters: [
          { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
          { ParameterKey: 'SourceStackId', ParameterValue: SOURCE_STACK_ID },
          { ParameterKey: 'MaxCopyAgeHours', ParameterValue: '26' },
        ],
      }),
    );
    const calledElsewhere: string[] = [];

    const { code, output } = await runCli(['status', '--stack-name', 'orders-prod-recovery-strict', '--region', DR_REGION], {
      clients: drRegionOnly(calledElsewhere),
      now: () => new Date(now),
    });

    expect(calledElsewhere).toEqual([]);
    expect(code).toBe(3);
    expect(output.stdout.join('\n')).toContain('  STALE: older than the schedule allows (allowed 26h: MaxCopyAgeHours).');
    expect(output.stdout.join('\n')).toContain('  Worst-case RPO: not measured yet (the hourly check publishes it).');
  });
});
