/**
 * The AWS calls of the recovery preflight, all in the stack's own Region
 * (the target Region of the copies). Same client options as the source
 * stack's preflight; the key lookup is shared with it.
 */
import { EC2, SecurityGroup } from '@aws-sdk/client-ec2';
import {
  DBClusterSnapshot,
  DBSubnetGroup,
  RDS,
} from '@aws-sdk/client-rds';
import { CLIENT_OPTIONS } from '../shared/clients';
import { SNAPSHOT_TAG } from '../dr/contract';

export { describeKey } from '../shared/clients';

export async function describeSubnetGroup(region: string, name: string, abortSignal?: AbortSignal): Promise<DBSubnetGroup> {
  const rds = new RDS({ region, ...CLIENT_OPTIONS });
  const { DBSubnetGroups } = await rds.describeDBSubnetGroups({ DBSubnetGroupName: name }, { abortSignal });
  return DBSubnetGroups?.[0] ?? {};
}

/** The security groups that exist, of those asked for; EC2 fails the whole call on one unknown id, so ask one by one. */
export async function describeSecurityGroups(
  region: string,
  ids: string[],
  abortSignal?: AbortSignal,
): Promise<SecurityGroup[]> {
  const ec2 = new EC2({ region, ...CLIENT_OPTIONS });
  const found = await Promise.all(
    ids.map((id) =>
      ec2.describeSecurityGroups({ GroupIds: [id] }, { abortSignal }).then(
        ({ SecurityGroups }) => SecurityGroups ?? [],
        (error: Error) => {
          if (/NotFound|Malformed/.test(error.name)) return [];
          throw error;
        },
      ),
    ),
  );
  return found.flat();
}

/**
 * Copies of the cluster made by the source stack in this Region: manual
 * snapshots by cluster id, kept when they carry the source stack's ownership
 * tag. Never by DBClusterIdentifier, which must name a cluster of this Region.
 */
export async function listCopies(
  region: string,
  clusterId: string,
  sourceStackId: string,
  abortSignal?: AbortSignal,
): Promise<DBClusterSnapshot[]> {
  const rds = new RDS({ region, ...CLIENT_OPTIONS });
  const copies: DBClusterSnapshot[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.describeDBClusterSnapshots({
      SnapshotType: 'manual',
      Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }],
      Marker,
    }, { abortSignal });
    copies.push(
      ...(page.DBClusterSnapshots ?? []).filter((s) =>
        (s.TagList ?? []).some((t) => t.Key === SNAPSHOT_TAG.stackId && t.Value === sourceStackId),
      ),
    );
    Marker = page.Marker;
  } while (Marker);
  return copies;
}

/**
 * Whether the instance class can run the engine version here (in any
 * configuration). RDS filters by class itself; the answer is checked again in
 * case an endpoint ignores the filter.
 */
export async function isOrderable(
  region: string,
  engine: string,
  engineVersion: string,
  instanceClass: string,
  abortSignal?: AbortSignal,
): Promise<boolean> {
  const rds = new RDS({ region, ...CLIENT_OPTIONS });
  let Marker: string | undefined;
  do {
    const page = await rds.describeOrderableDBInstanceOptions({
      Engine: engine,
      EngineVersion: engineVersion,
      DBInstanceClass: instanceClass,
      Marker,
    }, { abortSignal });
    if ((page.OrderableDBInstanceOptions ?? []).some((o) => o.DBInstanceClass === instanceClass)) return true;
    Marker = page.Marker;
  } while (Marker);
  return false;
}
