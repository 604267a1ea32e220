import type { DBClusterSnapshot } from '@aws-sdk/client-rds';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import {
  allowedVaultCopyAgeHours,
  checkVaultKey,
  checkVaultParameters,
  protectedClusters,
  protectedResourceArns,
} from '../../../custom-resource/vault/rules';
import { newestCopyByCluster } from '../../../custom-resource/vault/watchdog';
import { VaultPreflightProperties } from '../../../custom-resource/vault/contract';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';

const VAULT = '999999999999';
const KEY_ARN = `arn:aws:kms:us-west-2:${VAULT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const good = (changes: Partial<VaultPreflightProperties> = {}): VaultPreflightProperties => ({
  VaultKmsKey: 'alias/vault',
  ProtectedClusters: '111111111111:orders-db,222222222222:billing',
  RetentionDays: '35',
  MinimumCopiesPerCluster: '3',
  ScheduleExpression: 'cron(0 6 * * ? *)',
  MaxCopyAgeHours: '0',
  StackRegion: 'us-west-2',
  StackAccount: VAULT,
  ...changes,
});

describe('checkVaultParameters', () => {
  it.each<[string, Partial<VaultPreflightProperties>]>([
    ['the defaults with two clusters', {}],
    ['spaces around the pairs', { ProtectedClusters: ' 111111111111:orders-db , 111111111111:billing ' }],
    ['one cluster name in two accounts', { ProtectedClusters: '111111111111:orders-db,222222222222:orders-db' }],
    ['two clusters kept 49 days each, daily: 2 x 50 = 100, the quota exactly', { RetentionDays: '49' }],
  ])('accepts %s', (_, changes) => {
    expect(checkVaultParameters(good(changes))).toEqual([]);
  });

  it.each<[string, Partial<VaultPreflightProperties>, string]>([
    ['no cluster at all', { ProtectedClusters: ' , ' }, 'ProtectedClusters " , " lists no cluster: give account:cluster pairs separated by commas'],
    [
      'an account id of 11 digits',
      { ProtectedClusters: '11111111111:orders-db' },
      'ProtectedClusters "11111111111:orders-db" does not start with a 12-digit account id: write account:cluster, e.g. 111122223333:orders-db',
    ],
    [
      "the vault's own account",
      { ProtectedClusters: `${VAULT}:orders-db` },
      `ProtectedClusters "${VAULT}:orders-db" names the vault's own account: a vault protects other accounts' clusters`,
    ],
    [
      'a cluster ARN instead of its identifier',
      { ProtectedClusters: '111111111111:arn:aws:rds:us-east-1:111111111111:cluster:orders-db' },
      'ProtectedClusters "111111111111:arn:aws:rds:us-east-1:111111111111:cluster:orders-db" has no valid cluster identifier after the colon: 1-63 lowercase letters, digits or single hyphens, starting with a letter',
    ],
    [
      'an upper-case cluster identifier',
      { ProtectedClusters: '111111111111:Orders-DB' },
      'ProtectedClusters "111111111111:Orders-DB" has no valid cluster identifier after the colon: 1-63 lowercase letters, digits or single hyphens, starting with a letter',
    ],
    [
      'a pair without a cluster',
      { ProtectedClusters: '111111111111' },
      'ProtectedClusters "111111111111:" has no valid cluster identifier after the colon: 1-63 lowercase letters, digits or single hyphens, starting with a letter',
    ],
    [
      'a pair listed twice',
      { ProtectedClusters: '111111111111:orders-db,111111111111:orders-db' },
      'ProtectedClusters "111111111111:orders-db" is listed twice: list each cluster once',
    ],
    [
      'two clusters kept 50 days each, daily: 2 x 51 copies',
      { RetentionDays: '50' },
      '2 clusters x 51 copies (RetentionDays 50 at 1 runs a day, MinimumCopiesPerCluster 3) keep up to 102 manual snapshots in us-west-2, over the default quota of 100: lower RetentionDays, run less often, split the clusters over two vaults, or raise the quota first',
    ],
    [
      'a minimum per cluster that alone passes the quota',
      { RetentionDays: '1', MinimumCopiesPerCluster: '60' },
      '2 clusters x 60 copies (RetentionDays 1 at 1 runs a day, MinimumCopiesPerCluster 60) keep up to 120 manual snapshots in us-west-2, over the default quota of 100: lower RetentionDays, run less often, split the clusters over two vaults, or raise the quota first',
    ],
    [
      'a schedule the quota rule cannot read',
      { ScheduleExpression: 'cron(0 6 * * ?)' },
      'ScheduleExpression "cron(0 6 * * ?)" is not understood: use rate(N minute|hour|day[s]) or cron(minutes hours day month weekday year)',
    ],
    ['a retention of 0 days', { RetentionDays: '0' }, 'RetentionDays "0" must be a whole number, at least 1'],
  ])('refuses %s', (_, changes, problem) => {
    expect(checkVaultParameters(good(changes))).toContain(problem);
  });

  it('refuses more clusters than one policy and one reply can name', () => {
    const many = Array.from({ length: 31 }, (_, n) => `111111111111:db-${n}`).join(',');
    expect(checkVaultParameters(good({ ProtectedClusters: many, RetentionDays: '1', MinimumCopiesPerCluster: '1' }))).toContain(
      'ProtectedClusters lists 31 clusters, more than 30: split them over two vault stacks',
    );
  });
});

describe('checkVaultKey', () => {
  const key = (changes: Partial<KeyMetadata> = {}): KeyMetadata => ({
    KeyId: 'k',
    Arn: KEY_ARN,
    KeyState: 'Enabled',
    Enabled: true,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    KeyManager: 'CUSTOMER',
    ...changes,
  });

  it('accepts an enabled customer managed symmetric key of this account and Region', () => {
    expect(checkVaultKey(key(), good())).toEqual([]);
  });

  it.each<[string, Partial<KeyMetadata>, string]>([
    ['the AWS managed aws/rds key', { KeyManager: 'AWS' }, 'VaultKmsKey "alias/vault" is AWS managed: use a customer managed key, whose key policy the vault account controls'],
    ['a disabled key', { KeyState: 'Disabled', Enabled: false }, 'VaultKmsKey "alias/vault" is Disabled: enable it, or use another key'],
    [
      'a key of another account',
      { Arn: KEY_ARN.replace(VAULT, '111111111111') },
      `VaultKmsKey "alias/vault" belongs to account 111111111111: use a key of the vault account ${VAULT}`,
    ],
    [
      'a key of another Region',
      { Arn: KEY_ARN.replace('us-west-2', 'us-east-1') },
      'VaultKmsKey "alias/vault" is in us-east-1, not TargetRegion us-west-2: use a key of us-west-2',
    ],
  ])('refuses %s', (_, changes, problem) => {
    expect(checkVaultKey(key(changes), good())).toContain(problem);
  });
});

describe('what the vault role may reach in the protected accounts', () => {
  it("names each cluster's DR copies by the DR stack's name prefix, and each account's keys once", () => {
    expect(protectedResourceArns(good({ ProtectedClusters: '111111111111:orders-db,111111111111:billing,222222222222:orders-db' }), 'aws')).toEqual({
      snapshots: [
        'arn:aws:rds:us-west-2:111111111111:cluster-snapshot:orders-db-dr-*',
        'arn:aws:rds:us-west-2:111111111111:cluster-snapshot:billing-dr-*',
        'arn:aws:rds:us-west-2:222222222222:cluster-snapshot:orders-db-dr-*',
      ].join(','),
      keys: 'arn:aws:kms:us-west-2:111111111111:key/*,arn:aws:kms:us-west-2:222222222222:key/*',
    });
  });

  it('parses pairs with spaces and ignores empty entries', () => {
    expect(protectedClusters(' 111111111111:a ,,222222222222:b')).toEqual([
      { account: '111111111111', cluster: 'a' },
      { account: '222222222222', cluster: 'b' },
    ]);
  });
});

describe('allowedVaultCopyAgeHours', () => {
  it.each<[string, string, number | undefined]>([
    ['cron(0 6 * * ? *)', '0', 24 + 48],
    ['rate(12 hours)', '0', 12 + 48],
    ['cron(0 6 ? * SUN *)', '0', 168 + 48],
    ['cron(0 6 * * ? *)', '30', 30],
    ['rate(1 fortnight)', '0', undefined],
  ])('%s with MaxCopyAgeHours %s allows %s h', (schedule, max, hours) => {
    expect(allowedVaultCopyAgeHours({ ScheduleExpression: schedule, MaxCopyAgeHours: max })).toBe(hours);
  });
});

describe('newestCopyByCluster', () => {
  const STACK = `arn:aws:cloudformation:us-west-2:${VAULT}:stack/vault/1`;
  const copy = (account: string, cluster: string, day: number, changes: Partial<DBClusterSnapshot> = {}, owner = STACK): DBClusterSnapshot => ({
    Status: 'available',
    SnapshotCreateTime: new Date(Date.UTC(2026, 2, day)),
    TagList: [
      { Key: SNAPSHOT_TAG.stackId, Value: owner },
      { Key: SNAPSHOT_TAG.cluster, Value: cluster },
      { Key: SNAPSHOT_TAG.sourceSnapshot, Value: `arn:aws:rds:us-west-2:${account}:cluster-snapshot:${cluster}-dr-x` },
    ],
    ...changes,
  });

  it("keeps each account's cluster apart and counts only this vault's available copies", () => {
    const newest = newestCopyByCluster(
      [
        copy('111111111111', 'orders-db', 1),
        copy('111111111111', 'orders-db', 3),
        copy('111111111111', 'orders-db', 5, { Status: 'copying' }),
        copy('222222222222', 'orders-db', 2),
        copy('222222222222', 'orders-db', 9, {}, `arn:aws:cloudformation:us-west-2:${VAULT}:stack/other-vault/2`),
      ],
      STACK,
    );
    expect(Object.fromEntries([...newest].map(([pair, snapshot]) => [pair, snapshot.SnapshotCreateTime!.getUTCDate()]))).toEqual({
      '111111111111:orders-db': 3,
      '222222222222:orders-db': 2,
    });
  });
});
