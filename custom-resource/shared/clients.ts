/**
 * The only AWS calls the preflight makes, through AWS SDK v3 (shipped with the
 * Lambda Node.js runtime). Endpoint and credentials come from the environment
 * as the SDK reads it. Timeouts keep a hung connection from using up the
 * function's time; the wrapper's deadline and abort signal bound the rest.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import { DBCluster, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';

export const CLIENT_OPTIONS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000, throwOnRequestTimeout: true },
};

/** DescribeKey in the Region the copies are encrypted in. */
export async function describeKey(region: string, keyId: string, abortSignal?: AbortSignal): Promise<KeyMetadata> {
  const kms = new KMSClient({ region, ...CLIENT_OPTIONS });
  const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal });
  return KeyMetadata ?? ({} as KeyMetadata);
}

/** The key policy's JSON text; "default" is the only policy name a KMS key has. */
export async function getKeyPolicy(region: string, keyArn: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const kms = new KMSClient({ region, ...CLIENT_OPTIONS });
  const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }), { abortSignal });
  return Policy;
}

/** The cluster, or undefined when RDS returns none. */
export async function describeCluster(
  region: string,
  clusterId: string,
  abortSignal?: AbortSignal,
): Promise<DBCluster | undefined> {
  const rds = new RDSClient({ region, ...CLIENT_OPTIONS });
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }), {
    abortSignal,
  });
  return DBClusters?.[0];
}
