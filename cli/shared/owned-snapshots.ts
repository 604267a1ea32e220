/**
 * Which snapshots are a DR stack's, as the CLI reads them: `status` finds the
 * newest copy among them, `teardown` deletes only them. The rule is the
 * ownership tag the runbook writes (SNAPSHOT_TAG.stackId = the stack's ARN).
 */
import { DBClusterSnapshot, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { Context } from './context';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';

/** Manual cluster snapshots of the Region that carry `stackId` as their ownership tag: this stack's, and only those. */
export async function ownedSnapshots(context: Context, region: string, stackId: string): Promise<DBClusterSnapshot[]> {
  const rds = context.clients.rds(region);
  const owned: DBClusterSnapshot[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', Marker }));
    owned.push(...(page.DBClusterSnapshots ?? []).filter((s) => (s.TagList ?? []).some((t) => t.Key === SNAPSHOT_TAG.stackId && t.Value === stackId)));
    Marker = page.Marker;
  } while (Marker);
  return owned;
}
