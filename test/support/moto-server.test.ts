import { RDSClient, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { MOTO_CREDENTIALS, startMotoServer } from './moto-server';

describe('moto server helper', () => {
  it('starts moto on a loopback port, answers the RDS API and stops', async () => {
    const moto = await startMotoServer();
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const rds = new RDSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
      const result = await rds.send(new DescribeDBClustersCommand({}));
      expect(result.DBClusters).toEqual([]);
    } finally {
      await moto.stop();
    }
  });
});
