/**
 * The source's configuration, captured beside each copy by the DR run
 * (custom-resource/shared/captured-config.ts), applied to a restore and
 * checked on it, so the cluster that comes back is the user's and a drill
 * fails, naming each difference, when it is not.
 *
 * Parameter groups: a snapshot keeps none, and a restore without one gets the
 * engine's default group (RDS API reference, RestoreDBClusterFromSnapshot,
 * DBClusterParameterGroupName). So the restore copies the source's
 * user-modified values into groups of the same family, tagged like the run:
 * a restore's are new and named after its cluster (+ -writer for the writer's),
 * and belong to the user with it; a drill's are the stack's, one pair per
 * family, emptied and filled again by each drill, so drills leave no groups to
 * delete. IAM lets the stack change only groups of RESTORED_GROUP_PREFIX that
 * carry its tags, and delete none. A source group without modified values
 * needs no copy: the default group of the family holds the same values.
 * Values go in with ApplyMethod pending-reboot, which the API accepts for
 * static and dynamic parameters alike; the group is new, so the cluster
 * starts with them (lower_case_table_names included, which is fixed when a
 * cluster is created).
 */
import {
  DBCluster,
  DBInstance,
  Parameter,
  RDS,
  RestoreDBClusterFromSnapshotCommandInput,
  Tag,
  paginateDescribeDBClusterParameters,
  paginateDescribeDBParameters,
} from '@aws-sdk/client-rds';
import { SSM } from '@aws-sdk/client-ssm';
import { CAPTURED_CONFIG_PATH, CapturedConfig, CapturedParameterGroup } from '../../shared/captured-config';
import { RESTORED_GROUP_PREFIX, RESTORE_KIND } from '../contract';

/** ModifyDB(Cluster)ParameterGroup takes at most 20 parameters a call (RDS API reference). */
const PARAMETERS_PER_CALL = 20;

/** The configuration captured with copy `snapshotId`, or undefined for a copy made before captures existed. */
export async function capturedConfig(snapshotId: string, options: object): Promise<CapturedConfig | undefined> {
  try {
    const { Parameter: p } = await new SSM(options).getParameter({ Name: CAPTURED_CONFIG_PATH + snapshotId });
    return JSON.parse(p!.Value!) as CapturedConfig;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** A restore's group is named after what uses it, the cluster or its writer; a drill's after the source and the family. */
export const groupName = (kind: string, user: string, config: CapturedConfig): string =>
  RESTORED_GROUP_PREFIX +
  (kind === RESTORE_KIND.drill ? `${config.cluster.identifier}-drill-${config.cluster.parameterGroup.family.replace(/\W/g, '-')}` : user);

/**
 * The parameter group `name` holding the captured group's values, and no other; undefined when it has none to hold.
 * A group of that name (a drill's, or one left by an earlier try of the same restore) is emptied and filled again.
 */
export async function copyGroup(rds: RDS, cluster: boolean, name: string, group: CapturedParameterGroup | undefined, Tags: Tag[]): Promise<string | undefined> {
  const values = Object.entries(group?.parameters ?? {});
  if (!values.length) return undefined;
  const common = { DBParameterGroupFamily: group!.family, Description: `Values of ${group!.name}, restored`, Tags };
  await (
    cluster
      ? rds.createDBClusterParameterGroup({ DBClusterParameterGroupName: name, ...common })
      : rds.createDBParameterGroup({ DBParameterGroupName: name, ...common })
  ).catch((error: Error) => {
    if (!/AlreadyExists/.test(error.name)) throw error;
    return cluster
      ? rds.resetDBClusterParameterGroup({ DBClusterParameterGroupName: name, ResetAllParameters: true })
      : rds.resetDBParameterGroup({ DBParameterGroupName: name, ResetAllParameters: true });
  });
  for (let i = 0; i < values.length; i += PARAMETERS_PER_CALL) {
    const Parameters = values
      .slice(i, i + PARAMETERS_PER_CALL)
      .map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue, ApplyMethod: 'pending-reboot' as const }));
    await (cluster
      ? rds.modifyDBClusterParameterGroup({ DBClusterParameterGroupName: name, Parameters })
      : rds.modifyDBParameterGroup({ DBParameterGroupName: name, Parameters }));
  }
  return name;
}

/** What RestoreDBClusterFromSnapshot takes from the captured configuration; the source's tags come first, the run's after. */
export const restoreSettings = (c: CapturedConfig['cluster'], clusterGroup: string | undefined): Partial<RestoreDBClusterFromSnapshotCommandInput> => ({
  DBClusterParameterGroupName: clusterGroup,
  Port: c.port,
  EnableIAMDatabaseAuthentication: c.iamDatabaseAuthentication,
  EnableCloudwatchLogsExports: c.enabledCloudwatchLogsExports.length ? c.enabledCloudwatchLogsExports : undefined,
  BacktrackWindow: c.backtrackWindow || undefined,
  ServerlessV2ScalingConfiguration: c.serverlessV2Scaling && {
    MinCapacity: c.serverlessV2Scaling.minCapacity,
    MaxCapacity: c.serverlessV2Scaling.maxCapacity,
    SecondsUntilAutoPause: c.serverlessV2Scaling.secondsUntilAutoPause,
  },
  Tags: Object.entries(c.tags).map(([Key, Value]) => ({ Key, Value })),
});

/** The user-modified values of a parameter group (Source user), as the DR run captures them. */
async function userValues(rds: RDS, cluster: boolean, name: string | undefined): Promise<{ [name: string]: string | undefined }> {
  const values: Parameter[] = [];
  if (name) {
    const pages = cluster
      ? paginateDescribeDBClusterParameters({ client: rds }, { DBClusterParameterGroupName: name, Source: 'user' })
      : paginateDescribeDBParameters({ client: rds }, { DBParameterGroupName: name, Source: 'user' });
    for await (const page of pages) values.push(...(page.Parameters ?? []));
  }
  return Object.fromEntries(values.map((p) => [p.ParameterName, p.ParameterValue]));
}

const text = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * Every attribute of the restored cluster and writer that differs from the captured configuration, as
 * sentences naming it, its value and the source's. The writer's class is not compared: a drill uses its own.
 */
export async function differences(rds: RDS, cluster: DBCluster, writer: DBInstance | undefined, config: CapturedConfig): Promise<string[]> {
  const c = config.cluster;
  const tags = Object.fromEntries((cluster.TagList ?? []).map((t) => [t.Key, t.Value]));
  const scaling = cluster.ServerlessV2ScalingConfiguration;
  const found: string[] = [];
  const compare = (what: string, restored: unknown, source: unknown): void => {
    if (text(restored) !== text(source)) found.push(`${what} is ${text(restored)}, the source's ${text(source)}`);
  };
  compare('Port', cluster.Port, c.port);
  compare('IAM authentication', !!cluster.IAMDatabaseAuthenticationEnabled, c.iamDatabaseAuthentication);
  compare('log exports', (cluster.EnabledCloudwatchLogsExports ?? []).sort(), [...c.enabledCloudwatchLogsExports].sort());
  compare('BacktrackWindow', cluster.BacktrackWindow ?? 0, c.backtrackWindow);
  compare('StorageType', cluster.StorageType, c.storageType);
  compare('scaling', scaling && [scaling.MinCapacity, scaling.MaxCapacity], c.serverlessV2Scaling && [c.serverlessV2Scaling.minCapacity, c.serverlessV2Scaling.maxCapacity]);
  compare('password in Secrets Manager', !!cluster.MasterUserSecret, c.manageMasterUserPassword);
  for (const [key, value] of Object.entries(c.tags)) compare(`tag ${key}`, tags[key], value);
  const groups: [string, boolean, string | undefined, CapturedParameterGroup | undefined][] = [
    ['cluster', true, cluster.DBClusterParameterGroup, c.parameterGroup],
    ['writer', false, writer?.DBParameterGroups?.[0]?.DBParameterGroupName, writer && config.writer?.parameterGroup],
  ];
  for (const [what, isCluster, name, source] of groups) {
    if (!source) continue;
    const restored = await userValues(rds, isCluster, name);
    for (const key of new Set([...Object.keys(restored), ...Object.keys(source.parameters)])) {
      compare(`${what} parameter ${key}`, restored[key], source.parameters[key]);
    }
  }
  return found;
}
