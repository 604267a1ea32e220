import { RDSClient, DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { spawn } from 'child_process';
import { MOTO_CREDENTIALS, PortTakenError, freeLoopbackPort, startMotoServer, startOwnedServer, waitUntilReady } from './moto-server';

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

  /** A stand-in server on `port` that answers every request with `token`, listening after `delayMs`. */
  const standIn = (port: number, token: string, delayMs = 0) =>
    spawn(process.execPath, [
      '-e',
      `setTimeout(() => require('http').createServer((q, s) => s.end(${JSON.stringify(token)})).listen(${port}, '127.0.0.1'), ${delayMs})`,
    ]);

  it('waits for its server however long it takes to answer, and fails as soon as it exits instead', async () => {
    const port = await freeLoopbackPort();
    // Listens only after it has been polled a while: readiness has no deadline of its own.
    const late = standIn(port, 'mine', 1500);
    try {
      await expect(waitUntilReady(`http://127.0.0.1:${port}`, 'mine', late, 'late server')).resolves.toBeUndefined();
    } finally {
      late.kill('SIGKILL');
    }
    const failing = spawn(process.execPath, ['-e', 'process.exit(3)']);
    await expect(waitUntilReady(`http://127.0.0.1:${await freeLoopbackPort()}`, 'mine', failing, 'failing server')).rejects.toThrow(
      'failing server exited early with 3',
    );
  });

  it("never takes another test's server on the chosen port for its own, and starts its own on another port", async () => {
    const port = await freeLoopbackPort();
    const squatter = standIn(port, 'someone-else');
    const slow = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await expect(waitUntilReady(`http://127.0.0.1:${port}`, 'mine', slow, 'slow server')).rejects.toBeInstanceOf(PortTakenError);
      const ports: number[] = [];
      const started = await startOwnedServer('stand-in', (at, env) => {
        ports.push(at);
        // The first port is taken by the squatter before this server listens; the second is its own.
        return ports.length === 1 ? standIn(at, 'someone-else') : standIn(at, env.TEST_SERVER_TOKEN!);
      });
      started.child.kill('SIGKILL');
      expect(ports).toHaveLength(2);
      expect(started.port).toBe(ports[1]);
    } finally {
      squatter.kill('SIGKILL');
      slow.kill('SIGKILL');
    }
  });
});
