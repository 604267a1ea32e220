/**
 * The preflight custom resource: checks the stack's parameters before anything
 * else is created and returns the resolved key and cluster ARNs the template
 * uses. Lambda calls `handler` (index.handler), the only export; the rules are in rules.ts, the
 * AWS calls in clients.ts, the reply in cfn-response.ts, and safe-handler.ts
 * makes sure every request gets one.
 */
import { describeCluster, describeKey } from './clients';
import { PREFLIGHT_PROPERTY_NAMES, PreflightData, PreflightProperties } from './contract';
import { CheckFailed } from './errors';
import {
  checkCluster,
  checkKey,
  checkParameters,
  clusterLookupProblem,
  keyLookupProblem,
  sourceKeyArn,
} from './rules';
import { Check, safeHandler } from './safe-handler';
import { readProperties, settle } from './properties';

const preflight: Check = async (raw, { signal, step }) => {
  const p = readProperties<PreflightProperties>(raw, PREFLIGHT_PROPERTY_NAMES);
  const problems = checkParameters(p);
  if (problems.length) throw new CheckFailed(problems.join('; '));

  const [[key, keyError], [cluster, clusterError]] = await Promise.all([
    settle(step(`kms:DescribeKey in ${p.TargetRegion}`, describeKey(p.TargetRegion, p.KMSTargetKey, signal))),
    settle(
      step(
        `rds:DescribeDBClusters in ${p.SourceRegion}`,
        describeCluster(p.SourceRegion, p.DBClusterIdentifier, signal),
      ),
    ),
  ]);
  problems.push(
    ...(keyError ? [keyLookupProblem(keyError, p)] : checkKey(key!, p)),
    ...(clusterError ? [clusterLookupProblem(clusterError, p)] : checkCluster(cluster, p)),
  );
  if (problems.length) throw new CheckFailed(problems.join('; '));

  // PreflightData is keyed by the contract's PREFLIGHT_DATA names, so the compiler checks these keys.
  const data: PreflightData = {
    TargetKeyArn: key!.Arn!,
    SourceKeyArn: sourceKeyArn(cluster!.KmsKeyId!, cluster!.DBClusterArn!),
    ClusterArn: cluster!.DBClusterArn!,
    Engine: cluster!.Engine!,
  };
  return data;
};

/**
 * Lambda loads the inline code as CommonJS index.js and calls exports.handler.
 * `export =` says exactly that, and spares the bundle esbuild's ES-module
 * interop wrapper (about 500 bytes of the template's size budget).
 */
export = { handler: safeHandler(preflight) };
