/**
 * The vault preflight rules: pure functions from the vault stack's parameters
 * (and what KMS said about its key) to problems, one sentence each naming the
 * parameter, the value and the fix. The key rules are the DR stack's, with
 * this Region as the copies' Region, plus: customer managed, of this account.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { checkKey, say } from '../dr/rules';
import { CLUSTER_ID_MAX_LENGTH, CLUSTER_ID_PATTERN, DEFAULT_MANUAL_SNAPSHOT_QUOTA, snapshotNamePrefix } from '../dr/contract';
import { maxRunsPerDay, snapshotsHeld } from '../shared/schedule';
import { longestGapHours } from '../shared/schedule-interval';
import { VaultPreflightProperties } from './contract';

const CLUSTERS = 'ProtectedClusters';
const ACCOUNT_ID = /^\d{12}$/;
/** The role's policy names one ARN per cluster, and the preflight's reply (4,096 bytes) carries them. */
export const MAX_PROTECTED_CLUSTERS = 30;

export interface ProtectedCluster {
  account: string;
  cluster: string;
}

/** `111111111111:orders-db, 222222222222:billing` → pairs; blanks between commas are ignored. */
export const protectedClusters = (value: string): ProtectedCluster[] =>
  value
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const colon = pair.includes(':') ? pair.indexOf(':') : pair.length;
      return { account: pair.slice(0, colon), cluster: pair.slice(colon + 1) };
    });

/** Hours a protected cluster's newest vault copy may age: a DR day to share it, a day to copy it, and the vault's longest gap. */
export const SHARE_AND_COPY_HOURS = 48;

export function allowedVaultCopyAgeHours(p: Pick<VaultPreflightProperties, 'ScheduleExpression' | 'MaxCopyAgeHours'>): number | undefined {
  if (+p.MaxCopyAgeHours > 0) return +p.MaxCopyAgeHours;
  const gap = longestGapHours(p.ScheduleExpression);
  return gap === undefined ? undefined : gap + SHARE_AND_COPY_HOURS;
}

/** The pairs: 12-digit accounts other than the vault's, cluster identifiers as RDS stores them, each pair once. */
function clusterListProblems(p: VaultPreflightProperties): string[] {
  const pairs = protectedClusters(p.ProtectedClusters);
  if (!pairs.length) return [say(CLUSTERS, p.ProtectedClusters, 'lists no cluster: give account:cluster pairs separated by commas')];
  const problems: string[] = [];
  if (pairs.length > MAX_PROTECTED_CLUSTERS) {
    problems.push(`${CLUSTERS} lists ${pairs.length} clusters, more than ${MAX_PROTECTED_CLUSTERS}: split them over two vault stacks`);
  }
  const seen = new Set<string>();
  for (const { account, cluster } of pairs) {
    const pair = `${account}:${cluster}`;
    if (!ACCOUNT_ID.test(account)) {
      problems.push(say(CLUSTERS, pair, 'does not start with a 12-digit account id: write account:cluster, e.g. 111122223333:orders-db'));
    } else if (account === p.StackAccount) {
      problems.push(say(CLUSTERS, pair, "names the vault's own account: a vault protects other accounts' clusters"));
    }
    if (cluster.length > CLUSTER_ID_MAX_LENGTH || !new RegExp(CLUSTER_ID_PATTERN).test(cluster) || cluster !== cluster.toLowerCase()) {
      problems.push(say(CLUSTERS, pair, 'has no valid cluster identifier after the colon: 1-63 lowercase letters, digits or single hyphens, starting with a letter'));
    }
    if (seen.has(pair)) problems.push(say(CLUSTERS, pair, 'is listed twice: list each cluster once'));
    seen.add(pair);
  }
  return problems;
}

/**
 * Every cluster's copies count against one quota of manual snapshots in this
 * Region: the retention's worth of runs (shares arrive at most once per
 * vault run when the DR stacks run no more often), never fewer than the
 * minimum kept, times the clusters.
 */
function quotaProblems(p: VaultPreflightProperties): string[] {
  const runs = maxRunsPerDay(p.ScheduleExpression);
  if (runs === undefined) {
    return [say('ScheduleExpression', p.ScheduleExpression, 'is not understood: use rate(N minute|hour|day[s]) or cron(minutes hours day month weekday year)')];
  }
  const clusters = protectedClusters(p.ProtectedClusters).length;
  const perCluster = Math.max(snapshotsHeld(+p.RetentionDays, runs), +p.MinimumCopiesPerCluster);
  const held = clusters * perCluster;
  if (held <= DEFAULT_MANUAL_SNAPSHOT_QUOTA) return [];
  return [
    `${clusters} clusters x ${perCluster} copies (RetentionDays ${p.RetentionDays} at ${+runs.toFixed(2)} runs a day, MinimumCopiesPerCluster ${p.MinimumCopiesPerCluster}) keep up to ${held} manual snapshots in ${p.StackRegion}, over the default quota of ${DEFAULT_MANUAL_SNAPSHOT_QUOTA}: lower RetentionDays, run less often, split the clusters over two vaults, or raise the quota first`,
  ];
}

/** Every rule that needs no AWS call. */
export function checkVaultParameters(p: VaultPreflightProperties): string[] {
  const problems = [...clusterListProblems(p)];
  for (const name of ['RetentionDays', 'MinimumCopiesPerCluster'] as const) {
    if (!/^[1-9]\d*$/.test(p[name])) problems.push(say(name, p[name], 'must be a whole number, at least 1'));
  }
  if (!problems.length) problems.push(...quotaProblems(p));
  if (allowedVaultCopyAgeHours(p) === undefined) {
    problems.push(say('ScheduleExpression', p.ScheduleExpression, 'leaves the longest gap between runs unknown: set MaxCopyAgeHours'));
  }
  return problems;
}

/** What DescribeKey said about VaultKmsKey: usable by RDS here, customer managed, of this account. */
export function checkVaultKey(key: KeyMetadata, p: VaultPreflightProperties): string[] {
  const problems = checkKey(key, { KMSTargetKey: p.VaultKmsKey, TargetRegion: p.StackRegion }).map((problem) =>
    problem.replace(/^KMSTargetKey/, 'VaultKmsKey'),
  );
  if (key.KeyManager !== 'CUSTOMER') {
    problems.push(say('VaultKmsKey', p.VaultKmsKey, `is ${key.KeyManager} managed: use a customer managed key, whose key policy the vault account controls`));
  }
  const account = key.Arn?.split(':')[4];
  if (account && account !== p.StackAccount) {
    problems.push(say('VaultKmsKey', p.VaultKmsKey, `belongs to account ${account}: use a key of the vault account ${p.StackAccount}`));
  }
  return problems;
}

/**
 * What the vault's role may reach in the protected accounts, for its policy:
 * their DR copies of the listed clusters in this Region (named by the DR
 * stack's rule, snapshotNamePrefix), and their keys here, through RDS grants.
 */
export function protectedResourceArns(p: VaultPreflightProperties, partition: string): { snapshots: string; keys: string } {
  const pairs = protectedClusters(p.ProtectedClusters);
  const accounts = [...new Set(pairs.map((c) => c.account))];
  return {
    snapshots: pairs.map((c) => `arn:${partition}:rds:${p.StackRegion}:${c.account}:cluster-snapshot:${snapshotNamePrefix(c.cluster)}*`).join(','),
    keys: accounts.map((account) => `arn:${partition}:kms:${p.StackRegion}:${account}:key/*`).join(','),
  };
}
