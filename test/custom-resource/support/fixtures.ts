/** A key and a cluster that pass every preflight rule; tests change one field at a time. */
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { DBCluster } from '@aws-sdk/client-rds';

export const TARGET_KEY_ARN = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const SOURCE_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0f0f0f0f-1111-2222-3333-444444444444';
export const CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:prod-aurora';

export const GOOD_KEY: KeyMetadata = {
  KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  Arn: TARGET_KEY_ARN,
  Enabled: true,
  KeyState: 'Enabled',
  KeySpec: 'SYMMETRIC_DEFAULT',
  KeyUsage: 'ENCRYPT_DECRYPT',
};

export const GOOD_CLUSTER: DBCluster = {
  DBClusterIdentifier: 'prod-aurora',
  DBClusterArn: CLUSTER_ARN,
  Engine: 'aurora-postgresql',
  StorageEncrypted: true,
  StorageEncryptionType: 'sse-kms',
  KmsKeyId: SOURCE_KEY_ARN,
};
