/**
 * What the restore takes from a captured configuration, and how a restored
 * cluster is compared with it: each attribute, each parameter of both groups,
 * named with the restored value and the source's. The fixtures are the
 * configurations the DR side's tests write (test/fixtures/captured-config/).
 */
import * as fs from 'fs';
import * as path from 'path';
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { DBCluster, DBInstance, DescribeDBClusterParametersCommand, DescribeDBParametersCommand, RDS, RDSClient } from '@aws-sdk/client-rds';
import { CapturedConfig } from '../../../custom-resource/shared/captured-config';
import { differences, groupName, restoreSettings } from '../../../custom-resource/recovery/run/fidelity';

const fixture = (name: string): CapturedConfig =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'captured-config', `${name}.json`), 'utf8')) as CapturedConfig;
const rdsMock = mockClient(RDSClient);
afterAll(() => rdsMock.restore());

const POSTGRES = fixture('postgresql-io-optimized');

/** A restored cluster exactly as the source was, and its writer. */
const faithful = (): { cluster: DBCluster; writer: DBInstance } => ({
  cluster: {
    DBClusterIdentifier: 'orders-prod-restored-202612070600',
    Port: 5432,
    IAMDatabaseAuthenticationEnabled: true,
    EnabledCloudwatchLogsExports: ['postgresql'],
    StorageType: 'aurora-iopt1',
    MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-1' },
    DBClusterParameterGroup: 'aurora-snapshot-dr-orders-prod-restored-202612070600',
    TagList: [
      { Key: 'team', Value: 'payments' },
      { Key: 'cost-center', Value: '4711' },
      { Key: 'aurora-snapshot-dr:restore-kind', Value: 'restore' },
    ],
  },
  writer: { DBParameterGroups: [{ DBParameterGroupName: 'aurora-snapshot-dr-orders-prod-restored-202612070600-writer' }] },
});

const userParameters = (values: { [name: string]: string }) => ({
  Parameters: Object.entries(values).map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue, Source: 'user' })),
});

beforeEach(() => {
  rdsMock.reset();
  rdsMock.on(DescribeDBClusterParametersCommand).resolves(userParameters(POSTGRES.cluster.parameterGroup.parameters));
  rdsMock.on(DescribeDBParametersCommand).resolves(userParameters(POSTGRES.writer!.parameterGroup.parameters));
});

describe('comparing a restored cluster with its captured configuration', () => {
  it('finds nothing to say about a faithful restore, reading only the user-modified values of both groups', async () => {
    const { cluster, writer } = faithful();
    expect(await differences(new RDS({ region: 'us-west-2' }), cluster, writer, POSTGRES)).toEqual([]);
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClusterParametersCommand, { DBClusterParameterGroupName: cluster.DBClusterParameterGroup, Source: 'user' });
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBParametersCommand, { DBParameterGroupName: writer.DBParameterGroups![0].DBParameterGroupName, Source: 'user' });
  });

  const changes: [string, (c: DBCluster) => void, string][] = [
    ['the port', (c) => (c.Port = 3306), 'Port is 3306, the source\'s 5432'],
    ['IAM authentication', (c) => (c.IAMDatabaseAuthenticationEnabled = false), "IAM authentication is false, the source's true"],
    ['the log exports', (c) => (c.EnabledCloudwatchLogsExports = []), 'log exports is [], the source\'s ["postgresql"]'],
    ['the storage type', (c) => (c.StorageType = 'aurora'), 'StorageType is "aurora", the source\'s "aurora-iopt1"'],
    ['Backtrack', (c) => (c.BacktrackWindow = 3600), "BacktrackWindow is 3600, the source's 0"],
    ['the scaling', (c) => (c.ServerlessV2ScalingConfiguration = { MinCapacity: 1, MaxCapacity: 4 }), "scaling is [1,4], the source's null"],
    ['the secret', (c) => delete c.MasterUserSecret, "password in Secrets Manager is false, the source's true"],
    ['a tag', (c) => (c.TagList = c.TagList!.filter((t) => t.Key !== 'cost-center')), 'tag cost-center is null, the source\'s "4711"'],
  ];

  it.each(changes)('names %s when it differs', async (_, change, said) => {
    const { cluster, writer } = faithful();
    change(cluster);
    expect(await differences(new RDS({ region: 'us-west-2' }), cluster, writer, POSTGRES)).toEqual([said]);
  });

  it('names each parameter of either group that differs, is missing or is extra', async () => {
    const { cluster, writer } = faithful();
    rdsMock.on(DescribeDBClusterParametersCommand).resolves(userParameters({ 'rds.force_ssl': '0', timezone: 'Europe/Berlin', work_mem: '65536' }));
    rdsMock.on(DescribeDBParametersCommand).resolves(userParameters({}));
    expect(await differences(new RDS({ region: 'us-west-2' }), cluster, writer, POSTGRES)).toEqual([
      'cluster parameter rds.force_ssl is "0", the source\'s "1"',
      'cluster parameter work_mem is "65536", the source\'s null',
      'cluster parameter shared_preload_libraries is null, the source\'s "pg_stat_statements,pgaudit"',
      'writer parameter log_min_duration_statement is null, the source\'s "500"',
    ]);
  });

  it("does not compare a writer's group before there is a writer", async () => {
    const { cluster } = faithful();
    expect(await differences(new RDS({ region: 'us-west-2' }), cluster, undefined, POSTGRES)).toEqual([]);
    expect(rdsMock).not.toHaveReceivedCommand(DescribeDBParametersCommand);
  });
});

describe('what a restore takes from the captured configuration', () => {
  it('asks RestoreDBClusterFromSnapshot for each setting a snapshot does not keep, with the group made for it', () => {
    expect(restoreSettings(POSTGRES.cluster, 'aurora-snapshot-dr-x')).toEqual({
      DBClusterParameterGroupName: 'aurora-snapshot-dr-x',
      Port: 5432,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      BacktrackWindow: undefined,
      ServerlessV2ScalingConfiguration: undefined,
      Tags: [
        { Key: 'team', Value: 'payments' },
        { Key: 'cost-center', Value: '4711' },
      ],
    });
    const serverless = fixture('serverless-v2');
    expect(restoreSettings(serverless.cluster, undefined).ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: serverless.cluster.serverlessV2Scaling!.minCapacity,
      MaxCapacity: serverless.cluster.serverlessV2Scaling!.maxCapacity,
      SecondsUntilAutoPause: serverless.cluster.serverlessV2Scaling!.secondsUntilAutoPause,
    });
    expect(restoreSettings(fixture('mysql-backtrack').cluster, undefined).BacktrackWindow).toBeGreaterThan(0);
  });

  it("names a restore's groups after its cluster and a drill's after the source and the family, as IAM expects", () => {
    expect(groupName('restore', 'orders-prod-restored-202612070600', POSTGRES)).toBe('aurora-snapshot-dr-orders-prod-restored-202612070600');
    expect(groupName('drill', 'orders-prod-drill-0a1b2c3d', POSTGRES)).toBe('aurora-snapshot-dr-orders-prod-drill-aurora-postgresql16');
    expect(groupName('drill', 'x', fixture('mysql-backtrack'))).toMatch(/-drill-aurora-mysql8-0$/);
  });
});
