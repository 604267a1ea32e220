/**
 * The rehearsal's Lambda host: a function's code runs as Lambda runs it, on the
 * runbook's virtual clock, and no real-time limit ends one of its calls, so how
 * busy the machine is cannot change what a rehearsal sees.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { lambdaInvoker } from './lambda-invoker';

/** A stand-in RDS endpoint that answers DescribeDBClusters after `delayMs` of real time, counting the requests. */
async function slowRds(delayMs: number): Promise<{ endpoint: string; requests: () => number; close: () => void }> {
  let count = 0;
  const server = http.createServer((request, response) => {
    count += 1;
    request.resume();
    setTimeout(() => {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.end('<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters/></DescribeDBClustersResult></DescribeDBClustersResponse>');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count, close: () => server.close() };
}

describe('the rehearsal Lambda host', () => {
  it("lets a call outlast the function's own request timeout, sending it once", async () => {
    const rds = await slowRds(1500);
    // The function allows 300 ms a request and 3 attempts: on a busy machine moto can take longer than that.
    const code = `
      const { RDSClient, DescribeDBClustersCommand } = require('@aws-sdk/client-rds');
      exports.handler = async () => {
        const client = new RDSClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 300, requestTimeout: 300, throwOnRequestTimeout: true } });
        const { DBClusters } = await client.send(new DescribeDBClustersCommand({}));
        return { clusters: DBClusters.length, at: Date.now() };
      };`;
    const host = lambdaInvoker('slow', code, { endpoint: rds.endpoint, region: 'us-west-2', accessKeyId: 'testing', secretAccessKey: 'testing' });
    try {
      const outcome = await host.invoke({ functionName: 'slow', payload: {}, nowMs: 1_000_000, timeoutSeconds: 300 });
      expect(outcome).toMatchObject({ kind: 'returned', payload: { clusters: 0, at: 1_000_000 } });
      expect(rds.requests()).toBe(1);
    } finally {
      host.close();
      rds.close();
    }
  });
});
