/**
 * What the recovery preflight and runbook tests need in moto, beside the keys
 * of seedMoto(): in the target Region a VPC with a DB subnet group and a
 * security group, a second VPC with its own security group, and copies of a
 * source cluster (aurora-postgresql 11.15, a version moto lists orderable
 * classes for) made by the source stack, plus one made by another stack.
 */
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSubnetGroupCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { RecoveryPreflightProperties } from '../../../custom-resource/recovery/contract';
import { MOTO_CREDENTIALS } from '../../support/moto-server';

export const RECOVERY_SEED = {
  source: 'us-east-1',
  target: 'us-west-2',
  cluster: 'orders-db',
  clusterWithoutCopies: 'billing-db',
  engine: 'aurora-postgresql',
  engineVersion: '11.15',
  subnetGroup: 'dr-subnets',
  sourceStackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-dr/6c1f2a10-0a1b-11f1-9f6b-0a1b2c3d4e5f',
  otherStackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/someone-else/7d2e3b21-0a1b-11f1-9f6b-0a1b2c3d4e5f',
  copy: 'orders-db-dr-202612010300-0a1b2c3d',
  otherStacksCopy: 'orders-db-manual-copy',
};

export interface RecoverySeed {
  targetKeyArn: string;
  vpcId: string;
  securityGroupId: string;
  otherVpcId: string;
  otherVpcSecurityGroupId: string;
}

/** The target Region's side alone: the key, the VPC with its subnet group and security group, another VPC and group. */
export async function seedRecoveryNetwork(endpoint: string): Promise<RecoverySeed> {
  const { target } = RECOVERY_SEED;
  const config = { endpoint, credentials: MOTO_CREDENTIALS };
  const ec2 = new EC2Client({ region: target, ...config });
  const vpc = async (cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const group = async (vpcId: string, name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;
  const [vpcId, otherVpcId] = [await vpc('10.10.0.0/16'), await vpc('10.20.0.0/16')];
  const subnets = [];
  for (const [cidr, zone] of [['10.10.1.0/24', 'us-west-2a'], ['10.10.2.0/24', 'us-west-2b']]) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!);
  }
  await new RDSClient({ region: target, ...config }).send(
    new CreateDBSubnetGroupCommand({ DBSubnetGroupName: RECOVERY_SEED.subnetGroup, DBSubnetGroupDescription: 'DR', SubnetIds: subnets }),
  );
  const targetKey = (await new KMSClient({ region: target, ...config }).send(new CreateKeyCommand({ KeyUsage: 'ENCRYPT_DECRYPT' })))
    .KeyMetadata!;
  return {
    targetKeyArn: targetKey.Arn!,
    vpcId,
    securityGroupId: await group(vpcId, 'orders-db-dr'),
    otherVpcId,
    otherVpcSecurityGroupId: await group(otherVpcId, 'elsewhere'),
  };
}

/** The network, plus the source clusters and the copies of the seeded cluster, one by the source stack and one by another. */
export async function seedRecovery(endpoint: string): Promise<RecoverySeed> {
  const network = await seedRecoveryNetwork(endpoint);
  const { source, target } = RECOVERY_SEED;
  const config = { endpoint, credentials: MOTO_CREDENTIALS };
  const targetRds = new RDSClient({ region: target, ...config });
  const sourceKey = (await new KMSClient({ region: source, ...config }).send(new CreateKeyCommand({ KeyUsage: 'ENCRYPT_DECRYPT' })))
    .KeyMetadata!;
  const sourceRds = new RDSClient({ region: source, ...config });
  for (const id of [RECOVERY_SEED.cluster, RECOVERY_SEED.clusterWithoutCopies]) {
    await sourceRds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: RECOVERY_SEED.engine,
        EngineVersion: RECOVERY_SEED.engineVersion,
        MasterUsername: 'dbadmin',
        MasterUserPassword: 'not-a-secret-1',
        StorageEncrypted: true,
        KmsKeyId: sourceKey.Arn,
      }),
    );
  }
  const snapshot = (
    await sourceRds.send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: RECOVERY_SEED.cluster, DBClusterSnapshotIdentifier: RECOVERY_SEED.copy }),
    )
  ).DBClusterSnapshot!;
  for (const [copy, stack] of [
    [RECOVERY_SEED.copy, RECOVERY_SEED.sourceStackId],
    [RECOVERY_SEED.otherStacksCopy, RECOVERY_SEED.otherStackId],
  ]) {
    await targetRds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotArn,
        TargetDBClusterSnapshotIdentifier: copy,
        KmsKeyId: network.targetKeyArn,
        Tags: [
          { Key: SNAPSHOT_TAG.stackId, Value: stack },
          { Key: SNAPSHOT_TAG.cluster, Value: RECOVERY_SEED.cluster },
        ],
      }),
    );
  }
  return network;
}

/** Recovery preflight properties that pass against the seeded network, with `changes` on top. */
export const recoveryProperties = (
  network: RecoverySeed,
  changes: Partial<RecoveryPreflightProperties> = {},
): RecoveryPreflightProperties => ({
  DBClusterIdentifier: RECOVERY_SEED.cluster,
  SourceStackId: RECOVERY_SEED.sourceStackId,
  KMSTargetKey: network.targetKeyArn,
  DBSubnetGroupName: RECOVERY_SEED.subnetGroup,
  VpcSecurityGroupIds: network.securityGroupId,
  DrillInstanceClass: 'db.t4g.medium',
  DrillScheduleExpression: 'cron(0 5 ? * SUN *)',
  SourceScheduleExpression: 'cron(0 3 * * ? *)',
  CopyTimeoutHours: '12',
  MaxCopyAgeHours: '0',
  StackRegion: RECOVERY_SEED.target,
  ...changes,
});
