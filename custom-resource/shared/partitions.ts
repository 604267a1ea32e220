/**
 * Which AWS partition a Region belongs to, and whether Aurora can copy a
 * cluster snapshot from one Region to another. One implementation for the
 * preflight check (bundled into the templates) and the CLI's local checks.
 *
 * The facts (Aurora User Guide, "Copying a DB cluster snapshot"; AWS
 * General Reference, partitions):
 * - a cross-Region copy stays inside one partition;
 * - Aurora cannot copy snapshots to or from the China Regions;
 * - aws-iso-e and aws-eusc have one Region each, so nothing to copy to.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';

/** Region-code prefixes of the partitions other than `aws`, longest first so `us-isob-` wins over `us-iso-`. */
const PARTITION_PREFIXES: [string, Partition][] = [
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['us-gov-', 'aws-us-gov'],
  ['eusc-', 'aws-eusc'],
  ['cn-', 'aws-cn'],
];

/** Every partition a Region code can name; `aws` is everything without one of the prefixes above. */
// Pure: a bundle that does not read the list (the recovery function) leaves it out.
export const PARTITIONS: Partition[] = ['aws', ...(/* @__PURE__ */ PARTITION_PREFIXES.map(([, partition]) => partition))];

/** Partitions with a single Region: a cross-Region copy has nowhere to go. */
export const SINGLE_REGION_PARTITIONS: Partition[] = ['aws-iso-e', 'aws-eusc'];

export function partitionOf(region: string): Partition {
  return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * Why Aurora cannot copy a cluster snapshot from `source` to `target`, as one
 * sentence that names the Regions and what to do; undefined when it can.
 * Both are assumed to be well-formed, lowercase Region codes.
 */
export function regionPairProblem(source: string, target: string): string | undefined {
  const [from, to] = [partitionOf(source), partitionOf(target)];
  if (from === 'aws-cn' || to === 'aws-cn') {
    return `SourceRegion "${source}" and TargetRegion "${target}": Aurora cannot copy snapshots to or from the China Regions (cn-north-1, cn-northwest-1)`;
  }
  if (from !== to) {
    return `SourceRegion "${source}" is in partition ${from} and TargetRegion "${target}" in ${to}: a snapshot copy stays inside one partition, so pick a TargetRegion of ${from}`;
  }
  if (SINGLE_REGION_PARTITIONS.includes(from) && source !== target) {
    return `SourceRegion "${source}" and TargetRegion "${target}": partition ${from} has one Region, so there is no second Region to copy to`;
  }
  return undefined;
}
