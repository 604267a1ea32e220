/**
 * The DR stack's preflight with VaultAccountId: the copies it shares must be
 * under a key the vault account may use. Handler with KMS and RDS mocked,
 * and the key policy rule with the vault account as its subject.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import index = require('../../../custom-resource/dr/index');
import { keyPolicyProblem } from '../../../custom-resource/dr/rules';
import { lambdaContext, makeEvent } from '../support/events';
import { GOOD_CLUSTER, GOOD_KEY, SOURCE_KEY_ARN, TARGET_KEY_ARN } from '../support/fixtures';
import { CapturedReply, useTrustedResponseServer } from '../support/response-server';

const VAULT = '999999999999';
const kms = mockClient(KMSClient);
const rds = mockClient(RDSClient);

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (principal: string | string[], action: string | string[] = 'kms:*') => ({ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*' });
const OWNER = allow('arn:aws:iam::123456789012:root');
const VAULT_GRANTS = allow(`arn:aws:iam::${VAULT}:root`, ['kms:CreateGrant', 'kms:DescribeKey']);
const SUBJECT = `KMSTargetKey "alias/aurora-dr-copies" (${TARGET_KEY_ARN})`;

describe('keyPolicyProblem for the vault account', () => {
  it.each<[string, string, string | undefined]>([
    ['the default policy, which admits only the key account', policy(OWNER), `${SUBJECT}: its key policy does not let the vault account ${VAULT}'s IAM principals use kms:CreateGrant, kms:DescribeKey: allow Principal {"AWS":"arn:aws:iam::${VAULT}:root"} kms:CreateGrant, kms:DescribeKey on Resource "*"`],
    ['a statement for the vault root', policy(OWNER, VAULT_GRANTS), undefined],
    ['a statement for the bare vault account id', policy(OWNER, allow(VAULT, ['kms:CreateGrant', 'kms:DescribeKey'])), undefined],
    ['a statement that grants the vault DescribeKey only', policy(OWNER, allow(`arn:aws:iam::${VAULT}:root`, 'kms:DescribeKey')), `${SUBJECT}: its key policy does not let the vault account ${VAULT}'s IAM principals use kms:CreateGrant: allow Principal {"AWS":"arn:aws:iam::${VAULT}:root"} kms:CreateGrant, kms:DescribeKey on Resource "*"`],
    ['an unconditional Deny to everyone', policy(OWNER, VAULT_GRANTS, { Effect: 'Deny', Principal: '*', Action: 'kms:CreateGrant', Resource: '*' }), `${SUBJECT}: its key policy denies kms:CreateGrant to the vault account ${VAULT}: remove that Deny`],
  ])('%s', (_, text, problem) => {
    expect(keyPolicyProblem(SUBJECT, TARGET_KEY_ARN, text, VAULT)).toBe(problem);
  });

  it("still judges the key's own account without a vault", () => {
    expect(keyPolicyProblem(SUBJECT, TARGET_KEY_ARN, policy(OWNER))).toBeUndefined();
  });
});

describe('DR preflight handler with VaultAccountId', () => {
  const server = useTrustedResponseServer();
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    kms.reset();
    rds.reset();
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { ...GOOD_KEY, KeyManager: 'CUSTOMER' } });
    kms.on(DescribeKeyCommand, { KeyId: SOURCE_KEY_ARN }).resolves({ KeyMetadata: { ...GOOD_KEY, Arn: SOURCE_KEY_ARN, KeyManager: 'CUSTOMER' } });
    kms.on(GetKeyPolicyCommand).resolves({ Policy: policy(OWNER, VAULT_GRANTS) });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [GOOD_CLUSTER] });
  });
  afterEach(() => jest.restoreAllMocks());

  async function invoke(vault: string): Promise<CapturedReply> {
    const endpoint = server.endpoint();
    await index.handler(makeEvent({ ResponseURL: endpoint.url, properties: { VaultAccountId: vault } }), lambdaContext());
    return endpoint.reply;
  }

  it('succeeds when the target key admits the vault account', async () => {
    expect((await invoke(VAULT)).body.Status).toBe('SUCCESS');
  });

  it('refuses an AWS managed target key (aws/rds), whose copies cannot be shared', async () => {
    kms.on(DescribeKeyCommand, { KeyId: 'alias/aurora-dr-copies' }).resolves({ KeyMetadata: { ...GOOD_KEY, KeyManager: 'AWS' } });
    const reply = await invoke(VAULT);
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(`${SUBJECT} is AWS managed: copies under it cannot be shared with VaultAccountId ${VAULT}: use a customer managed key`);
  });

  it("refuses a target key whose policy does not admit the vault account, naming the statement to add", async () => {
    kms.on(GetKeyPolicyCommand).resolves({ Policy: policy(OWNER) });
    const reply = await invoke(VAULT);
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toContain(`its key policy does not let the vault account ${VAULT}'s IAM principals use kms:CreateGrant, kms:DescribeKey`);
  });

  it('does not judge the key for a vault when none is named', async () => {
    kms.on(GetKeyPolicyCommand).resolves({ Policy: policy(OWNER) });
    kms.on(DescribeKeyCommand, { KeyId: 'alias/aurora-dr-copies' }).resolves({ KeyMetadata: { ...GOOD_KEY, KeyManager: 'AWS' } });
    expect((await invoke('')).body.Status).toBe('SUCCESS');
  });
});
