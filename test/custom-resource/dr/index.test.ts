/**
 * The handler as Lambda calls it, with KMS and RDS mocked: the branches moto
 * cannot reach (access denied, throttling, a call that never returns) and the
 * wiring of rules, clients and reply.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import index = require('../../../custom-resource/dr/index');
import { PREFLIGHT_DATA } from '../../../custom-resource/dr/contract';
import { EventChanges, lambdaContext, makeEvent } from '../support/events';
import { CLUSTER_ARN, GOOD_CLUSTER, GOOD_KEY, SOURCE_KEY_ARN, TARGET_KEY_ARN } from '../support/fixtures';
import { CapturedReply, useTrustedResponseServer } from '../support/response-server';

const kms = mockClient(KMSClient);
const rds = mockClient(RDSClient);


const SOURCE_KEY = { ...GOOD_KEY, KeyId: SOURCE_KEY_ARN.split('/')[1], Arn: SOURCE_KEY_ARN, KeyManager: 'CUSTOMER' as const };
const policyFor = (principal: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }] });
const DEFAULT_KEY_POLICY = policyFor('arn:aws:iam::123456789012:root');
const ADMIN_ONLY_POLICY = policyFor('arn:aws:iam::123456789012:role/key-admin');

const awsError = (name: string, message = `${name} from the service`) => Object.assign(new Error(message), { name });

describe('preflight handler', () => {
  const server = useTrustedResponseServer();
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    kms.reset();
    rds.reset();
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: GOOD_KEY });
    kms.on(DescribeKeyCommand, { KeyId: SOURCE_KEY_ARN }).resolves({ KeyMetadata: SOURCE_KEY });
    kms.on(GetKeyPolicyCommand).resolves({ Policy: DEFAULT_KEY_POLICY });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ ...GOOD_CLUSTER, Engine: 'aurora-mysql' }] });
  });
  afterEach(() => jest.restoreAllMocks());

  async function invoke(changes: EventChanges = {}, remainingMs = 60_000): Promise<CapturedReply> {
    const endpoint = server.endpoint();
    await index.handler(makeEvent({ ...changes, ResponseURL: endpoint.url }), lambdaContext(remainingMs));
    return endpoint.reply;
  }

  it("replies SUCCESS with the resolved key ARN, the source key ARN, the cluster ARN, engine and the ARN patterns of the stack's snapshots and configurations", async () => {
    const reply = await invoke();
    expect(reply.body.Status).toBe('SUCCESS');
    expect(reply.body.Data).toEqual({
      [PREFLIGHT_DATA.targetKeyArn]: TARGET_KEY_ARN,
      [PREFLIGHT_DATA.sourceKeyArn]: SOURCE_KEY_ARN,
      [PREFLIGHT_DATA.clusterArn]: CLUSTER_ARN,
      [PREFLIGHT_DATA.engine]: 'aurora-mysql',
      // The partition and account of the cluster's ARN; the names this stack's runs give.
      [PREFLIGHT_DATA.sourceSnapshots]: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:prod-aurora-dr-*',
      [PREFLIGHT_DATA.targetSnapshots]: 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:prod-aurora-dr-*',
      [PREFLIGHT_DATA.configParameters]: 'arn:aws:ssm:us-west-2:123456789012:parameter/aurora-snapshot-dr/prod-aurora-dr-*',
    });
    expect(reply.body.PhysicalResourceId).toBe('aurora-snapshot-dr-preflight-Preflight');
  });

  it('names the snapshots of a 63-character cluster cut as the runbook cuts it, on Update too', async () => {
    const cluster = `${'a'.repeat(37)}-${'b'.repeat(25)}`;
    const reply = await invoke({ RequestType: 'Update', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight', properties: { DBClusterIdentifier: cluster } });
    expect(reply.body.Status).toBe('SUCCESS');
    expect(reply.body.Data?.[PREFLIGHT_DATA.sourceSnapshots]).toBe(`arn:aws:rds:us-east-1:123456789012:cluster-snapshot:${'a'.repeat(37)}-dr-*`);
  });

  it('describes KMSTargetKey in TargetRegion and the cluster in SourceRegion', async () => {
    await invoke();
    expect(kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: 'alias/aurora-dr-copies' });
    expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: 'prod-aurora' });
    const kmsClient = kms.commandCalls(DescribeKeyCommand)[0].thisValue as KMSClient;
    const rdsClient = rds.commandCalls(DescribeDBClustersCommand)[0].thisValue as RDSClient;
    expect(await kmsClient.config.region()).toBe('us-west-2');
    expect(await rdsClient.config.region()).toBe('us-east-1');
    expect(await kmsClient.config.maxAttempts()).toBe(3);
  });

  it('runs the same checks on Update and keeps the PhysicalResourceId', async () => {
    const reply = await invoke({ RequestType: 'Update', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight' });
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight' });
    expect(kms).toHaveReceivedCommandTimes(DescribeKeyCommand, 2);
  });

  it('reads the key policy of the target key in TargetRegion and of the cluster key in SourceRegion', async () => {
    const reply = await invoke();
    expect(reply.body.Status).toBe('SUCCESS');
    const reads = kms.commandCalls(GetKeyPolicyCommand);
    const regions = await Promise.all(reads.map((call) => (call.thisValue as KMSClient).config.region()));
    expect(reads.map((call, n) => [regions[n], call.args[0].input])).toEqual(
      expect.arrayContaining([
        ['us-west-2', { KeyId: TARGET_KEY_ARN, PolicyName: 'default' }],
        ['us-east-1', { KeyId: SOURCE_KEY_ARN, PolicyName: 'default' }],
      ]),
    );
    expect(reads).toHaveLength(2);
  });

  it('does not read the policy of an AWS managed cluster key', async () => {
    kms.on(DescribeKeyCommand, { KeyId: SOURCE_KEY_ARN }).resolves({ KeyMetadata: { ...SOURCE_KEY, KeyManager: 'AWS' } });
    const reply = await invoke();
    expect(reply.body.Status).toBe('SUCCESS');
    expect(kms).toHaveReceivedCommandTimes(GetKeyPolicyCommand, 1);
    expect(kms).toHaveReceivedCommandWith(GetKeyPolicyCommand, { KeyId: TARGET_KEY_ARN });
  });

  it('refuses keys whose policies do not let this account\'s IAM principals grant them, naming each key', async () => {
    kms.on(GetKeyPolicyCommand).resolves({ Policy: ADMIN_ONLY_POLICY });
    const reply = await invoke();
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(
      `KMSTargetKey "alias/aurora-dr-copies" (${TARGET_KEY_ARN}): its key policy does not let this account's IAM principals use kms:CreateGrant, kms:DescribeKey: ` +
        'allow Principal {"AWS":"arn:aws:iam::123456789012:root"} kms:CreateGrant, kms:DescribeKey on Resource "*", as the default key policy does; ' +
        `The key of DBClusterIdentifier "prod-aurora" (${SOURCE_KEY_ARN}): its key policy does not let this account's IAM principals use kms:CreateGrant, kms:DescribeKey: ` +
        'allow Principal {"AWS":"arn:aws:iam::123456789012:root"} kms:CreateGrant, kms:DescribeKey on Resource "*", as the default key policy does',
    );
  });

  it('refuses a key whose policy it may not read, and says what the policy must allow', async () => {
    kms.on(GetKeyPolicyCommand, { KeyId: SOURCE_KEY_ARN }).rejects(awsError('AccessDeniedException'));
    const reply = await invoke();
    expect(reply.body.Reason).toBe(
      `The key of DBClusterIdentifier "prod-aurora" (${SOURCE_KEY_ARN}): its key policy is not readable (AccessDeniedException): ` +
        "let this account's IAM principals use kms:GetKeyPolicy, kms:CreateGrant, kms:DescribeKey, as the default key policy does",
    );
  });

  it('reports a cluster key it cannot describe as a key policy it cannot check', async () => {
    kms.on(DescribeKeyCommand, { KeyId: SOURCE_KEY_ARN }).rejects(awsError('KMSInternalException', 'try again'));
    const reply = await invoke();
    expect(reply.body.Reason).toBe(
      `The key of DBClusterIdentifier "prod-aurora" (${SOURCE_KEY_ARN}): its key policy could not be checked: KMSInternalException: try again`,
    );
  });

  it('fails on a parameter rule without calling AWS at all', async () => {
    const reply = await invoke({ properties: { TargetRegion: 'US-WEST-2' } });
    expect(reply.body).toMatchObject({ Status: 'FAILED', Reason: 'TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"' });
    expect(kms.calls()).toHaveLength(0);
    expect(rds.calls()).toHaveLength(0);
  });

  it('reports the key and the cluster problems together in one Reason', async () => {
    kms.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterArn: CLUSTER_ARN, Engine: 'aurora-mysql', StorageEncrypted: false }],
    });
    const reply = await invoke();
    expect(reply.body.Reason).toBe(
      'KMSTargetKey "alias/aurora-dr-copies" was not found in us-west-2 (TargetRegion): use a key or alias that exists there; ' +
        'DBClusterIdentifier "prod-aurora" is not encrypted, and a copy cannot encrypt an unencrypted Aurora snapshot: restore a snapshot of it with encryption on and use that cluster',
    );
  });

  it('says the key policy or the role must allow DescribeKey when KMS denies access', async () => {
    kms.on(DescribeKeyCommand).rejects(awsError('AccessDeniedException'));
    const reply = await invoke();
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toContain("(AccessDeniedException): the key policy and the function's role must allow kms:DescribeKey");
  });

  it('points at SCPs and boundaries when RDS denies access the role allows', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('AccessDenied'));
    const reply = await invoke();
    expect(reply.body.Reason).toContain('is not readable in us-east-1 (AccessDenied)');
  });

  it('names a service error it has no special advice for', async () => {
    rds.on(DescribeDBClustersCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const reply = await invoke();
    expect(reply.body.Reason).toBe('DBClusterIdentifier "prod-aurora" could not be checked in us-east-1: Throttling: Rate exceeded');
  });

  it('treats an empty DescribeDBClusters answer as a missing cluster', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    const reply = await invoke();
    expect(reply.body.Reason).toContain('was not found in us-east-1 (SourceRegion)');
  });

  it('replies FAILED before the deadline when KMS never answers, naming the call that hung', async () => {
    kms.on(DescribeKeyCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    const reply = await invoke({}, 2500);
    expect(reply.receivedAt - started).toBeLessThan(2500);
    expect(reply.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'Timed out after 2 s waiting for kms:DescribeKey in us-west-2: retry the stack operation',
    });
  });

  it('aborts the hung SDK calls when the deadline passes', async () => {
    kms.on(DescribeKeyCommand).callsFake(() => new Promise(() => undefined));
    rds.on(DescribeDBClustersCommand).callsFake(() => new Promise(() => undefined));
    await invoke({}, 2000);
    // send(command, options): the mocks' types list only the command.
    const sendOptions = [kms.call(0), rds.call(0)].map((call) => (call.args as unknown[])[1] as { abortSignal?: AbortSignal });
    const signals = sendOptions.map((options) => options.abortSignal);
    expect(signals.map((signal) => signal?.aborted)).toEqual([true, true]);
  });

  it('names both calls when both hang', async () => {
    kms.on(DescribeKeyCommand).callsFake(() => new Promise(() => undefined));
    rds.on(DescribeDBClustersCommand).callsFake(() => new Promise(() => undefined));
    const reply = await invoke({}, 2000);
    expect(reply.body.Reason).toContain('waiting for kms:DescribeKey in us-west-2 and rds:DescribeDBClusters in us-east-1');
  });

  it('builds the source key ARN when RDS reports a bare key id', async () => {
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterArn: CLUSTER_ARN, Engine: 'aurora-postgresql', StorageEncrypted: true, KmsKeyId: '0f0f0f0f-1111-2222-3333-444444444444' }],
    });
    const reply = await invoke();
    expect(reply.body.Data?.[PREFLIGHT_DATA.sourceKeyArn]).toBe(SOURCE_KEY_ARN);
  });

  it('reads non-string property values as strings', async () => {
    const reply = await invoke({ properties: { SourceRetentionDays: 7 as unknown as string } });
    expect(reply.body.Status).toBe('SUCCESS');
  });

  it('fails with the rules, not a TypeError, when properties are missing', async () => {
    const endpoint = server.endpoint();
    const event = makeEvent({ ResponseURL: endpoint.url });
    delete (event.ResourceProperties as Partial<typeof event.ResourceProperties>).TargetRegion;
    await index.handler(event, lambdaContext());
    const reply = await endpoint.reply;
    expect(reply.body.Reason).toBe('TargetRegion "" is not a Region code: use one such as us-west-2');
  });

  it('keeps the reply within 4096 bytes when the Reason is long', async () => {
    const reply = await invoke({ properties: { DBClusterIdentifier: 'é'.repeat(3000), KMSTargetKey: 'ü'.repeat(3000) } });
    expect(reply.bytes).toBeLessThanOrEqual(4096);
    expect(Number(reply.headers['content-length'])).toBe(reply.bytes);
    expect(reply.body.Reason?.endsWith('…')).toBe(true);
  });
});
