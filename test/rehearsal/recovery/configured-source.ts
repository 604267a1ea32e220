/**
 * Configured Aurora sources for the restore rehearsals and `make rehearse`:
 * each with what a cluster snapshot does not keep (custom cluster and writer
 * parameter groups, I/O-Optimized storage, IAM auth, log exports, tags, a
 * password Secrets Manager manages, Backtrack, lower_case_table_names, a
 * Serverless v2 writer), created in the source Region, and the attributes a
 * user would check on the source and on a restore, read the same way.
 */
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  DBCluster,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterParameterGroupCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
  paginateDescribeDBClusterParameters,
  paginateDescribeDBParameters,
} from '@aws-sdk/client-rds';
import { RehearsalWorld, SOURCE_REGION } from '../shared/rehearsal-world';

export interface Source {
  cluster: string;
  engine: 'aurora-postgresql' | 'aurora-mysql';
  version: string;
  family: string;
  clusterParameters: { [name: string]: string };
  writerParameters: { [name: string]: string };
  writerClass: string;
  /** Readers added after the writer, with the writer's parameter group. */
  readerClasses?: string[];
  settings: Partial<ConstructorParameters<typeof CreateDBClusterCommand>[0]>;
}

export const SOURCES: Source[] = [
  {
    cluster: 'orders-pg',
    engine: 'aurora-postgresql',
    version: '16.4',
    family: 'aurora-postgresql16',
    clusterParameters: { 'rds.force_ssl': '1', shared_preload_libraries: 'pg_stat_statements,pg_cron', timezone: 'Europe/Berlin' },
    writerParameters: { log_min_duration_statement: '500' },
    writerClass: 'db.r6g.xlarge',
    readerClasses: ['db.r6g.large', 'db.r6g.xlarge'],
    settings: {
      MasterUsername: 'postgres',
      ManageMasterUserPassword: true,
      Port: 5433,
      StorageType: 'aurora-iopt1',
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      Tags: [
        { Key: 'team', Value: 'payments' },
        { Key: 'cost-center', Value: '42' },
      ],
    },
  },
  {
    cluster: 'ledger-mysql',
    engine: 'aurora-mysql',
    version: '8.0.mysql_aurora.3.08.0',
    family: 'aurora-mysql8.0',
    clusterParameters: { lower_case_table_names: '1', binlog_format: 'ROW' },
    writerParameters: {},
    writerClass: 'db.r6g.large',
    settings: {
      MasterUsername: 'admin',
      MasterUserPassword: 'rehearsal-password-1',
      BacktrackWindow: 86400,
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
      Tags: [{ Key: 'team', Value: 'ledger' }],
    },
  },
  {
    cluster: 'events-sv2',
    engine: 'aurora-postgresql',
    version: '16.4',
    family: 'aurora-postgresql16',
    clusterParameters: { 'rds.force_ssl': '1' },
    writerParameters: {},
    writerClass: 'db.serverless',
    settings: {
      MasterUsername: 'postgres',
      MasterUserPassword: 'rehearsal-password-1',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      Tags: [{ Key: 'team', Value: 'events' }],
    },
  },
];

export async function userValues(rds: RDSClient, cluster: boolean, name: string): Promise<{ [name: string]: string | undefined }> {
  const found: { [name: string]: string | undefined } = {};
  const pages = cluster
    ? paginateDescribeDBClusterParameters({ client: rds }, { DBClusterParameterGroupName: name, Source: 'user' })
    : paginateDescribeDBParameters({ client: rds }, { DBParameterGroupName: name, Source: 'user' });
  for await (const page of pages) for (const p of page.Parameters ?? []) found[p.ParameterName!] = p.ParameterValue;
  return found;
}

/** What the user would check on a restored cluster, read the same way on the source and on the restore. */
export async function attributes(rds: RDSClient, id: string) {
  const [c] = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters as DBCluster[];
  const [writer] = (await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [id] }] }))).DBInstances ?? [];
  const tags = Object.fromEntries((c.TagList ?? []).filter((t) => !t.Key!.startsWith('aurora-snapshot-dr:')).map((t) => [t.Key, t.Value]));
  return {
    engine: c.Engine,
    engineVersion: c.EngineVersion,
    port: c.Port,
    masterUsername: c.MasterUsername,
    storageType: c.StorageType,
    iamAuth: c.IAMDatabaseAuthenticationEnabled,
    logExports: [...(c.EnabledCloudwatchLogsExports ?? [])].sort(),
    backtrackWindow: c.BacktrackWindow ?? 0,
    scaling: c.ServerlessV2ScalingConfiguration && [c.ServerlessV2ScalingConfiguration.MinCapacity, c.ServerlessV2ScalingConfiguration.MaxCapacity],
    managedPassword: !!c.MasterUserSecret,
    tags,
    clusterParameters: await userValues(rds, true, c.DBClusterParameterGroup!),
    writerClass: writer?.DBInstanceClass,
    writerParameters: await userValues(rds, false, writer!.DBParameterGroups![0].DBParameterGroupName!),
  };
}

export type Attributes = Awaited<ReturnType<typeof attributes>>;

/** The source cluster, its parameter groups and its writer in the source Region; what it has, read back as a restore is read. */
export async function createConfiguredSource(w: RehearsalWorld, source: Source): Promise<Attributes> {
  const rds = w.rds[SOURCE_REGION];
  await rds.send(new CreateDBClusterParameterGroupCommand({ DBClusterParameterGroupName: `${source.cluster}-params`, DBParameterGroupFamily: source.family, Description: 'source' }));
  await rds.send(
    new ModifyDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: `${source.cluster}-params`,
      Parameters: Object.entries(source.clusterParameters).map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue, ApplyMethod: 'pending-reboot' })),
    }),
  );
  const writerGroup = Object.keys(source.writerParameters).length ? `${source.cluster}-writer-params` : undefined;
  if (writerGroup) {
    await rds.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: writerGroup, DBParameterGroupFamily: source.family, Description: 'source writer' }));
    await rds.send(
      new ModifyDBParameterGroupCommand({
        DBParameterGroupName: writerGroup,
        Parameters: Object.entries(source.writerParameters).map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue, ApplyMethod: 'immediate' })),
      }),
    );
  }
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: source.cluster,
      Engine: source.engine,
      EngineVersion: source.version,
      StorageEncrypted: true,
      KmsKeyId: await w.createKey(SOURCE_REGION),
      DBClusterParameterGroupName: `${source.cluster}-params`,
      ...source.settings,
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${source.cluster}-1`,
      DBClusterIdentifier: source.cluster,
      Engine: source.engine,
      DBInstanceClass: source.writerClass,
      DBParameterGroupName: writerGroup,
    }),
  );
  for (const [n, DBInstanceClass] of (source.readerClasses ?? []).entries()) {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${source.cluster}-${n + 2}`,
        DBClusterIdentifier: source.cluster,
        Engine: source.engine,
        DBInstanceClass,
        DBParameterGroupName: writerGroup,
      }),
    );
  }
  return attributes(rds, source.cluster);
}
