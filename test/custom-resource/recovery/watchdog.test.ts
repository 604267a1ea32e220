/**
 * The watchdog's check against the clock-aware moto: real RDS, CloudFormation
 * and CloudWatch wire protocols, with copies stamped on a virtual clock that
 * the check is handed as its "now". Copies arriving, copies stopping and no
 * copy ever; and, with aws-sdk-client-mock, the calls moto cannot judge.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  Tag,
} from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import { RECOVERY_METRIC } from '../../../custom-resource/recovery/contract';
import { checkNewestCopy, stackName, WatchdogConfig } from '../../../custom-resource/recovery/watchdog/check';
import { useIsolatedAwsEnv } from '../../cli/support';
import { MotoClockServer, startMotoClockServer } from '../../support/moto-clock-server';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { VirtualClock } from '../../rehearsal/shared/virtual-clock';

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const CLUSTER = 'orders-prod';
const HOUR = 3_600_000;
const SOURCE_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod-dr/0a1b2c3d-0000-4000-8000-000000000001';

let moto: MotoClockServer;
let clock: VirtualClock;
let log: jest.SpyInstance;
let restoreEnv: () => void;
const config = (region: string) => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
const rds = (region: string) => new RDSClient(config(region));

beforeAll(async () => {
  moto = await startMotoClockServer();
  // The check makes its clients as the Lambda does, from the environment: here, moto's endpoint.
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => {
  log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => log.mockRestore());

/** The recovery stack as the check reads it: the source stack, the cluster, its schedule and copy timeout, as its parameters. */
const RECOVERY_STAND_IN = {
  Parameters: {
    SourceStackId: { Type: 'String', Default: SOURCE_STACK_ID },
    DBClusterIdentifier: { Type: 'String', Default: CLUSTER },
    SourceScheduleExpression: { Type: 'String', Default: 'cron(0 3 * * ? *)' },
    CopyTimeoutHours: { Type: 'Number', Default: 12 },
  },
  Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
};

interface World {
  watchdog: WatchdogConfig;
  cloudWatch: CloudWatchClient;
  stackCreated: Date;
  /** A snapshot of the cluster in the source Region, copied to the target Region with these tags; returns the copy's time. */
  copy(id: string, tags?: Tag[]): Promise<Date>;
  /** The same, tagged with the source snapshot's time as the DR runbook tags it. */
  copyOf(id: string, sourceCreatedAt: Date): Promise<Date>;
}

const ours = (): Tag[] => [
  { Key: SNAPSHOT_TAG.stackId, Value: SOURCE_STACK_ID },
  { Key: SNAPSHOT_TAG.cluster, Value: CLUSTER },
];

async function newWorld(parameters: { [name: string]: string } = {}): Promise<World> {
  await moto.reset();
  clock = new VirtualClock();
  clock.onAdvance(async () => {
    await moto.advanceClockTo(clock.now());
  });
  const { KeyMetadata } = await new KMSClient(config(TARGET)).send(new CreateKeyCommand({ KeyUsage: 'ENCRYPT_DECRYPT' }));
  await rds(SOURCE).send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-postgresql',
      MasterUsername: 'postgres',
      MasterUserPassword: 'not-a-real-password-1',
      StorageEncrypted: true,
    }),
  );
  const cfn = new CloudFormationClient(config(TARGET));
  const { StackId } = await cfn.send(
    new CreateStackCommand({
      StackName: 'orders-prod-recovery',
      TemplateBody: JSON.stringify(RECOVERY_STAND_IN),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: StackId }));
  // moto stamps the stack with real time, a moment after the clock started: the world begins there.
  await clock.advanceTo(Stacks![0].CreationTime!.getTime());
  const world: World = {
    watchdog: { region: TARGET, recoveryStackId: StackId! },
    cloudWatch: new CloudWatchClient(config(TARGET)),
    stackCreated: Stacks![0].CreationTime!,
    async copy(id, tags = ours()) {
      const { DBClusterSnapshot: source } = await rds(SOURCE).send(
        new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: CLUSTER, DBClusterSnapshotIdentifier: id, Tags: tags }),
      );
      const { DBClusterSnapshot: copy } = await rds(TARGET).send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: source!.DBClusterSnapshotArn,
          TargetDBClusterSnapshotIdentifier: id,
          KmsKeyId: KeyMetadata!.Arn,
          Tags: tags,
        }),
      );
      return copy!.SnapshotCreateTime!;
    },
    copyOf(id, sourceCreatedAt) {
      return world.copy(id, [...ours(), { Key: COPY_TAG.sourceCreatedAt, Value: sourceCreatedAt.toISOString() }]);
    },
  };
  return world;
}

async function publishedWorstCase(w: World): Promise<number[]> {
  const { Datapoints } = await w.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.worstCaseRpoHours,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: 'orders-prod-recovery' }],
      StartTime: new Date(w.stackCreated.getTime() - HOUR),
      EndTime: new Date(clock.now() + HOUR),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  return (Datapoints ?? []).sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime()).map((d) => d.Maximum!);
}

/** What CloudWatch holds for the metric, oldest first. */
async function publishedAges(w: World): Promise<{ at: number; hours: number }[]> {
  const { Datapoints } = await w.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: 'orders-prod-recovery' }],
      StartTime: new Date(w.stackCreated.getTime() - HOUR),
      EndTime: new Date(clock.now() + HOUR),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  return (Datapoints ?? []).map((d) => ({ at: d.Timestamp!.getTime(), hours: d.Maximum! })).sort((a, b) => a.at - b.at);
}

describe('the watchdog check, on a virtual clock against moto', () => {
  it('names the metric dimension after the recovery stack', () => {
    expect(stackName('arn:aws:cloudformation:us-west-2:123456789012:stack/orders-prod-recovery/5e6f')).toBe('orders-prod-recovery');
  });

  it('publishes the age of the newest copy as copies keep arriving', async () => {
    const w = await newWorld();
    const first = await w.copy('orders-prod-dr-202612010300-aaaaaaaa');
    await clock.advanceBy(24 * HOUR);
    const second = await w.copy('orders-prod-dr-202612020300-bbbbbbbb');
    await clock.advanceBy(3 * HOUR);

    const now = clock.now();
    const measured = await checkNewestCopy(w.watchdog, now);

    expect(second.getTime() - first.getTime()).toBeGreaterThanOrEqual(24 * HOUR);
    expect(measured).toMatchObject({ copy: 'orders-prod-dr-202612020300-bbbbbbbb', since: second, ageHours: (now - second.getTime()) / HOUR });
    expect(measured.ageHours).toBeGreaterThanOrEqual(3);
    expect(await publishedAges(w)).toEqual([{ at: now, hours: measured.ageHours }]);
    expect(log).toHaveBeenLastCalledWith(`orders-prod-dr-202612020300-bbbbbbbb, since ${second.toISOString()}: 3.00 h; worst-case RPO 38.0 h`);
  });

  it('publishes an age that grows past a day once copies stop, still naming the last copy', async () => {
    const w = await newWorld();
    await w.copy('orders-prod-dr-202612010300-aaaaaaaa');
    await clock.advanceBy(24 * HOUR);
    const last = await w.copy('orders-prod-dr-202612020300-bbbbbbbb');
    const ages: number[] = [];
    for (let hours = 0; hours < 4; hours++) {
      await clock.advanceBy(12 * HOUR);
      const now = clock.now();
      const measured = await checkNewestCopy(w.watchdog, now);
      expect(measured.copy).toBe('orders-prod-dr-202612020300-bbbbbbbb');
      expect(measured.ageHours).toBe((now - last.getTime()) / HOUR);
      ages.push(measured.ageHours);
    }
    expect(ages[3]).toBeGreaterThanOrEqual(48);
    expect((await publishedAges(w)).map((point) => point.hours)).toEqual(ages);
  });

  it("counts from the recovery stack's creation when no copy was ever made, so a new stack gets its grace and an old one alarms", async () => {
    const w = await newWorld();
    await w.copy('orders-prod-before-upgrade', []);
    await w.copy('orders-prod-other-stack', [{ Key: SNAPSHOT_TAG.stackId, Value: SOURCE_STACK_ID.replace('orders-prod-dr', 'billing-dr') }]);
    await clock.advanceBy(50 * HOUR);

    const now = clock.now();
    const measured = await checkNewestCopy(w.watchdog, now);

    expect(measured).toMatchObject({ copy: undefined, since: w.stackCreated, ageHours: (now - w.stackCreated.getTime()) / HOUR });
    expect(measured.ageHours).toBeGreaterThanOrEqual(50);
    expect((await publishedAges(w)).map((point) => point.hours)).toEqual([measured.ageHours]);
    expect(log).toHaveBeenLastCalledWith(expect.stringMatching(/^No copy yet: age of the stack, since /));
  });

  it('ignores a newer copy still in progress, one that failed, and copies of other stacks or made by hand', async () => {
    const w = await newWorld();
    const available = await w.copy('orders-prod-dr-202612010300-aaaaaaaa');
    await clock.advanceBy(HOUR);
    await w.copy('orders-prod-dr-202612010400-cccccccc');
    await moto.setSnapshotStatus('orders-prod-dr-202612010400-cccccccc', { region: TARGET, status: 'copying' });
    await w.copy('orders-prod-dr-202612010401-dddddddd');
    await moto.setSnapshotStatus('orders-prod-dr-202612010401-dddddddd', { region: TARGET, status: 'failed' });
    await w.copy('orders-prod-by-hand', []);
    await w.copy('orders-prod-billing', [{ Key: SNAPSHOT_TAG.stackId, Value: `${SOURCE_STACK_ID}-other` }]);

    const now = clock.now();
    const measured = await checkNewestCopy(w.watchdog, now);

    expect(measured.copy).toBe('orders-prod-dr-202612010300-aaaaaaaa');
    expect(measured.ageHours).toBe((now - available.getTime()) / HOUR);
  });
});

describe("the watchdog's recovery point and worst-case RPO, on a virtual clock against moto", () => {
  it("counts the age from the source snapshot's time on the copy's tag, not from when the copy was made", async () => {
    const w = await newWorld();
    const copied = await w.copy('orders-prod-dr-202612010300-aaaaaaaa');
    await clock.advanceBy(HOUR);
    // A copy made later of a snapshot taken earlier: a re-run's copy, or a slow cross-Region copy.
    const sourceTaken = new Date(copied.getTime() - 5 * HOUR);
    const late = await w.copyOf('orders-prod-dr-202611302200-cccccccc', sourceTaken);
    await clock.advanceBy(2 * HOUR);

    const measured = await checkNewestCopy(w.watchdog, clock.now());

    expect(late.getTime()).toBeGreaterThan(copied.getTime());
    expect(measured).toMatchObject({ copy: 'orders-prod-dr-202612010300-aaaaaaaa', since: copied, ageHours: 3 });
  });

  it("ages a copy from its source snapshot's time, hours before the copy itself was made", async () => {
    const w = await newWorld();
    await clock.advanceBy(10 * HOUR);
    const sourceTaken = new Date(clock.now() - 4 * HOUR);
    await w.copyOf('orders-prod-dr-202612010300-aaaaaaaa', sourceTaken);
    await clock.advanceBy(HOUR);
    expect(await checkNewestCopy(w.watchdog, clock.now())).toMatchObject({ since: sourceTaken, ageHours: 5 });
  });

  it('publishes the allowed age as the worst-case RPO until a copy is seen landing, then the schedule gap plus the measured snapshot-plus-copy time', async () => {
    const w = await newWorld();
    const worst: number[] = [];
    const hourly = async (hours: number) => {
      for (let i = 0; i < hours; i++) {
        await clock.advanceBy(HOUR);
        worst.push((await checkNewestCopy(w.watchdog, clock.now())).worstCaseRpoHours!);
      }
    };
    await hourly(3);
    // A copy lands 0.7 h after a check; its source snapshot was taken 0.8 h before that.
    await clock.advanceBy(0.7 * HOUR);
    await w.copyOf('orders-prod-dr-202612010300-aaaaaaaa', new Date(clock.now() - 0.8 * HOUR));
    await clock.advanceBy(0.3 * HOUR);
    worst.push((await checkNewestCopy(w.watchdog, clock.now())).worstCaseRpoHours!);
    await hourly(2);

    // The first check after the landing saw the copy 0.8 + 0.3 = 1.1 h after its recovery point.
    expect(worst.slice(0, 3)).toEqual([38, 38, 38]);
    expect(worst[3]).toBeCloseTo(24 + 1.1, 6);
    expect(worst.slice(4)).toEqual([worst[3], worst[3]]);
    expect(await publishedWorstCase(w)).toEqual(worst);
  });

  it('publishes no worst-case RPO when the schedule cannot be read (MaxCopyAgeHours set instead), but still the age', async () => {
    // The rule reads every schedule EventBridge takes (22-2 wraps past midnight, a day of the month spans 62 days);
    // the preflight lets only an empty one through, the source schedule left unsaid and MaxCopyAgeHours set instead.
    const w = await newWorld({ SourceScheduleExpression: '' });
    const measured = await checkNewestCopy(w.watchdog, clock.now());
    expect(measured.worstCaseRpoHours).toBeUndefined();
    expect(await publishedWorstCase(w)).toEqual([]);
    expect(await publishedAges(w)).toHaveLength(1);
  });
});

describe('the watchdog check, where moto cannot judge', () => {
  // Mocking patches every client of the class, so only while these tests run (the moto tests above use real ones).
  let rdsMock: ReturnType<typeof mockClient>;
  let cloudWatchMock: ReturnType<typeof mockClient>;
  let cfnMock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    [rdsMock, cloudWatchMock, cfnMock] = [mockClient(RDSClient), mockClient(CloudWatchClient), mockClient(CloudFormationClient)];
  });
  afterAll(() => [rdsMock, cloudWatchMock, cfnMock].forEach((m) => m.restore()));
  beforeEach(() => {
    [rdsMock, cloudWatchMock, cfnMock].forEach((m) => m.reset());
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'orders-prod-recovery',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Parameters: [
            { ParameterKey: 'SourceStackId', ParameterValue: SOURCE_STACK_ID },
            { ParameterKey: 'DBClusterIdentifier', ParameterValue: CLUSTER },
          ],
        },
      ],
    });
    cloudWatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'age', Values: [] }] });
  });

  const watchdog: WatchdogConfig = {
    region: TARGET,
    recoveryStackId: 'arn:aws:cloudformation:us-west-2:123456789012:stack/orders-prod-recovery/5e6f',
  };
  const copy = (id: string, at: string) => ({
    DBClusterSnapshotIdentifier: id,
    Status: 'available',
    SnapshotCreateTime: new Date(at),
    TagList: [{ Key: SNAPSHOT_TAG.stackId, Value: SOURCE_STACK_ID }],
  });

  it('lists by snapshot type and the db-cluster-id filter, never DBClusterIdentifier (the cluster does not exist in this Region), across pages', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .resolvesOnce({ DBClusterSnapshots: [copy('newer-on-page-1', '2026-12-01T03:00:00Z')], Marker: 'page-2' })
      .resolvesOnce({ DBClusterSnapshots: [copy('older-on-page-2', '2026-11-30T03:00:00Z')] });
    const measured = await checkNewestCopy(watchdog, Date.parse('2026-12-01T09:00:00Z'));
    expect(measured.copy).toBe('newer-on-page-1');
    expect(measured.ageHours).toBe(6);
    const calls = rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.args[0].input).not.toHaveProperty('DBClusterIdentifier');
      expect(call.args[0].input).toMatchObject({ SnapshotType: 'manual', Filters: [{ Name: 'db-cluster-id', Values: [CLUSTER] }] });
    }
    expect(calls[1].args[0].input.Marker).toBe('page-2');
    expect(cloudWatchMock).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: RECOVERY_METRIC.namespace,
      MetricData: [
        {
          MetricName: RECOVERY_METRIC.newestCopyAgeHours,
          Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: 'orders-prod-recovery' }],
          Timestamp: new Date('2026-12-01T09:00:00Z'),
          Value: 6,
        },
      ],
    });
  });

  it('publishes nothing and fails when the copies cannot be listed, so the alarm sees missing data', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(checkNewestCopy(watchdog, Date.now())).rejects.toThrow('not authorized');
    expect(cloudWatchMock).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  it('publishes nothing and fails when there is no copy and the stack cannot be read', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    cfnMock.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack does not exist'), { name: 'ValidationError' }));
    await expect(checkNewestCopy(watchdog, Date.now())).rejects.toThrow('Stack does not exist');
    expect(cloudWatchMock).not.toHaveReceivedCommand(PutMetricDataCommand);
  });
});
