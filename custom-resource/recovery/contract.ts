/**
 * The contract of the recovery stack (templates/aurora-snapshot-dr-recovery.*),
 * deployed in the target Region, one per protected cluster: its parameter
 * names, the tags that mark what it restores, and the CloudWatch metrics its
 * drills and its watchdog publish. The generator, the recovery stack's
 * functions and scripts, the CLI and the tests all import these names, so the
 * compiler keeps them in step (the Python scripts receive them as inputs).
 */

/**
 * Output of the source stack whose value is the recovery stack's copy-paste
 * parameters, as quoted Key=Value pairs for `aws cloudformation deploy
 * --parameter-overrides`; the CLI reads it to deploy the recovery stack.
 */
export const RECOVERY_PARAMETERS_OUTPUT = 'RecoveryStackParameters';

/** Parameter names of the recovery template. */
export const RECOVERY_PARAM = {
  /** The protected (source) cluster's identifier; copies carry it in their cluster tag. */
  cluster: 'DBClusterIdentifier',
  /** ARN of the source stack: the value of the ownership tag its copies carry (SNAPSHOT_TAG.stackId). */
  sourceStackId: 'SourceStackId',
  /** KMS key of this Region that encrypts the copies and so the restored clusters. */
  kmsKey: 'KMSTargetKey',
  /** Network of restored clusters. */
  subnetGroup: 'DBSubnetGroupName',
  securityGroups: 'VpcSecurityGroupIds',
  /** Instance class of a drill's writer (a restore may name its own). */
  drillInstanceClass: 'DrillInstanceClass',
  /** EventBridge schedule of the drills; empty turns drills off. */
  drillSchedule: 'DrillScheduleExpression',
  /** Optional: a Lambda function of this account and Region each drill invokes to validate its cluster (run/validation.ts). */
  drillValidation: 'DrillValidationFunction',
  /** The source stack's schedule and copy timeout: they set how old the newest copy may be. */
  sourceSchedule: 'SourceScheduleExpression',
  copyTimeout: 'CopyTimeoutHours',
  /** Overrides the allowed age of the newest copy, in hours; 0 computes it from the two above. */
  maxCopyAge: 'MaxCopyAgeHours',
  /** Whether to create the CloudWatch dashboard of the recovery objectives. */
  dashboard: 'CreateDashboard',
  alertEmail: 'AlertEmail',
} as const;

/**
 * Tags on every cluster and instance the recovery stack restores. The stack tag
 * holds the recovery stack's ARN; the kind tells a drill (torn down by the
 * project, and only when it carries this stack's ARN) from a restore (the
 * user's, never deleted by the project).
 */
export const RESTORE_TAG = {
  stackId: 'aurora-snapshot-dr:recovery-stack-id',
  kind: 'aurora-snapshot-dr:restore-kind',
  snapshot: 'aurora-snapshot-dr:restored-from',
  /** The Automation execution that restored it: a drill tears down its own cluster, and sweeps others'. */
  execution: 'aurora-snapshot-dr:execution-id',
} as const;

export const RESTORE_KIND = { restore: 'restore', drill: 'drill' } as const;

/**
 * Prefix of the parameter groups that hold the source's values
 * (custom-resource/recovery/run/fidelity.ts): a restore's cluster name follows
 * (and -writer for its writer's group), or, for the drills' shared pair,
 * <source>-drill-<family>. IAM lets the stack create and change only groups of
 * this prefix that carry its tags, and delete none.
 */
export const RESTORED_GROUP_PREFIX = 'aurora-snapshot-dr-';

/** CloudWatch metrics of the recovery stack, one dimension: the recovery stack's name. */
export const RECOVERY_METRIC = {
  namespace: 'AuroraSnapshotDR',
  dimension: 'RecoveryStack',
  /** Hours since the recovery point of the newest available copy of the source stack (the watchdog). */
  newestCopyAgeHours: 'NewestCopyAgeHours',
  /** The worst-case RPO, hours (custom-resource/shared/staleness.ts worstCaseRpo; the watchdog). */
  worstCaseRpoHours: 'WorstCaseRpoHours',
  /** Minutes from a drill's restore call to the cluster and writer available (measured RTO). */
  drillRestoreMinutes: 'DrillRestoreMinutes',
  /** The RTO split: restore call to cluster available (the writer's request), and writer request to available. */
  drillClusterRestoreMinutes: 'DrillClusterRestoreMinutes',
  drillWriterMinutes: 'DrillWriterMinutes',
  /** Hours from the restored copy's recovery point to the drill's start (not the RPO: see worstCaseRpoHours). */
  drillCopyAgeHours: 'DrillCopyAgeHours',
  /** 1 for a drill that verified the restore, 0 for one that failed. */
  drillSucceeded: 'DrillSucceeded',
  /** How many attributes of a drill's cluster differ from the configuration captured with its copy. */
  drillFidelityDifferences: 'DrillFidelityDifferences',
  /** 1 when the drill's validation function said the cluster serves, 0 when not; none without the function. */
  drillValidationSucceeded: 'DrillValidationSucceeded',
  /** The RTO's last part: minutes the validation function took to log in and answer, when it succeeded. */
  drillLoginMinutes: 'DrillLoginMinutes',
} as const;

/** The recovery stack's preflight custom resource (custom-resource/recovery/). */
export const RECOVERY_PREFLIGHT_RESOURCE_TYPE = 'Custom::AuroraSnapshotDrRecoveryPreflight';

/** Properties the recovery template passes to its preflight function; CloudFormation sends strings. */
export interface RecoveryPreflightProperties {
  DBClusterIdentifier: string;
  SourceStackId: string;
  KMSTargetKey: string;
  DBSubnetGroupName: string;
  VpcSecurityGroupIds: string;
  DrillInstanceClass: string;
  DrillScheduleExpression: string;
  SourceScheduleExpression: string;
  CopyTimeoutHours: string;
  MaxCopyAgeHours: string;
  /** `AWS::Region` of the stack: the copies, the network and the key must all be here. */
  StackRegion: string;
}

export const RECOVERY_PREFLIGHT_PROPERTY_NAMES: ReadonlyArray<keyof RecoveryPreflightProperties> = [
  'DBClusterIdentifier',
  'SourceStackId',
  'KMSTargetKey',
  'DBSubnetGroupName',
  'VpcSecurityGroupIds',
  'DrillInstanceClass',
  'DrillScheduleExpression',
  'SourceScheduleExpression',
  'CopyTimeoutHours',
  'MaxCopyAgeHours',
  'StackRegion',
];

/** Keys of the recovery preflight's `Data`; the template reads them with Fn::GetAtt. */
export const RECOVERY_DATA = {
  /** ARN of the target key, whatever form KMSTargetKey was given in. */
  targetKeyArn: 'TargetKeyArn',
  /** How old the newest copy may be, in hours (custom-resource/shared/staleness.ts): the copy-age alarm's threshold. */
  allowedCopyAgeHours: 'AllowedCopyAgeHours',
  /** `arn:<partition>:rds:<Region>:<account>:`, which the run policy's ARNs continue (rdsArnPrefix). */
  rdsArn: 'RdsArn',
  /** The body of the optional dashboard (dashboard.ts). */
  dashboardBody: 'DashboardBody',
} as const;

/** The RDS ARNs of the account and Region of a key's ARN: the target key is this stack's account's, in its Region. */
export const rdsArnPrefix = (keyArn: string): string => {
  const [, partition, , region, account] = keyArn.split(':');
  return `arn:${partition}:rds:${region}:${account}:`;
};

export type RecoveryPreflightData = { [K in (typeof RECOVERY_DATA)[keyof typeof RECOVERY_DATA]]: string };
