/**
 * The stack's three roles, each least privilege:
 * - the automation role (assumed by SSM) snapshots this cluster; creates,
 *   tags and deletes only snapshots named as this stack names them, tags them
 *   only with its ownership tag and never over another stack's, and deletes
 *   only those carrying its tag; reads the source of a copy by tag or name;
 *   and uses the two KMS keys the preflight check resolved;
 * - the trigger role (assumed by EventBridge) starts only this runbook and
 *   passes only the automation role;
 * - the preflight function's role reads this cluster, the keys of the two
 *   Regions and their key policies, and writes its own log group.
 * (Roles are built with generator/shared/iam.ts.)
 */
import { AWS, CfnResource, CfnValue, PolicyStatement, getAtt, sub } from '../shared/cfn';
import { role, sameAccount, triggerRolePolicy } from '../shared/iam';
import { LOGICAL_ID } from './logical-ids';
import { PARAM } from './parameters';
import { PREFLIGHT_DATA, SNAPSHOT_TAG } from '../../custom-resource/dr/contract';

const snapshotsIn = (regionParam: string): CfnValue =>
  sub(`arn:\${AWS::Partition}:rds:\${${regionParam}}:\${AWS::AccountId}:cluster-snapshot:*`);
const preflightData = (key: string): CfnValue => getAtt(LOGICAL_ID.preflight, key);
/** Snapshots named as this stack's runs name them (automation/dr/create_snapshot.py), by the preflight's ARN patterns. */
const snapshotsNamedIn = (regionParam: typeof PARAM.sourceRegion | typeof PARAM.targetRegion): CfnValue =>
  preflightData(regionParam === PARAM.sourceRegion ? PREFLIGHT_DATA.sourceSnapshots : PREFLIGHT_DATA.targetSnapshots);
const clusterIn = (regionParam: string): CfnValue =>
  sub(`arn:\${AWS::Partition}:rds:\${${regionParam}}:\${AWS::AccountId}:cluster:\${${PARAM.cluster}}`);
const keysIn = (regionParam: string): CfnValue =>
  sub(`arn:\${AWS::Partition}:kms:\${${regionParam}}:\${AWS::AccountId}:key/*`);

const requestTaggedByThisStack = { StringEquals: { [`aws:RequestTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId } };
const taggedByThisStack = { StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId } };
/** A snapshot with no ownership tag yet (being created) or this stack's: another stack's tag is never overwritten. */
const notAnotherStacks = { StringEqualsIfExists: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId } };

/**
 * What recording the source's configuration beside each copy needs
 * (automation/dr/create_snapshot.py, prune_snapshots.py): reading this cluster,
 * its instances and the parameter groups they use, whose names are not known
 * when the stack is deployed, in the source Region; writing, tagging and
 * deleting the SSM parameters named after this stack's snapshots in the target
 * Region (custom-resource/shared/captured-config.ts).
 */
export function capturedConfigStatements(): PolicyStatement[] {
  const sourceRds = (resourceType: string): CfnValue =>
    sub(`arn:\${AWS::Partition}:rds:\${${PARAM.sourceRegion}}:\${AWS::AccountId}:${resourceType}:*`);
  // The preflight's ARN pattern: this stack's names, in the target Region.
  const configParameters = preflightData(PREFLIGHT_DATA.configParameters);
  return [
    {
      // The instances and parameter groups are named by the cluster, not by this stack.
      Sid: 'ReadThisClustersConfiguration',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances', 'rds:DescribeDBClusterParameterGroups', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters'],
      Resource: [preflightData(PREFLIGHT_DATA.clusterArn), sourceRds('db'), sourceRds('cluster-pg'), sourceRds('pg')],
    },
    {
      // PutParameter with Tags needs AddTagsToResource too.
      Sid: 'WriteConfigurationsOfThisStacksCopies',
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:DeleteParameter'],
      Resource: [configParameters],
    },
  ];
}

export function automationRolePolicy(): PolicyStatement[] {
  const bothRegionsSnapshots = [snapshotsIn(PARAM.sourceRegion), snapshotsIn(PARAM.targetRegion)];
  // What this stack creates, tags or deletes is named by it: a tag copied onto somebody's snapshot is not enough.
  const bothRegionsNamed = [snapshotsNamedIn(PARAM.sourceRegion), snapshotsNamedIn(PARAM.targetRegion)];
  const keys = [preflightData(PREFLIGHT_DATA.sourceKeyArn), preflightData(PREFLIGHT_DATA.targetKeyArn)];
  return [
    {
      Sid: 'SnapshotThisClusterWithOwnershipTag',
      Effect: 'Allow',
      Action: ['rds:CreateDBClusterSnapshot'],
      Resource: [preflightData(PREFLIGHT_DATA.clusterArn), snapshotsNamedIn(PARAM.sourceRegion)],
      Condition: requestTaggedByThisStack,
    },
    {
      Sid: 'CopyIntoTargetRegionWithOwnershipTag',
      Effect: 'Allow',
      Action: ['rds:CopyDBClusterSnapshot'],
      Resource: [snapshotsNamedIn(PARAM.targetRegion)],
      Condition: requestTaggedByThisStack,
    },
    {
      // The copy reads the source snapshot (also through the pre-signed source-Region request, which has no tags).
      Sid: 'CopyFromThisStacksSnapshots',
      Effect: 'Allow',
      Action: ['rds:CopyDBClusterSnapshot'],
      Resource: [snapshotsIn(PARAM.sourceRegion)],
      Condition: taggedByThisStack,
    },
    {
      // The same source by name: no AWS document says IAM evaluates aws:ResourceTag on a source in another Region.
      Sid: 'CopyFromThisStacksSnapshotNames',
      Effect: 'Allow',
      Action: ['rds:CopyDBClusterSnapshot'],
      Resource: [snapshotsNamedIn(PARAM.sourceRegion)],
    },
    {
      // RDS authorises the tags of a create call as AddTagsToResource on the new snapshot.
      Sid: 'TagOnCreateWithOwnershipTag',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource'],
      Resource: bothRegionsNamed,
      Condition: { ...requestTaggedByThisStack, ...notAnotherStacks },
    },
    {
      Sid: 'ReadThisClustersSnapshots',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusterSnapshots'],
      // No cluster of the target Region: the scripts never list by cluster there, where the cluster does not exist.
      Resource: [...bothRegionsSnapshots, preflightData(PREFLIGHT_DATA.clusterArn)],
    },
    {
      Sid: 'DeleteOnlyThisStacksSnapshots',
      Effect: 'Allow',
      Action: ['rds:DeleteDBClusterSnapshot'],
      Resource: bothRegionsNamed,
      Condition: taggedByThisStack,
    },
    {
      Sid: 'DescribeResolvedKeys',
      Effect: 'Allow',
      Action: ['kms:DescribeKey'],
      Resource: keys,
    },
    {
      // RDS creates grants on both keys to decrypt the source and encrypt the copy.
      Sid: 'GrantResolvedKeysToRds',
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: keys,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    ...capturedConfigStatements(),
    ...vaultShareStatements(),
  ];
}

/**
 * The vault's share (automation/dr/check_copy.py): only this stack's copies, by name and ownership tag. No
 * condition key names the accounts added, so the script alone picks VaultAccountId.
 */
export function vaultShareStatements(): PolicyStatement[] {
  return [
    {
      Sid: 'ShareThisStacksCopies',
      Effect: 'Allow',
      Action: ['rds:ModifyDBClusterSnapshotAttribute'],
      Resource: [snapshotsNamedIn(PARAM.targetRegion)],
      Condition: taggedByThisStack,
    },
  ];
}

export function preflightRolePolicy(): PolicyStatement[] {
  return [
    {
      // Keys, not the resolved ones: resolving them is this function's job. Only this account's, only these Regions.
      Sid: 'ReadKeysAndPoliciesOfBothRegions',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy'],
      Resource: [keysIn(PARAM.sourceRegion), keysIn(PARAM.targetRegion)],
    },
    {
      Sid: 'DescribeThisCluster',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters'],
      Resource: [clusterIn(PARAM.sourceRegion)],
    },
    {
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [getAtt(LOGICAL_ID.preflightLogGroup, 'Arn')],
    },
  ];
}

export function roleResources(): { [logicalId: string]: CfnResource } {
  return {
    [LOGICAL_ID.automationRole]: role(
      sub('Aurora snapshot DR automation for ${DBClusterIdentifier} (stack ${AWS::StackName})'),
      'ssm.amazonaws.com',
      automationRolePolicy(),
      sameAccount('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*'),
    ),
    [LOGICAL_ID.triggerRole]: role(
      sub('Starts the Aurora snapshot DR runbook on schedule (stack ${AWS::StackName})'),
      'events.amazonaws.com',
      triggerRolePolicy(LOGICAL_ID.document, LOGICAL_ID.automationRole),
      { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
      LOGICAL_ID.preflight,
    ),
    [LOGICAL_ID.preflightRole]: role(
      sub('Preflight check of the Aurora snapshot DR stack ${AWS::StackName}'),
      'lambda.amazonaws.com',
      preflightRolePolicy(),
    ),
  };
}
