/**
 * What this stack's runs create, as ARN patterns the roles name: the snapshots
 * (named by snapshotNamePrefix) in each Region and the SSM parameters that
 * record the copies' configurations (custom-resource/shared/captured-config.ts).
 * The preflight returns them as Data (PREFLIGHT_DATA), with the partition and
 * account of the cluster's ARN: an Fn::Sub of each in every statement would
 * cost the template about 80 bytes a time. A module of its own, so that only
 * the DR preflight's bundle carries it.
 */
import { CAPTURED_CONFIG_PATH } from '../shared/captured-config';
import { PreflightData, PreflightProperties, snapshotNamePrefix } from './contract';

export const ownArnPatterns = (
  clusterArn: string,
  { DBClusterIdentifier, SourceRegion, TargetRegion }: Pick<PreflightProperties, 'DBClusterIdentifier' | 'SourceRegion' | 'TargetRegion'>,
): Pick<PreflightData, 'SourceSnapshots' | 'TargetSnapshots' | 'ConfigParameters'> => {
  const [, partition, , , account] = clusterArn.split(':');
  const named = (service: string, region: string, resource: string): string =>
    `arn:${partition}:${service}:${region}:${account}:${resource}${snapshotNamePrefix(DBClusterIdentifier)}*`;
  return {
    SourceSnapshots: named('rds', SourceRegion, 'cluster-snapshot:'),
    TargetSnapshots: named('rds', TargetRegion, 'cluster-snapshot:'),
    ConfigParameters: named('ssm', TargetRegion, `parameter${CAPTURED_CONFIG_PATH}`),
  };
};
