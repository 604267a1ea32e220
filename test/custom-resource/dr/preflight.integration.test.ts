/**
 * The preflight code inlined in the generated template, run in Node against
 * moto server (real KMS and RDS wire protocols) with a local HTTPS server as
 * the ResponseURL. Every case asserts the reply CloudFormation would get.
 */
import * as net from 'net';
import { bundleDrPreflight } from '../../../generator/dr/preflight';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { EventChanges, makeEvent } from '../support/events';
import {
  ChildEnvironment,
  Invocation,
  MotoSeed,
  SEED_CLUSTERS,
  inlinedPreflightCode,
  invokeInChild,
  seedMoto,
  writeLambdaDir,
} from '../support/lambda-harness';
import { CapturedReply, ReplyEndpoint, ResponseServer, startResponseServer } from '../support/response-server';

jest.setTimeout(60_000);

describe('preflight code from the template, against moto', () => {
  let moto: MotoServer;
  let server: ResponseServer;
  let seed: MotoSeed;
  let lambda: ReturnType<typeof writeLambdaDir>;
  let code: string;
  let environment: ChildEnvironment;

  beforeAll(async () => {
    code = inlinedPreflightCode();
    lambda = writeLambdaDir(code);
    [moto, server] = await Promise.all([startMotoServer(), startResponseServer()]);
    seed = await seedMoto(moto.endpoint);
    environment = { awsEndpoint: moto.endpoint, caFile: server.certFile };
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), server?.stop()]);
    lambda?.remove();
  });

  interface Run {
    reply: CapturedReply;
    invocation: Invocation;
    endpoint: ReplyEndpoint;
  }

  async function run(
    changes: EventChanges,
    options: { env?: ChildEnvironment; remainingMs?: number; endpoint?: ReplyEndpoint } = {},
  ): Promise<Run> {
    const endpoint = options.endpoint ?? server.endpoint();
    const event = makeEvent({ ...changes, ResponseURL: endpoint.url });
    const invocation = await invokeInChild(lambda.indexFile, event, options.env ?? environment, options.remainingMs);
    const reply = await Promise.race([
      endpoint.reply,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no reply; the function logged:\n${invocation.logs}`)), 500).unref(),
      ),
    ]);
    // What every reply must be, whatever it says.
    expect(invocation.exitCode).toBe(0);
    expect(reply.method).toBe('PUT');
    expect(Number(reply.headers['content-length'])).toBe(reply.bytes);
    expect(reply.bytes).toBeLessThanOrEqual(4096);
    expect(invocation.logs).not.toContain(endpoint.signature);
    return { reply, invocation, endpoint };
  }

  it('runs the very code the generator bundles', () => {
    expect(code).toBe(bundleDrPreflight());
    expect(code).toContain('module.exports={handler:');
  });

  it("replies SUCCESS to a good Create, with the resolved ARNs, engine and the snapshots' name prefix as Data", async () => {
    const { reply } = await run({});
    expect(reply.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight',
      StackId: makeEvent().StackId,
      RequestId: makeEvent().RequestId,
      LogicalResourceId: 'Preflight',
      Data: {
        TargetKeyArn: seed.goodKeyArn,
        SourceKeyArn: seed.sourceKeyArn,
        ClusterArn: seed.clusterArn,
        Engine: 'aurora-postgresql',
        SourceSnapshots: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:prod-aurora-dr-*',
        TargetSnapshots: 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:prod-aurora-dr-*',
        ConfigParameters: 'arn:aws:ssm:us-west-2:123456789012:parameter/aurora-snapshot-dr/prod-aurora-dr-*',
      },
    });
  });

  it('accepts the key by ARN and keeps the PhysicalResourceId on Update', async () => {
    const { reply } = await run({
      RequestType: 'Update',
      PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight',
      properties: { KMSTargetKey: seed.goodKeyArn, ScheduleExpression: 'rate(12 hours)' },
    });
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight' });
    expect(reply.body.Data?.TargetKeyArn).toBe(seed.goodKeyArn);
  });

  const badRequests: Array<[string, () => EventChanges, () => string]> = [
    ['an upper-case TargetRegion', () => ({ properties: { TargetRegion: 'US-WEST-2' } }), () => 'TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"'],
    ['an upper-case SourceRegion', () => ({ properties: { SourceRegion: 'Us-East-1' } }), () => 'SourceRegion "Us-East-1" must be lowercase: use "us-east-1"'],
    ['a TargetRegion with a trailing space', () => ({ properties: { TargetRegion: 'us-west-2 ' } }), () => 'TargetRegion "us-west-2 " must be lowercase, with no spaces: use "us-west-2"'],
    ['a malformed TargetRegion', () => ({ properties: { TargetRegion: 'uswest2' } }), () => 'TargetRegion "uswest2" is not a Region code: use one such as us-west-2'],
    ['equal Regions', () => ({ properties: { TargetRegion: 'us-east-1' } }), () => 'SourceRegion and TargetRegion are both "us-east-1": the copies must go to another Region'],
    ['a China pair', () => ({ properties: { SourceRegion: 'cn-north-1', StackRegion: 'cn-north-1', TargetRegion: 'cn-northwest-1' } }), () => 'SourceRegion "cn-north-1" and TargetRegion "cn-northwest-1": Aurora cannot copy snapshots to or from the China Regions (cn-north-1, cn-northwest-1)'],
    ['a pair across partitions', () => ({ properties: { TargetRegion: 'us-gov-west-1' } }), () => 'SourceRegion "us-east-1" is in partition aws and TargetRegion "us-gov-west-1" in aws-us-gov: a snapshot copy stays inside one partition, so pick a TargetRegion of aws'],
    ['a stack deployed outside SourceRegion', () => ({ properties: { StackRegion: 'eu-central-1' } }), () => 'SourceRegion "us-east-1" is not this stack\'s Region (eu-central-1): deploy the stack in us-east-1, beside the cluster'],
    ['a key id that does not exist', () => ({ properties: { KMSTargetKey: '0b0b0b0b-1111-2222-3333-444444444444' } }), () => 'KMSTargetKey "0b0b0b0b-1111-2222-3333-444444444444" was not found in us-west-2 (TargetRegion): use a key or alias that exists there'],
    ['an alias that does not exist', () => ({ properties: { KMSTargetKey: 'alias/no-such-key' } }), () => 'KMSTargetKey "alias/no-such-key" was not found in us-west-2 (TargetRegion): use a key or alias that exists there'],
    ['a disabled key', () => ({ properties: { KMSTargetKey: seed.disabledKeyId } }), () => `KMSTargetKey "${seed.disabledKeyId}" is Disabled: enable it, or use another key`],
    ['a key pending deletion', () => ({ properties: { KMSTargetKey: seed.pendingDeletionKeyId } }), () => `KMSTargetKey "${seed.pendingDeletionKeyId}" is pending deletion: cancel that and enable it, or use another key`],
    ['an asymmetric key', () => ({ properties: { KMSTargetKey: seed.asymmetricKeyId } }), () => `KMSTargetKey "${seed.asymmetricKeyId}" is a RSA_2048 ENCRYPT_DECRYPT key: RDS needs a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)`],
    ['a key ARN from another Region', () => ({ properties: { KMSTargetKey: seed.otherRegionKeyArn } }), () => `KMSTargetKey "${seed.otherRegionKeyArn}" is in eu-west-1, not TargetRegion us-west-2: use a key of us-west-2`],
    ['a malformed key, whose form is left to KMS', () => ({ properties: { KMSTargetKey: 'my-key' } }), () => 'KMSTargetKey "my-key" was not found in us-west-2 (TargetRegion): use a key or alias that exists there'],
    ['a target key whose policy names only one role', () => ({ properties: { KMSTargetKey: seed.adminOnlyKeyArn } }), () => `KMSTargetKey "${seed.adminOnlyKeyArn}" (${seed.adminOnlyKeyArn}): its key policy does not let this account's IAM principals use kms:CreateGrant, kms:DescribeKey: allow Principal {"AWS":"arn:aws:iam::123456789012:root"} kms:CreateGrant, kms:DescribeKey on Resource "*", as the default key policy does`],
    ['a cluster whose key policy names only one role', () => ({ properties: { DBClusterIdentifier: SEED_CLUSTERS.adminOnlyKey } }), () => `The key of DBClusterIdentifier "locked-aurora" (${seed.adminOnlySourceKeyArn}): its key policy does not let this account's IAM principals use kms:CreateGrant, kms:DescribeKey: allow Principal {"AWS":"arn:aws:iam::123456789012:root"} kms:CreateGrant, kms:DescribeKey on Resource "*", as the default key policy does`],
    ['a cluster that does not exist', () => ({ properties: { DBClusterIdentifier: 'no-such-cluster' } }), () => 'DBClusterIdentifier "no-such-cluster" was not found in us-east-1 (SourceRegion): check the identifier and the Region'],
    ['a non-Aurora cluster', () => ({ properties: { DBClusterIdentifier: SEED_CLUSTERS.nonAurora } }), () => 'DBClusterIdentifier "multi-az-mysql" is mysql, not Aurora (aurora-mysql or aurora-postgresql)'],
    ['an unencrypted cluster', () => ({ properties: { DBClusterIdentifier: SEED_CLUSTERS.unencrypted } }), () => 'DBClusterIdentifier "plain-aurora" is not encrypted, and a copy cannot encrypt an unencrypted Aurora snapshot: restore a snapshot of it with encryption on and use that cluster'],
    ['an upper-case cluster identifier', () => ({ properties: { DBClusterIdentifier: 'Prod-Aurora' } }), () => 'DBClusterIdentifier "Prod-Aurora" must be lowercase: use "prod-aurora" (RDS stores cluster identifiers in lowercase)'],
    ['a malformed cluster identifier', () => ({ properties: { DBClusterIdentifier: 'prod--aurora' } }), () => 'DBClusterIdentifier "prod--aurora" is not a cluster identifier: use 1-63 letters, digits or single hyphens, starting with a letter, not its ARN'],
    ['a schedule that would exceed the snapshot quota', () => ({ properties: { ScheduleExpression: 'cron(0 */2 * * ? *)', TargetRetentionDays: '9' } }), () => 'ScheduleExpression "cron(0 */2 * * ? *)" (12 runs a day) with TargetRetentionDays 9 keeps up to 109 manual snapshots in us-west-2, over the default quota of 100: lower TargetRetentionDays to 8 or run less often'],
    ['a schedule it cannot read', () => ({ properties: { ScheduleExpression: 'every day at 3' } }), () => 'ScheduleExpression "every day at 3" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field'],
    ['a five-field cron', () => ({ properties: { ScheduleExpression: 'cron(0 5 * * SUN)' } }), () => 'ScheduleExpression "cron(0 5 * * SUN)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 5 ? * SUN *)'],
    ['a retention that is not a number', () => ({ properties: { SourceRetentionDays: '-1' } }), () => 'SourceRetentionDays "-1" must be a whole number of days, at least 1'],
    ['an unknown request type', () => ({ RequestType: 'Replace' }), () => 'Unknown RequestType "Replace": expected Create, Update or Delete'],
  ];

  it.each(badRequests)('replies FAILED to %s, with a Reason that says what to do', async (_, changes, reason) => {
    const { reply } = await run(changes());
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(reason());
    expect(reply.body).not.toHaveProperty('Data');
    expect(reply.body.PhysicalResourceId).toBe('aurora-snapshot-dr-preflight-Preflight');
  });

  it('names every problem of a request in one Reason', async () => {
    const { reply } = await run({ properties: { DBClusterIdentifier: SEED_CLUSTERS.unencrypted, KMSTargetKey: seed.disabledKeyId } });
    expect(reply.body.Reason).toBe(
      `KMSTargetKey "${seed.disabledKeyId}" is Disabled: enable it, or use another key; ` +
        'DBClusterIdentifier "plain-aurora" is not encrypted, and a copy cannot encrypt an unencrypted Aurora snapshot: restore a snapshot of it with encryption on and use that cluster',
    );
  });

  it('sends a non-ASCII Reason with Content-Length in bytes, and it is accepted', async () => {
    const { reply } = await run({ properties: { TargetRegion: 'ūs-west-2' } });
    expect(reply.body.Reason).toBe('TargetRegion "ūs-west-2" is not a Region code: use one such as us-west-2');
    expect(reply.bytes).toBeGreaterThan(reply.raw.length);
  });

  it('cuts a Reason longer than the 4096-byte body allows, and still replies', async () => {
    const { reply } = await run({ properties: { DBClusterIdentifier: 'ü'.repeat(2500), KMSTargetKey: 'é'.repeat(2500) } });
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason?.startsWith(`DBClusterIdentifier "${'ü'.repeat(100)}`)).toBe(true);
    expect(reply.body.Reason?.endsWith('…')).toBe(true);
    expect(reply.bytes).toBeGreaterThan(4000);
  });

  describe('with AWS endpoints that accept connections and never answer', () => {
    let silent: net.Server;
    let hungEnvironment: ChildEnvironment;

    const sockets = new Set<net.Socket>();

    beforeAll(async () => {
      silent = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      hungEnvironment = { ...environment, awsEndpoint: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}` };
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('replies FAILED before the Lambda deadline, naming the calls that hung', async () => {
      const remainingMs = 4000;
      const { reply, invocation } = await run({}, { env: hungEnvironment, remainingMs });
      expect(reply.receivedAt - invocation.invokedAt).toBeLessThan(remainingMs);
      expect(reply.body).toMatchObject({
        Status: 'FAILED',
        Reason: 'Timed out after 3 s waiting for kms:DescribeKey in us-west-2 and rds:DescribeDBClusters in us-east-1: retry the stack operation',
      });
    });

    it.each([
      ['a Delete', {}],
      ['a Delete after a failed Create with bad parameters', { TargetRegion: 'US-WEST-2', DBClusterIdentifier: 'Nope' }],
    ])('replies SUCCESS to %s at once, touching nothing', async (_, properties) => {
      const { reply, invocation } = await run(
        { RequestType: 'Delete', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight', properties },
        { env: hungEnvironment, remainingMs: 4000 },
      );
      expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight' });
      expect(reply.receivedAt - invocation.invokedAt).toBeLessThan(1000);
    });
  });

  it('lands the reply when the ResponseURL fails twice with 503 first', async () => {
    const endpoint = server.endpoint({ failFirst: 2, failStatus: 503 });
    const { reply } = await run({}, { endpoint });
    expect(endpoint.attempts.map((a) => a.body.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(reply.body.Status).toBe('SUCCESS');
  });
});
