/**
 * The contract between the template (generator/) and the preflight function
 * (custom-resource/): the custom resource type, the properties the template
 * passes, the Data keys it reads back, the tags that mark this stack's
 * snapshots and the identifier patterns both sides enforce. Both sides import
 * this file, so the compiler keeps them in step.
 */

/** moto and CloudFormation both accept `Custom::<Name>`; the name says what the resource is for. */
export const PREFLIGHT_RESOURCE_TYPE = 'Custom::AuroraSnapshotDrPreflight';

/** Properties the template passes to the preflight function. CloudFormation sends every value as a string. */
export interface PreflightProperties {
  DBClusterIdentifier: string;
  KMSTargetKey: string;
  SourceRegion: string;
  TargetRegion: string;
  /** `AWS::Region` of the stack: the automation runs there, so it must be SourceRegion. */
  StackRegion: string;
  ScheduleExpression: string;
  SourceRetentionDays: string;
  TargetRetentionDays: string;
  /** The vault account the copies are shared with (docs/vault.md); empty or absent: none. */
  VaultAccountId?: string;
}

export const PREFLIGHT_PROPERTY_NAMES: ReadonlyArray<keyof PreflightProperties> = [
  'DBClusterIdentifier',
  'KMSTargetKey',
  'SourceRegion',
  'TargetRegion',
  'StackRegion',
  'ScheduleExpression',
  'SourceRetentionDays',
  'TargetRetentionDays',
  'VaultAccountId',
];

/** Keys of the `Data` the preflight function returns on success; the template reads them with Fn::GetAtt. */
export const PREFLIGHT_DATA = {
  /** ARN of the target-Region KMS key, whatever form KMSTargetKey was given in. */
  targetKeyArn: 'TargetKeyArn',
  /** ARN of the KMS key that encrypts the source cluster (and so its snapshots). */
  sourceKeyArn: 'SourceKeyArn',
  clusterArn: 'ClusterArn',
  engine: 'Engine',
  /** ARN pattern of the snapshots this stack's runs create in SourceRegion: see own-arns.ts. */
  sourceSnapshots: 'SourceSnapshots',
  /** The same in TargetRegion, where the copies keep their source's names. */
  targetSnapshots: 'TargetSnapshots',
  /** ARN pattern of the SSM parameters that record the copies' configurations, in TargetRegion. */
  configParameters: 'ConfigParameters',
} as const;

export type PreflightData = { [K in (typeof PREFLIGHT_DATA)[keyof typeof PREFLIGHT_DATA]]: string };

/**
 * Tags the automation writes on every snapshot it creates or copies. The stack
 * tag is the proof of ownership: pruning and the IAM conditions rely on it,
 * and it holds the stack ARN, which is unique across Regions and accounts.
 */
export const SNAPSHOT_TAG = {
  stackId: 'aurora-snapshot-dr:stack-id',
  cluster: 'aurora-snapshot-dr:cluster',
  sourceSnapshot: 'aurora-snapshot-dr:source-snapshot',
  execution: 'aurora-snapshot-dr:execution-id',
} as const;

/**
 * Every Region code AWS uses, lowercase: commercial (us-east-1, ap-southeast-5,
 * mx-central-1), GovCloud (us-gov-west-1), China (cn-north-1), the ISO
 * partitions (us-iso-east-1, us-isob-east-1, eu-isoe-west-1, us-isof-south-1)
 * and the European Sovereign Cloud (eusc-de-east-1).
 */
export const REGION_PATTERN =
  '^[a-z]{2,4}-([a-z]{2,5}-)?(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?$';

/** Aurora cluster identifiers: a letter, then letters, digits and single hyphens, no trailing hyphen; 1-63 characters. */
export const CLUSTER_ID_PATTERN = '^[a-zA-Z](-?[a-zA-Z0-9])*$';
export const CLUSTER_ID_MAX_LENGTH = 63;
/**
 * The same, as RDS stores them: lowercase. The recovery stack takes the identifier the source stack's preflight
 * let through, which refuses upper case (dr/rules.ts clusterIdProblem), so its pattern refuses it too.
 */
export const STORED_CLUSTER_ID_PATTERN = CLUSTER_ID_PATTERN.replace(/A-Z/g, '');

/** 63 characters of a snapshot id less `-dr-<YYYYMMDDHHMM>-<8 characters of the execution id>` (25). */
const SNAPSHOT_ID_CLUSTER_PART_MAX_LENGTH = 38;

/**
 * The start of every snapshot id this stack's runs create, by the rule of
 * automation/dr/create_snapshot.py snapshot_id(): the cluster identifier cut so
 * the id fits 63 characters, less a trailing hyphen the cut left, lowercase,
 * then "-dr-". The roles name this stack's snapshots by it (own-arns.ts). A test runs
 * both implementations over the same table, so they cannot drift apart.
 */
export const snapshotNamePrefix = (cluster: string): string =>
  `${cluster.slice(0, SNAPSHOT_ID_CLUSTER_PART_MAX_LENGTH).replace(/-+$/, '')}-dr-`.toLowerCase();

const KEY_ID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
const ALIAS_NAME = 'alias/[a-zA-Z0-9/_-]{1,250}';
const KMS_ARN_PREFIX = 'arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:';

/**
 * A key id, a multi-Region key id, a key ARN, an alias name or an alias ARN.
 * Built by a call marked pure (esbuild keeps unused template literals) so it
 * stays out of the preflight bundle, which leaves the key's form to KMS:
 * every byte of inline code counts against the template's size limit.
 */
export const KMS_KEY_PATTERN = /* @__PURE__ */ [
  '^(',
  KEY_ID,
  '|',
  ALIAS_NAME,
  '|',
  KMS_ARN_PREFIX,
  '(key/',
  KEY_ID,
  '|',
  ALIAS_NAME,
  '))$',
].join('');

/** RDS default quota of manual DB cluster snapshots per Region (AWS Backup recovery points count too). */
export const DEFAULT_MANUAL_SNAPSHOT_QUOTA = 100;
