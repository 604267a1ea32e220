/**
 * `status` of a vault stack, in the vault account and its Region: each
 * protected cluster's newest vault copy and its age, by the rule the vault's
 * hourly check publishes (newestCopyByCluster), judged against the allowed age
 * (the copy-age alarm's threshold), and the alarm itself. The protected
 * accounts' own copies are theirs to show: `status` of each DR stack, with its
 * credentials.
 */
import { Stack } from '@aws-sdk/client-cloudformation';
import { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DBClusterSnapshot } from '@aws-sdk/client-rds';
import { EXIT } from '../shared/commands';
import { ownedSnapshots } from '../shared/owned-snapshots';
import { alarmOn } from '../recovery/status';
import { Context, describeError } from '../shared/context';
import { formatHours, table, utc } from '../shared/progress';
import { newestCopyByCluster } from '../../custom-resource/vault/watchdog';
import { protectedClusters } from '../../custom-resource/vault/rules';
import { VAULT_METRIC, VAULT_PARAM } from '../../custom-resource/vault/contract';

const HOUR_MS = 3_600_000;

/** Prints the vault's view; returns EXIT.stale when a cluster's newest copy (or, with none, the stack) is older than allowed. */
export async function vaultStackStatus(context: Context, stack: Stack, region: string): Promise<number> {
  const { out, err } = context.output;
  const listed = stack.Parameters?.find((p) => p.ParameterKey === VAULT_PARAM.protectedClusters)?.ParameterValue ?? '';
  const now = context.now().getTime();
  out(`Vault stack ${stack.StackName} in ${region}: ${stack.StackStatus}`);
  let alarm: MetricAlarm | undefined;
  let snapshots: DBClusterSnapshot[];
  try {
    // The vault's copies carry its stack's ARN as their ownership tag, as a DR stack's do.
    [alarm, snapshots] = await Promise.all([
      alarmOn(context, region, {
        Namespace: VAULT_METRIC.namespace,
        MetricName: VAULT_METRIC.newestCopyAgeHours,
        Dimensions: [{ Name: VAULT_METRIC.stackDimension, Value: stack.StackName! }],
      }),
      ownedSnapshots(context, region, stack.StackId!),
    ]);
  } catch (error) {
    err(`The vault's copies could not be read in ${region}: ${describeError(error, undefined)}`);
    return EXIT.failed;
  }
  const allowed = alarm?.Threshold;
  const newest = newestCopyByCluster(snapshots, stack.StackId!);
  let stale = false;
  const rows = protectedClusters(listed).map(({ account, cluster }) => {
    const copy = newest.get(`${account}:${cluster}`);
    // With no copy yet, the age counts from the stack's creation, as the hourly check counts it.
    const since = copy?.SnapshotCreateTime ?? stack.CreationTime;
    const age = since ? (now - since.getTime()) / HOUR_MS : undefined;
    const late = allowed !== undefined && age !== undefined && age > allowed;
    stale ||= late;
    const verdict = late ? (copy ? 'STALE' : 'NONE') : copy ? 'current' : 'none yet';
    return [`${account}:${cluster}`, copy?.DBClusterSnapshotIdentifier ?? '-', copy ? `${utc(copy.SnapshotCreateTime)}` : '-', age === undefined ? '-' : formatHours(age), verdict];
  });
  out(`Newest vault copy of each protected cluster${allowed === undefined ? '' : ` (allowed age ${formatHours(allowed)})`}:`);
  for (const line of table(['CLUSTER', 'NEWEST COPY', 'COPIED (UTC)', 'AGE', ''], rows)) out(`  ${line}`);
  if (!alarm) {
    out('Copy-age alarm: not found (the stack is not complete?).');
  } else {
    out(`Copy-age alarm: ${alarm.StateValue} since ${utc(alarm.StateUpdatedTimestamp)} UTC`);
  }
  if (stale || alarm?.StateValue === 'ALARM') {
    out('  Is each protected account\'s DR stack sharing (its VaultAccountId), and are the vault\'s runs failing? docs/vault.md.');
    return EXIT.stale;
  }
  return EXIT.ok;
}
