/**
 * What a cluster snapshot does not carry, recorded by each DR run beside the
 * copy it makes, so that a restore in the target Region gives back the cluster
 * as it was configured, with the source Region down (RDS API reference,
 * RestoreDBClusterFromSnapshot: no parameter groups, scaling, log exports,
 * tags, instances or secret travel with a snapshot).
 *
 * Where it lives: one SSM parameter in the target Region per copy, named
 * `<CAPTURED_CONFIG_PATH><copy snapshot id>` (a copy has its source's id),
 * written by the DR runbook's snapshot step, read just before the snapshot, and
 * deleted by its pruning with the copy (or with the source snapshot, if that
 * was never copied). A copy thus
 * restores with the configuration captured with it, not a later one; the
 * value is plain JSON an operator can read with `aws ssm get-parameter`
 * during an incident; and the Region that holds the copy holds its
 * configuration. The parameter tier is Intelligent-Tiering: Standard up to
 * 4 KB, Advanced (8 KB) above. A configuration that does not fit 8 KB fails
 * the run, naming its size.
 *
 * Every copy also carries the source snapshot's creation time as a tag
 * (COPY_TAG.sourceCreatedAt, ISO 8601 UTC): the API reference does not say
 * whether a copy's SnapshotCreateTime is the source's or the copy's, and the
 * recovery point, "the newest copy" and the copy-age alarm all need the
 * source's. Readers fall back to SnapshotCreateTime for copies made before
 * the tag existed.
 *
 * The DR runbook's scripts write this shape (they receive the names as
 * inputs); the recovery runbook and the CLI read it. test/fixtures/captured-config/
 * holds examples that every reader and writer is tested against.
 */

/** SSM parameter path of the captured configurations; the copy's snapshot id follows. */
export const CAPTURED_CONFIG_PATH = '/aurora-snapshot-dr/';

/** Tags on every copy besides SNAPSHOT_TAG (custom-resource/dr/contract.ts). */
export const COPY_TAG = {
  /** The source snapshot's SnapshotCreateTime, ISO 8601 UTC (`2026-12-07T05:00:12Z`): the copy's recovery point. */
  sourceCreatedAt: 'aurora-snapshot-dr:source-created-at',
} as const;

export const CAPTURED_CONFIG_VERSION = 1;

/** A parameter group as captured: its family and only the parameters whose Source is `user`. */
export interface CapturedParameterGroup {
  name: string;
  family: string;
  /** ParameterName -> ParameterValue, user-modified ones only. */
  parameters: { [name: string]: string };
}

export interface CapturedConfig {
  version: typeof CAPTURED_CONFIG_VERSION;
  /** When the DR run read the cluster, ISO 8601 UTC. */
  capturedAt: string;
  source: { region: string; clusterArn: string; snapshotId: string };
  cluster: {
    identifier: string;
    engine: string;
    engineVersion: string;
    /** `provisioned`; `serverless` (v1) and Limitless clusters are refused, not captured. */
    engineMode: string;
    port: number;
    masterUsername: string;
    /** True when Secrets Manager manages the master password (MasterUserSecret present). */
    manageMasterUserPassword: boolean;
    iamDatabaseAuthentication: boolean;
    enabledCloudwatchLogsExports: string[];
    /** Seconds; 0 when Backtrack is off or the engine has none (PostgreSQL). */
    backtrackWindow: number;
    /** `aurora` or `aurora-iopt1`. */
    storageType: string;
    deletionProtection: boolean;
    copyTagsToSnapshot: boolean;
    serverlessV2Scaling?: { minCapacity: number; maxCapacity: number; secondsUntilAutoPause?: number };
    /** The cluster's tags, less `aws:` ones. */
    tags: { [key: string]: string };
    parameterGroup: CapturedParameterGroup;
  };
  /** The writer: its class and DB parameter group. Absent for a cluster with no instance. */
  writer?: { instanceClass: string; parameterGroup: CapturedParameterGroup };
  /** Each reader's class, in the order of DBClusterMembers. */
  readers: { instanceClass: string }[];
}
