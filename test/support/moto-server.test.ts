import { RDSClient, DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { spawn } from 'child_process';
import { MOTO_CREDENTIALS, freeLoopbackPort, startMotoServer, waitUntilReady } from './moto-server';

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

  it('waits for a server however long it takes to answer, and fails as soon as it exits instead', async () => {
    const port = await freeLoopbackPort();
    // A stand-in server that listens only after it has been polled a while: readiness has no deadline of its own.
    const late = spawn(process.execPath, [
      '-e',
      `setTimeout(() => require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'), 1500)`,
    ]);
    try {
      await expect(waitUntilReady(`http://127.0.0.1:${port}/`, late, 'late server')).resolves.toBeUndefined();
    } finally {
      late.kill('SIGKILL');
    }
    const failing = spawn(process.execPath, ['-e', 'process.exit(3)']);
    await expect(waitUntilReady(`http://127.0.0.1:${await freeLoopbackPort()}/`, failing, 'failing server')).rejects.toThrow(
      'failing server exited early with 3',
    );
  });
});
