/**
 * The contract of the vault stack (templates/aurora-snapshot-dr-vault.*),
 * deployed once per vault in the vault account, in the DR Region: its
 * parameter names, the preflight's properties and Data, and the metric its
 * copy-age watchdog publishes. The generator, the vault's function and the
 * tests import these names, so the compiler keeps them in step. Its copies
 * carry the DR stack's SNAPSHOT_TAG keys, with the vault stack's ARN as owner.
 */

/** Parameter names of the vault template. */
export const VAULT_PARAM = {
  /** KMS key of this account and Region that encrypts the vault's copies. */
  kmsKey: 'VaultKmsKey',
  /** The protected clusters, `account:cluster` pairs separated by commas. */
  protectedClusters: 'ProtectedClusters',
  retention: 'RetentionDays',
  minimumCopies: 'MinimumCopiesPerCluster',
  schedule: 'ScheduleExpression',
  copyTimeout: 'CopyTimeoutHours',
  maxCopyAge: 'MaxCopyAgeHours',
  alertEmail: 'AlertEmail',
} as const;

/** The vault's preflight custom resource (custom-resource/vault/). */
export const VAULT_PREFLIGHT_RESOURCE_TYPE = 'Custom::AuroraSnapshotDrVaultPreflight';

/** Properties the vault template passes to its preflight function; CloudFormation sends strings. */
export interface VaultPreflightProperties {
  VaultKmsKey: string;
  ProtectedClusters: string;
  RetentionDays: string;
  MinimumCopiesPerCluster: string;
  ScheduleExpression: string;
  MaxCopyAgeHours: string;
  StackRegion: string;
  StackAccount: string;
}

export const VAULT_PREFLIGHT_PROPERTY_NAMES: ReadonlyArray<keyof VaultPreflightProperties> = [
  'VaultKmsKey',
  'ProtectedClusters',
  'RetentionDays',
  'MinimumCopiesPerCluster',
  'ScheduleExpression',
  'MaxCopyAgeHours',
  'StackRegion',
  'StackAccount',
];

/** Keys of the preflight's Data; the template reads them with Fn::GetAtt. */
export const VAULT_DATA = {
  /** ARN of the vault key, whatever form VaultKmsKey was given in. */
  vaultKeyArn: 'VaultKeyArn',
  /** How old a protected cluster's newest vault copy may be: the copy-age alarm's threshold. */
  allowedCopyAgeHours: 'AllowedCopyAgeHours',
  /**
   * The protected clusters' DR copies in this Region, one ARN pattern per pair
   * (`arn:...:<account>:cluster-snapshot:<the DR stack's name prefix>*`),
   * comma-separated: the only sources the vault's role may copy from.
   */
  sourceSnapshotArns: 'SourceSnapshotArns',
  /** The protected accounts' keys in this Region (`arn:...:<account>:key/*`), comma-separated: RDS decrypts the shares with them. */
  sourceKeyArns: 'SourceKeyArns',
} as const;

export type VaultPreflightData = { [K in (typeof VAULT_DATA)[keyof typeof VAULT_DATA]]: string };

/**
 * The watchdog's metric: per protected cluster (dimension VaultCluster,
 * `account:cluster`) the age of its newest vault copy, and per vault
 * (dimension VaultStack) the oldest of those ages, which the alarm watches.
 */
export const VAULT_METRIC = {
  namespace: 'AuroraSnapshotDR',
  stackDimension: 'VaultStack',
  clusterDimension: 'VaultCluster',
  newestCopyAgeHours: 'VaultNewestCopyAgeHours',
} as const;

/** What the hourly rule passes to the watchdog, and the first check's custom resource as properties. */
export interface VaultWatchdogInput {
  ProtectedClusters: string;
  VaultStackId: string;
}

export const VAULT_WATCHDOG_FIRST_CHECK_TYPE = 'Custom::AuroraSnapshotDrVaultFirstCheck';
