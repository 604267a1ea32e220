/**
 * The preflight custom resource: checks the stack's parameters before anything
 * else is created and returns what the template needs from it: the resolved key
 * and cluster ARNs and the ARN patterns of what this stack's runs create. Lambda calls
 * `handler` (index.handler), the only export; the rules are in rules.ts, the
 * AWS calls in clients.ts, the reply in cfn-response.ts, and safe-handler.ts
 * makes sure every request gets one.
 */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { describeCluster, describeKey, getKeyPolicy } from '../shared/clients';
import { PREFLIGHT_PROPERTY_NAMES, PreflightData, PreflightProperties } from './contract';
import { ownArnPatterns } from './own-arns';
import { CheckFailed } from '../shared/errors';
import {
  checkCluster,
  checkKey,
  checkParameters,
  clusterLookupProblem,
  keyLookupProblem,
  keyPolicyProblem,
  keyPolicyReadProblem,
  sourceKeyArn,
} from './rules';
import { Check, CheckContext, safeHandler } from '../shared/safe-handler';
import { readProperties, settle } from '../shared/properties';

/**
 * The key policy's problem, if any. AWS managed keys are skipped: AWS writes their policies,
 * which let every principal of the account use them through RDS.
 */
async function keyPolicyCheck(
  subject: string,
  region: string,
  keyId: string,
  { signal, step }: CheckContext,
  known?: KeyMetadata,
  grantee?: string,
): Promise<string | undefined> {
  try {
    const key = known ?? (await step(`kms:DescribeKey in ${region}`, describeKey(region, keyId, signal)));
    if (key.KeyManager === 'AWS') return undefined;
    const policy = await step(`kms:GetKeyPolicy in ${region}`, getKeyPolicy(region, key.Arn!, signal));
    return keyPolicyProblem(subject, key.Arn!, policy, grantee);
  } catch (error) {
    return keyPolicyReadProblem(subject, error as Error);
  }
}

const preflight: Check = async (raw, context) => {
  const { signal, step } = context;
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

  // RDS uses both keys through grants; a key policy that does not delegate them to IAM fails every run.
  const sourceKey = sourceKeyArn(cluster!.KmsKeyId!, cluster!.DBClusterArn!);
  const targetKey = `KMSTargetKey ${JSON.stringify(p.KMSTargetKey)} (${key!.Arn})`;
  const vault = p.VaultAccountId;
  // A vault copies the shared copies with the target key, which its account must be allowed to use; aws/rds cannot be shared.
  if (vault && key!.KeyManager === 'AWS') problems.push(`${targetKey} is AWS managed: copies under it cannot be shared with VaultAccountId ${vault}: use a customer managed key`);
  const policyProblems = await Promise.all([
    keyPolicyCheck(targetKey, p.TargetRegion, key!.Arn!, context, key),
    keyPolicyCheck(`The key of DBClusterIdentifier "${p.DBClusterIdentifier}" (${sourceKey})`, p.SourceRegion, sourceKey, context),
    vault ? keyPolicyCheck(targetKey, p.TargetRegion, key!.Arn!, context, key, vault) : undefined,
  ]);
  problems.push(...(policyProblems.filter(Boolean) as string[]));
  if (problems.length) throw new CheckFailed(problems.join('; '));

  // PreflightData is keyed by the contract's PREFLIGHT_DATA names, so the compiler checks these keys.
  const data: PreflightData = {
    TargetKeyArn: key!.Arn!,
    SourceKeyArn: sourceKey,
    ClusterArn: cluster!.DBClusterArn!,
    Engine: cluster!.Engine!,
    ...ownArnPatterns(cluster!.DBClusterArn!, p),
  };
  return data;
};

/**
 * Lambda loads the inline code as CommonJS index.js and calls exports.handler.
 * `export =` says exactly that, and spares the bundle esbuild's ES-module
 * interop wrapper (about 500 bytes of the template's size budget).
 */
export = { handler: safeHandler(preflight) };
