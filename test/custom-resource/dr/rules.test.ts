import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { DBCluster } from '@aws-sdk/client-rds';
import { PreflightProperties } from '../../../custom-resource/dr/contract';
import { GOOD_CLUSTER, GOOD_KEY, SOURCE_KEY_ARN, TARGET_KEY_ARN } from '../support/fixtures';
import {
  checkCluster,
  checkKey,
  checkParameters,
  clusterLookupProblem,
  keyLookupProblem,
  keyPolicyProblem,
  keyPolicyReadProblem,
  sourceKeyArn,
} from '../../../custom-resource/dr/rules';

const GOOD: PreflightProperties = {
  DBClusterIdentifier: 'prod-aurora',
  KMSTargetKey: 'alias/aurora-dr-copies',
  SourceRegion: 'us-east-1',
  TargetRegion: 'us-west-2',
  StackRegion: 'us-east-1',
  ScheduleExpression: 'cron(0 3 * * ? *)',
  SourceRetentionDays: '7',
  TargetRetentionDays: '14',
};
const props = (changes: Partial<PreflightProperties>): PreflightProperties => ({ ...GOOD, ...changes });


describe('checkParameters', () => {
  it.each([
    ['the defaults', {}],
    ['a key id', { KMSTargetKey: '1234abcd-12ab-34cd-56ef-1234567890ab' }],
    ['a multi-Region key id', { KMSTargetKey: 'mrk-1234abcd12ab34cd56ef1234567890ab' }],
    ['a key ARN of TargetRegion', { KMSTargetKey: TARGET_KEY_ARN }],
    ['an alias ARN of TargetRegion', { KMSTargetKey: 'arn:aws:kms:us-west-2:123456789012:alias/dr' }],
    ['a GovCloud pair', { SourceRegion: 'us-gov-west-1', StackRegion: 'us-gov-west-1', TargetRegion: 'us-gov-east-1' }],
    ['an aws-iso pair', { SourceRegion: 'us-iso-east-1', StackRegion: 'us-iso-east-1', TargetRegion: 'us-iso-west-1' }],
    ['a 63-character cluster identifier', { DBClusterIdentifier: `a${'b'.repeat(62)}` }],
    ['a one-letter cluster identifier', { DBClusterIdentifier: 'a' }],
    ['rate(1 hour) with 4 days in both Regions (97 snapshots)', { ScheduleExpression: 'rate(1 hour)', SourceRetentionDays: '4', TargetRetentionDays: '4' }],
    ['daily with 99 days (100 snapshots, exactly the quota)', { SourceRetentionDays: '99', TargetRetentionDays: '99' }],
    ['weekly with 90 days', { ScheduleExpression: 'rate(7 days)', SourceRetentionDays: '90', TargetRetentionDays: '90' }],
  ])('accepts %s', (_, changes) => {
    expect(checkParameters(props(changes))).toEqual([]);
  });

  it.each([
    ['TargetRegion upper case', { TargetRegion: 'US-WEST-2' }, 'TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"'],
    ['SourceRegion upper case', { SourceRegion: 'US-EAST-1' }, 'SourceRegion "US-EAST-1" must be lowercase: use "us-east-1"'],
    ['TargetRegion with spaces', { TargetRegion: ' us-west-2 ' }, 'TargetRegion " us-west-2 " must be lowercase, with no spaces: use "us-west-2"'],
    ['TargetRegion malformed', { TargetRegion: 'us-west' }, 'TargetRegion "us-west" is not a Region code: use one such as us-west-2'],
    ['SourceRegion malformed', { SourceRegion: 'useast1' }, 'SourceRegion "useast1" is not a Region code: use one such as us-east-1'],
    ['SourceRegion empty', { SourceRegion: '' }, 'SourceRegion "" is not a Region code'],
    ['TargetRegion an availability zone', { TargetRegion: 'us-west-2a' }, 'TargetRegion "us-west-2a" is not a Region code'],
    ['equal Regions', { TargetRegion: 'us-east-1' }, 'SourceRegion and TargetRegion are both "us-east-1": the copies must go to another Region'],
    ['a China pair', { SourceRegion: 'cn-north-1', StackRegion: 'cn-north-1', TargetRegion: 'cn-northwest-1' }, 'SourceRegion "cn-north-1" and TargetRegion "cn-northwest-1": Aurora cannot copy snapshots to or from the China Regions'],
    ['a copy into China', { TargetRegion: 'cn-north-1' }, 'SourceRegion "us-east-1" and TargetRegion "cn-north-1": Aurora cannot copy snapshots to or from the China Regions'],
    ['a pair across partitions', { TargetRegion: 'us-gov-west-1' }, 'SourceRegion "us-east-1" is in partition aws and TargetRegion "us-gov-west-1" in aws-us-gov: a snapshot copy stays inside one partition, so pick a TargetRegion of aws'],
    ['a one-Region partition', { SourceRegion: 'eusc-de-east-1', StackRegion: 'eusc-de-east-1', TargetRegion: 'eusc-de-west-1' }, 'partition aws-eusc has one Region, so there is no second Region to copy to'],
    ['a stack in another Region', { StackRegion: 'eu-central-1' }, 'SourceRegion "us-east-1" is not this stack\'s Region (eu-central-1): deploy the stack in us-east-1, beside the cluster'],
    ['an upper-case cluster identifier', { DBClusterIdentifier: 'MyCluster' }, 'DBClusterIdentifier "MyCluster" must be lowercase: use "mycluster" (RDS stores cluster identifiers in lowercase)'],
    ['a cluster identifier with two hyphens', { DBClusterIdentifier: 'prod--aurora' }, 'DBClusterIdentifier "prod--aurora" is not a cluster identifier: use 1-63 letters, digits or single hyphens, starting with a letter, not its ARN'],
    ['a cluster identifier ending in a hyphen', { DBClusterIdentifier: 'prod-' }, 'DBClusterIdentifier "prod-" is not a cluster identifier'],
    ['a cluster identifier starting with a digit', { DBClusterIdentifier: '1prod' }, 'DBClusterIdentifier "1prod" is not a cluster identifier'],
    ['a 64-character cluster identifier', { DBClusterIdentifier: `a${'b'.repeat(63)}` }, `DBClusterIdentifier "a${'b'.repeat(63)}" is not a cluster identifier`],
    ['a cluster ARN', { DBClusterIdentifier: 'arn:aws:rds:us-east-1:123456789012:cluster:prod' }, 'is not a cluster identifier: use 1-63 letters, digits or single hyphens, starting with a letter, not its ARN'],
    ['an empty cluster identifier', { DBClusterIdentifier: '' }, 'DBClusterIdentifier "" is not a cluster identifier'],
    ['a key ARN of another Region', { KMSTargetKey: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, 'KMSTargetKey "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in eu-west-1, not TargetRegion us-west-2: use a key of us-west-2'],
    ['an alias ARN of another Region', { KMSTargetKey: 'arn:aws:kms:us-east-1:123456789012:alias/dr' }, 'is in us-east-1, not TargetRegion us-west-2'],
    ['an unparseable schedule', { ScheduleExpression: 'rate(1 fortnight)' }, 'ScheduleExpression "rate(1 fortnight)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field'],
    ['a five-field cron', { ScheduleExpression: 'cron(0 5 * * SUN)' }, 'ScheduleExpression "cron(0 5 * * SUN)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 5 ? * SUN *)'],
    ['a retention that is not a number', { SourceRetentionDays: 'seven' }, 'SourceRetentionDays "seven" must be a whole number of days, at least 1'],
    ['a retention of zero', { TargetRetentionDays: '0' }, 'TargetRetentionDays "0" must be a whole number of days, at least 1'],
    ['an hourly schedule over the source quota', { ScheduleExpression: 'rate(1 hour)', TargetRetentionDays: '4' }, 'ScheduleExpression "rate(1 hour)" (24 runs a day) with SourceRetentionDays 7 keeps up to 169 manual snapshots in us-east-1, over the default quota of 100: lower SourceRetentionDays to 4 or run less often'],
    ['a daily schedule over the target quota', { TargetRetentionDays: '100' }, 'ScheduleExpression "cron(0 3 * * ? *)" (1 runs a day) with TargetRetentionDays 100 keeps up to 101 manual snapshots in us-west-2, over the default quota of 100: lower TargetRetentionDays to 99 or run less often'],
  ])('rejects %s', (_, changes, reason) => {
    const problems = checkParameters(props(changes));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(reason);
  });

  it.each(['my key', '', 'key/1234'])('leaves the form of KMSTargetKey %j to KMS, which reports it not found', (key) => {
    expect(checkParameters(props({ KMSTargetKey: key }))).toEqual([]);
  });

  it('reports every problem it finds, not just the first', () => {
    const problems = checkParameters(props({ TargetRegion: 'US-WEST-2', DBClusterIdentifier: 'Prod', SourceRetentionDays: 'x' }));
    expect(problems).toEqual([
      'TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"',
      'DBClusterIdentifier "Prod" must be lowercase: use "prod" (RDS stores cluster identifiers in lowercase)',
      'SourceRetentionDays "x" must be a whole number of days, at least 1',
    ]);
  });

  it('asks only for fewer runs when even one day of retention is over the quota', () => {
    expect(checkParameters(props({ ScheduleExpression: 'rate(10 minutes)', SourceRetentionDays: '1', TargetRetentionDays: '1' }))).toEqual([
      'ScheduleExpression "rate(10 minutes)" (144 runs a day) with SourceRetentionDays 1 keeps up to 145 manual snapshots in us-east-1, over the default quota of 100: run less often',
      'ScheduleExpression "rate(10 minutes)" (144 runs a day) with TargetRetentionDays 1 keeps up to 145 manual snapshots in us-west-2, over the default quota of 100: run less often',
    ]);
  });

  it('reports a quota problem for each Region that is over it', () => {
    const problems = checkParameters(props({ ScheduleExpression: 'rate(1 hour)' }));
    expect(problems.map((p) => p.match(/manual snapshots in (\S+),/)?.[1])).toEqual(['us-east-1', 'us-west-2']);
  });

  it('escapes quotes and control characters in the values it shows', () => {
    expect(checkParameters(props({ DBClusterIdentifier: 'a"b\n' }))).toEqual([
      'DBClusterIdentifier "a\\"b\\n" is not a cluster identifier: use 1-63 letters, digits or single hyphens, starting with a letter, not its ARN',
    ]);
  });
});

describe('checkKey', () => {
  it('accepts an enabled symmetric encryption key of TargetRegion', () => {
    expect(checkKey(GOOD_KEY, GOOD)).toEqual([]);
  });

  it.each([
    ['a disabled key', { KeyState: 'Disabled', Enabled: false }, 'KMSTargetKey "alias/aurora-dr-copies" is Disabled: enable it, or use another key'],
    ['a key pending deletion', { KeyState: 'PendingDeletion', Enabled: false }, 'KMSTargetKey "alias/aurora-dr-copies" is pending deletion: cancel that and enable it, or use another key'],
    ['a replica key pending deletion', { KeyState: 'PendingReplicaDeletion', Enabled: false }, 'is pending deletion'],
    ['a key waiting for imported material', { KeyState: 'PendingImport', Enabled: false }, 'is PendingImport: enable it, or use another key'],
    ['an asymmetric encryption key', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }, 'KMSTargetKey "alias/aurora-dr-copies" is a RSA_2048 ENCRYPT_DECRYPT key: RDS needs a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)'],
    ['a signing key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }, 'is a ECC_NIST_P256 SIGN_VERIFY key'],
    ['an HMAC key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, 'is a HMAC_256 GENERATE_VERIFY_MAC key'],
    ['a symmetric key whose usage is not encryption', { KeyUsage: 'GENERATE_VERIFY_MAC' }, 'is a SYMMETRIC_DEFAULT GENERATE_VERIFY_MAC key'],
    ['a key that resolves to another Region', { Arn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, 'KMSTargetKey "alias/aurora-dr-copies" is in eu-west-1, not TargetRegion us-west-2: use a key of us-west-2'],
  ] as const)('rejects %s', (_, changes, reason) => {
    const problems = checkKey({ ...GOOD_KEY, ...changes } as KeyMetadata, GOOD);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(reason);
  });
});

describe('keyLookupProblem', () => {
  it.each([
    ['NotFoundException', 'KMSTargetKey "alias/aurora-dr-copies" was not found in us-west-2 (TargetRegion): use a key or alias that exists there'],
    ['AccessDeniedException', 'KMSTargetKey "alias/aurora-dr-copies" is not readable in us-west-2 (AccessDeniedException): the key policy and the function\'s role must allow kms:DescribeKey'],
    ['KMSInternalException', 'KMSTargetKey "alias/aurora-dr-copies" could not be checked in us-west-2: KMSInternalException: boom'],
    ['ThrottlingException', 'KMSTargetKey "alias/aurora-dr-copies" could not be checked in us-west-2: ThrottlingException: boom'],
  ])('explains %s', (name, reason) => {
    expect(keyLookupProblem({ name, message: 'boom' }, GOOD)).toBe(reason);
  });
});

describe('checkCluster', () => {
  it.each(['aurora-postgresql', 'aurora-mysql'])('accepts an encrypted %s cluster', (Engine) => {
    expect(checkCluster({ ...GOOD_CLUSTER, Engine }, GOOD)).toEqual([]);
  });

  it.each([
    ['a provisioned cluster', { EngineMode: 'provisioned', ClusterScalabilityType: 'standard' }],
    ['a Serverless v2 cluster', { EngineMode: 'provisioned', ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 } }],
    ['a cluster from before ClusterScalabilityType existed', { ClusterScalabilityType: undefined }],
  ] as const)('accepts %s', (_, changes) => {
    expect(checkCluster({ ...GOOD_CLUSTER, ...changes } as DBCluster, GOOD)).toEqual([]);
  });

  it('accepts an encrypted cluster from before StorageEncryptionType existed', () => {
    expect(checkCluster({ ...GOOD_CLUSTER, StorageEncryptionType: undefined }, GOOD)).toEqual([]);
  });

  it.each([
    ['a missing cluster', undefined, 'DBClusterIdentifier "prod-aurora" was not found in us-east-1 (SourceRegion): check the identifier and the Region'],
    ['a Multi-AZ MySQL cluster', { Engine: 'mysql' }, 'DBClusterIdentifier "prod-aurora" is mysql, not Aurora (aurora-mysql or aurora-postgresql)'],
    ['a Neptune cluster', { Engine: 'neptune' }, 'is neptune, not Aurora'],
    ['an unencrypted cluster', { StorageEncrypted: false, StorageEncryptionType: 'none', KmsKeyId: undefined }, 'DBClusterIdentifier "prod-aurora" is not encrypted, and a copy cannot encrypt an unencrypted Aurora snapshot: restore a snapshot of it with encryption on and use that cluster'],
    ['an encrypted cluster that reports no key', { KmsKeyId: undefined }, 'is not encrypted'],
    ['a cluster encrypted with an AWS owned key', { StorageEncrypted: false, StorageEncryptionType: 'sse-rds', KmsKeyId: undefined }, 'DBClusterIdentifier "prod-aurora" uses an AWS owned key (sse-rds), which this stack cannot grant: restore a snapshot of it with a KMS key of this account and use that cluster'],
    ['an Aurora Serverless v1 cluster', { EngineMode: 'serverless' }, 'DBClusterIdentifier "prod-aurora" is Aurora Serverless v1 (EngineMode serverless), which this stack cannot restore: upgrade it to Serverless v2 or provisioned'],
    ['an Aurora Limitless Database cluster', { ClusterScalabilityType: 'limitless' }, 'DBClusterIdentifier "prod-aurora" is an Aurora Limitless Database cluster, which this stack cannot restore: protect it with AWS Backup'],
  ] as const)('rejects %s', (_, changes, reason) => {
    const problems = checkCluster(changes && ({ ...GOOD_CLUSTER, ...changes } as DBCluster), GOOD);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(reason);
  });

  it('reports both a wrong engine and a missing encryption', () => {
    expect(checkCluster({ ...GOOD_CLUSTER, Engine: 'postgres', StorageEncrypted: false }, GOOD)).toHaveLength(2);
  });
});

describe('clusterLookupProblem', () => {
  it.each([
    ['DBClusterNotFoundFault', 'DBClusterIdentifier "prod-aurora" was not found in us-east-1 (SourceRegion): check the identifier and the Region'],
    ['AccessDenied', 'DBClusterIdentifier "prod-aurora" is not readable in us-east-1 (AccessDenied): the function\'s role allows rds:DescribeDBClusters, so an SCP or boundary denies it'],
    ['InvalidParameterValue', 'DBClusterIdentifier "prod-aurora" could not be checked in us-east-1: InvalidParameterValue: boom'],
  ])('explains %s', (name, reason) => {
    expect(clusterLookupProblem({ name, message: 'boom' }, GOOD)).toBe(reason);
  });
});

describe('sourceKeyArn', () => {
  it('keeps a key ARN as it is', () => {
    expect(sourceKeyArn(GOOD_CLUSTER.KmsKeyId!, GOOD_CLUSTER.DBClusterArn!)).toBe(GOOD_CLUSTER.KmsKeyId);
  });

  it("builds a bare key id's ARN from the cluster's partition, Region and account", () => {
    expect(sourceKeyArn('0f0f0f0f-1111-2222-3333-444444444444', 'arn:aws-cn:rds:cn-north-1:210987654321:cluster:c')).toBe(
      'arn:aws-cn:kms:cn-north-1:210987654321:key/0f0f0f0f-1111-2222-3333-444444444444',
    );
  });
});

describe('keyPolicyProblem', () => {
  const ROOT = 'arn:aws:iam::123456789012:root';
  const SUBJECT = 'KMSTargetKey "alias/dr"';
  type Statement = { [key: string]: unknown };
  const allow = (changes: Statement = {}): Statement => ({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*', ...changes });
  const policy = (...statements: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const ADMIN = 'arn:aws:iam::123456789012:role/key-admin';

  it.each([
    ['the default key policy (root, kms:*)', policy(allow())],
    ['the bare account id as principal', policy(allow({ Principal: { AWS: '123456789012' } }))],
    ['a list of principals with the root among them', policy(allow({ Principal: { AWS: [ADMIN, ROOT] } }))],
    ['Principal "*" limited by a condition', policy(allow({ Principal: '*', Condition: { StringEquals: { 'kms:CallerAccount': '123456789012' } } }))],
    ['Principal {"AWS":"*"}, as AWS managed keys have', policy(allow({ Principal: { AWS: '*' }, Action: ['kms:CreateGrant', 'kms:DescribeKey'] }))],
    ['the two actions named exactly', policy(allow({ Action: ['kms:CreateGrant', 'kms:DescribeKey'] }))],
    ['action wildcards, in any case', policy(allow({ Action: ['kms:create*', 'KMS:Describe?ey'] }))],
    ['the actions in two statements', policy(allow({ Action: 'kms:CreateGrant' }), allow({ Action: 'kms:DescribeKey' }))],
    ['a NotAction that leaves them allowed', policy(allow({ Action: undefined, NotAction: ['kms:ScheduleKeyDeletion'] }))],
    ['the key ARN as Resource', policy(allow({ Resource: TARGET_KEY_ARN }))],
    ['an Allow with a condition RDS satisfies', policy(allow({ Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }))],
    ['a Deny with a condition', policy(allow(), { Effect: 'Deny', Principal: '*', Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } } })],
    ['a single statement that is not in a list', JSON.stringify({ Statement: allow() })],
  ])('accepts %s', (_, text) => {
    expect(keyPolicyProblem(SUBJECT, TARGET_KEY_ARN, text)).toBeUndefined();
  });

  const LACKS = (actions: string) =>
    `${SUBJECT}: its key policy does not let this account's IAM principals use ${actions}: allow Principal {"AWS":"${ROOT}"} kms:CreateGrant, kms:DescribeKey on Resource "*", as the default key policy does`;

  it.each([
    ['a policy that names only one role', policy(allow({ Principal: { AWS: ADMIN } })), LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['another account\'s root', policy(allow({ Principal: { AWS: 'arn:aws:iam::210987654321:root' } })), LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['a service principal', policy(allow({ Principal: { Service: 'rds.amazonaws.com' } })), LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['the root allowed only to describe', policy(allow({ Action: ['kms:Describe*', 'kms:Get*'] })), LACKS('kms:CreateGrant')],
    ['a NotAction that excludes CreateGrant', policy(allow({ Action: undefined, NotAction: 'kms:CreateGrant' })), LACKS('kms:CreateGrant')],
    ['another key as Resource', policy(allow({ Resource: SOURCE_KEY_ARN })), LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['a policy of another partition', policy(allow({ Principal: { AWS: 'arn:aws-us-gov:iam::123456789012:root' } })), LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['an empty policy', '', LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['no policy at all', undefined, LACKS('kms:CreateGrant, kms:DescribeKey')],
    ['an unconditional Deny of CreateGrant', policy(allow(), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*' }), `${SUBJECT}: its key policy denies kms:CreateGrant to this account: remove that Deny`],
  ])('refuses %s, saying what is missing and the fix', (_, text, reason) => {
    expect(keyPolicyProblem(SUBJECT, TARGET_KEY_ARN, text)).toBe(reason);
  });

  it('names the partition of the key in the principal it asks for', () => {
    const govKey = 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(keyPolicyProblem(SUBJECT, govKey, policy(allow({ Principal: { AWS: ADMIN } })))).toContain('{"AWS":"arn:aws-us-gov:iam::123456789012:root"}');
    expect(keyPolicyProblem(SUBJECT, govKey, policy(allow({ Principal: { AWS: 'arn:aws-us-gov:iam::123456789012:root' } })))).toBeUndefined();
  });

  it.each([
    [{ name: 'AccessDeniedException', message: 'denied' }, `${SUBJECT}: its key policy is not readable (AccessDeniedException): let this account's IAM principals use kms:GetKeyPolicy, kms:CreateGrant, kms:DescribeKey, as the default key policy does`],
    [{ name: 'KMSInternalException', message: 'try later' }, `${SUBJECT}: its key policy could not be checked: KMSInternalException: try later`],
  ])('explains a key policy it cannot read (%o)', (error, reason) => {
    expect(keyPolicyReadProblem(SUBJECT, error)).toBe(reason);
  });
});
