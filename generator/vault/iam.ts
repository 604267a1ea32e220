/**
 * The vault stack's three roles, each least privilege and confined to this
 * account, but for the copy's sources:
 * - the automation role (assumed by SSM) lists this Region's snapshots (its
 *   own and those shared with it), copies only the protected clusters' DR
 *   copies (named by the DR stack's rule, in the listed accounts) into
 *   snapshots it tags with this stack's ARN, deletes only snapshots that carry
 *   that tag, and uses the vault key and the listed accounts' keys only
 *   through grants for RDS;
 * - the trigger role (assumed by EventBridge) starts only this runbook;
 * - the function's role describes keys of this account and Region and, for
 *   the watchdog, lists snapshots, reads this stack and publishes its metric.
 */
import { AWS, CfnResource, CfnValue, PolicyStatement, getAtt, sub } from '../shared/cfn';
import { role, sameAccount, triggerRolePolicy } from '../shared/iam';
import { VAULT_ID } from './logical-ids';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import { VAULT_DATA, VAULT_METRIC } from '../../custom-resource/vault/contract';

const SNAPSHOTS = sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-snapshot:*');
/**
 * The vault's copies as automation/vault/copy_shares.py names them: a DR copy's name (<cluster>-dr-<time>-<run>,
 * cut to 54 characters) and 8 characters of its ARN's hash. RDS authorises a create call's tags as
 * AddTagsToResource on the new snapshot, which no condition tells from tagging an existing one: the name keeps
 * the role from tagging, and so deleting, a snapshot of someone else's.
 */
export const VAULT_COPY_NAMES = '*-dr-*-????????';
const VAULT_COPIES = sub(`arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:cluster-snapshot:${VAULT_COPY_NAMES}`);
const preflightData = (key: string): CfnValue => getAtt(VAULT_ID.preflight, key);
/** A comma-separated list the preflight returned, as a policy's Resource list. */
const splitData = (key: string): CfnValue => ({ 'Fn::Split': [',', preflightData(key)] });
const vaultKey = preflightData(VAULT_DATA.vaultKeyArn);
const ownedByThisStack = { StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId } };
/** This stack's tag on what carries none yet (being created) or carries this stack's, never another stack's. */
const taggedOnCreateByThisStack = {
  StringEquals: { [`aws:RequestTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId },
  StringEqualsIfExists: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: AWS.stackId },
};
const forRds = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };

export function vaultAutomationPolicy(): PolicyStatement[] {
  return [
    {
      // The shared listing too is authorised against this account's cluster-snapshot:*.
      Sid: 'ListSnapshotsAndShares',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusterSnapshots'],
      Resource: [SNAPSHOTS],
    },
    {
      Sid: 'CopyIntoSnapshotsTaggedByThisStack',
      Effect: 'Allow',
      Action: ['rds:CopyDBClusterSnapshot', 'rds:AddTagsToResource'],
      Resource: [VAULT_COPIES],
      Condition: taggedOnCreateByThisStack,
    },
    {
      // By name: the source's tags belong to another account and may not be visible here. Describe too,
      // read-only, in case the shared listing is authorised against the shares' own ARNs.
      Sid: 'CopyFromTheProtectedClustersCopies',
      Effect: 'Allow',
      Action: ['rds:CopyDBClusterSnapshot', 'rds:DescribeDBClusterSnapshots'],
      Resource: splitData(VAULT_DATA.sourceSnapshotArns) as unknown as CfnValue[],
    },
    {
      Sid: 'DeleteOnlyThisStacksCopies',
      Effect: 'Allow',
      Action: ['rds:DeleteDBClusterSnapshot'],
      Resource: [VAULT_COPIES],
      Condition: ownedByThisStack,
    },
    {
      Sid: 'DescribeTheVaultKey',
      Effect: 'Allow',
      Action: ['kms:DescribeKey'],
      Resource: [vaultKey],
    },
    {
      // RDS decrypts a share with its owner's key and encrypts the copy with the vault's, through grants.
      Sid: 'GrantKeysToRds',
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: [vaultKey],
      Condition: forRds,
    },
    {
      Sid: 'GrantTheProtectedAccountsKeysToRds',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: splitData(VAULT_DATA.sourceKeyArns) as unknown as CfnValue[],
      Condition: { StringEquals: { 'kms:ViaService': sub('rds.${AWS::Region}.amazonaws.com') } },
    },
  ];
}

export function vaultFunctionPolicy(): PolicyStatement[] {
  return [
    {
      Sid: 'DescribeKeysOfThisRegion',
      Effect: 'Allow',
      Action: ['kms:DescribeKey'],
      Resource: [sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*')],
    },
    {
      Sid: 'ListThisRegionsSnapshots',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusterSnapshots'],
      Resource: [SNAPSHOTS],
    },
    {
      // With no copy of a cluster yet, its age counts from this stack's creation.
      Sid: 'ReadThisStacksCreationTime',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks'],
      Resource: [AWS.stackId],
    },
    {
      // PutMetricData has no resource type; the namespace condition scopes it.
      Sid: 'PublishCopyAge',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: ['*'],
      Condition: { StringEquals: { 'cloudwatch:namespace': VAULT_METRIC.namespace } },
    },
    {
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [getAtt(VAULT_ID.preflightLogGroup, 'Arn')],
    },
  ];
}

export function vaultRoleResources(): { [logicalId: string]: CfnResource } {
  return {
    [VAULT_ID.automationRole]: role(
      sub('Aurora snapshot DR vault copies and pruning (stack ${AWS::StackName})'),
      'ssm.amazonaws.com',
      vaultAutomationPolicy(),
      sameAccount('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*'),
    ),
    [VAULT_ID.triggerRole]: role(
      sub('Starts the vault runbook on schedule (stack ${AWS::StackName})'),
      'events.amazonaws.com',
      triggerRolePolicy(VAULT_ID.document, VAULT_ID.automationRole),
      { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
      VAULT_ID.preflight,
    ),
    [VAULT_ID.preflightRole]: role(
      sub('Preflight check and copy-age watchdog of the vault stack ${AWS::StackName}'),
      'lambda.amazonaws.com',
      vaultFunctionPolicy(),
    ),
  };
}
