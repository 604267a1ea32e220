import { RDSClient, DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { MOTO_CREDENTIALS, startMotoServer } from './moto-server';

describe('moto server helper', () => {
  it('starts moto on a loopback port, answers the RDS API as AWS documents it and stops', async () => {
    const moto = await startMotoServer();
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const rds = new RDSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
      const result = await rds.send(new DescribeDBClustersCommand({}));
      expect(result.DBClusters).toEqual([]);
      // As the RDS API reference says, unlike plain moto (test/support/moto_strict.py).
      await expect(rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'not-in-this-region' }))).rejects.toMatchObject({
        name: 'DBClusterNotFoundFault',
      });
      await expect(rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }))).resolves.toMatchObject({ DBClusterSnapshots: [] });
    } finally {
      await moto.stop();
    }
  });
});
