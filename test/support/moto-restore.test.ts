/**
 * The emulator's restore behaviour (test/support/moto_restore.py): what a
 * restore from a cluster snapshot gets, as the RDS API reference and the
 * Aurora User Guide describe it, not the copy of the source moto would give.
 */
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds';
import { MOTO_CREDENTIALS, MotoServer, startMotoServer } from './moto-server';

jest.setTimeout(60_000);

let moto: MotoServer;
let rds: RDSClient;
beforeAll(async () => {
  moto = await startMotoServer();
  rds = new RDSClient({ region: 'us-west-2', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
});
afterAll(() => moto?.stop());

const cluster = async (id: string) => (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0];

/** A configured source cluster and a snapshot of it. */
async function configuredSource(id: string, engine: 'aurora-postgresql' | 'aurora-mysql', version: string, family: string) {
  await rds.send(new CreateDBClusterParameterGroupCommand({ DBClusterParameterGroupName: `${id}-pg`, DBParameterGroupFamily: family, Description: 'custom' }));
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: engine,
      EngineVersion: version,
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-secret-1',
      Port: 6543,
      DBClusterParameterGroupName: `${id}-pg`,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: engine === 'aurora-mysql' ? ['error'] : ['postgresql'],
      StorageType: 'aurora-iopt1',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      ...(engine === 'aurora-mysql' ? { BacktrackWindow: 3600 } : {}),
      Tags: [{ Key: 'team', Value: 'payments' }],
    }),
  );
  await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: id, DBClusterSnapshotIdentifier: `${id}-snap` }));
}

describe('a cluster snapshot', () => {
  it('shows the engine mode, storage type and IAM auth it records', async () => {
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'v1', Engine: 'aurora-mysql', EngineMode: 'serverless', MasterUsername: 'admin_user', MasterUserPassword: 'not-a-secret-1', EnableIAMDatabaseAuthentication: true }));
    await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'v1', DBClusterSnapshotIdentifier: 'v1-snap' }));
    const { DBClusterSnapshots } = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'v1-snap' }));
    expect(DBClusterSnapshots![0]).toMatchObject({ EngineMode: 'serverless', StorageType: 'aurora', IAMDatabaseAuthenticationEnabled: true });
  });
});

describe('a restore from a cluster snapshot', () => {
  it('keeps what the snapshot records and nothing else: default groups, aurora storage, no IAM auth, logs, scaling, backtrack or tags', async () => {
    await configuredSource('pg-source', 'aurora-postgresql', '16.4', 'aurora-postgresql16');
    await rds.send(new RestoreDBClusterFromSnapshotCommand({ DBClusterIdentifier: 'pg-restored', SnapshotIdentifier: 'pg-source-snap', Engine: 'aurora-postgresql' }));
    const restored = await cluster('pg-restored');
    expect(restored).toMatchObject({ Engine: 'aurora-postgresql', EngineVersion: '16.4', Port: 6543, MasterUsername: 'admin_user' });
    expect(restored.DBClusterParameterGroup).toBe('default.aurora-postgresql16');
    expect(restored.StorageType).toBe('aurora');
    expect(restored.IAMDatabaseAuthenticationEnabled).toBeFalsy();
    expect(restored.EnabledCloudwatchLogsExports ?? []).toEqual([]);
    expect(restored.ServerlessV2ScalingConfiguration).toBeUndefined();
    expect(restored.TagList ?? []).toEqual([]);
  });

  it('takes what the request names', async () => {
    await configuredSource('my-source', 'aurora-mysql', '8.0.mysql_aurora.3.05.2', 'aurora-mysql8.0');
    await rds.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'my-restored',
        SnapshotIdentifier: 'my-source-snap',
        Engine: 'aurora-mysql',
        DBClusterParameterGroupName: 'my-source-pg',
        StorageType: 'aurora-iopt1',
        EnableIAMDatabaseAuthentication: true,
        BacktrackWindow: 3600,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    const restored = await cluster('my-restored');
    expect(restored).toMatchObject({ DBClusterParameterGroup: 'my-source-pg', StorageType: 'aurora-iopt1', IAMDatabaseAuthenticationEnabled: true, BacktrackWindow: 3600 });
    expect(restored.TagList).toEqual([{ Key: 'team', Value: 'payments' }]);
  });

  it("gives the engine's default DB parameter group to an instance that names none", async () => {
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'my-restored-writer', DBClusterIdentifier: 'my-restored', Engine: 'aurora-mysql', DBInstanceClass: 'db.r6g.large' }));
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'my-restored-writer' }));
    expect(DBInstances![0].DBParameterGroups?.map((g) => g.DBParameterGroupName)).toEqual(['default.aurora-mysql8.0']);
  });

  it('refuses a db.serverless instance in a cluster without ServerlessV2ScalingConfiguration, and takes it once the cluster has one', async () => {
    const writer = (id: string) =>
      rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, DBClusterIdentifier: 'pg-restored', Engine: 'aurora-postgresql', DBInstanceClass: 'db.serverless' }));
    await expect(writer('pg-serverless-1')).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault', message: expect.stringContaining('ServerlessV2ScalingConfiguration') });
    await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'pg-restored', ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 }, ApplyImmediately: true }));
    await expect(writer('pg-serverless-2')).resolves.toBeDefined();
  });

  it("creates the master user secret in the cluster's own Region when ModifyDBCluster turns ManageMasterUserPassword on", async () => {
    await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'pg-restored', ManageMasterUserPassword: true, ApplyImmediately: true }));
    const arn = (await cluster('pg-restored')).MasterUserSecret?.SecretArn;
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-west-2:/);
    // Secrets Manager's JSON protocol, signed as any SDK would for us-west-2 (moto reads the Region from the scope).
    const response = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'secretsmanager.DescribeSecret',
        Authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20261207/us-west-2/secretsmanager/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({ SecretId: arn }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ARN: arn });
  });
});
