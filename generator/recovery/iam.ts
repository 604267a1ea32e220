/**
 * The recovery stack's three roles, each least privilege:
 * - the automation role (assumed by SSM) only invokes the stack's function,
 *   which does the work of each runbook step;
 * - the run policy, on the function's role, restores the source stack's
 *   copies only into clusters and instances it tags with this stack's
 *   ARN on create (aws:RequestTag), adds writers only to clusters carrying
 *   that tag (aws:ResourceTag), never writes its tags over another stack's,
 *   writes kind=drill only onto names a drill gives, and deletes only
 *   drill-named clusters and instances tagged with this stack's ARN *and*
 *   kind=drill: a restore's cluster is the user's and out of its reach. It is
 *   a policy of its own because it names the target key the preflight
 *   resolves, which needs the role first;
 * - the drill trigger role (assumed by EventBridge) starts only this runbook
 *   and passes only the automation role;
 * - the preflight function's role reads the network, the copies, the clusters,
 *   the parameter groups, the captured configurations, the key and the
 *   orderable instance classes of this Region; as the function also runs
 *   the copy-age watchdog, it reads this stack's creation time and publishes
 *   to the recovery namespace (watchdog.ts).
 * Role names are left to CloudFormation (IAM names are global to an account).
 */
import { AWS, CfnResource, CfnValue, NO_VALUE, PolicyStatement, getAtt, ifCondition, ref, sub } from '../shared/cfn';
import { RECOVERY_CONDITION, RECOVERY_ID } from './logical-ids';
import { role, sameAccount, triggerRolePolicy, unnamedStatement, unnamedStatements } from '../shared/iam';
import { watchdogStatements } from './watchdog';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import {
  RECOVERY_DATA,
  RECOVERY_METRIC,
  RECOVERY_PARAM,
  RESTORED_GROUP_PREFIX,
  RESTORE_KIND,
  RESTORE_TAG,
} from '../../custom-resource/recovery/contract';
import { CAPTURED_CONFIG_PATH } from '../../custom-resource/shared/captured-config';

const rdsArn = (resource: string): CfnValue => sub(`arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
/**
 * The run policy, which may wait for the preflight, names its RDS resources after the prefix the preflight returns
 * (RECOVERY_DATA.rdsArn): an Fn::Sub of the partition, Region and account in each of its ARNs would cost the
 * template about 30 bytes a time. The function's own role cannot: the preflight needs it first.
 */
const runRdsArn = (resource: string): CfnValue => sub(`\${${RECOVERY_ID.preflight}.${RECOVERY_DATA.rdsArn}}${resource}`);
const CLUSTERS = runRdsArn('cluster:*');
const SNAPSHOTS = runRdsArn('cluster-snapshot:*');
const subnetGroup = (arn: (resource: string) => CfnValue): CfnValue => arn(`subgrp:\${${RECOVERY_PARAM.subnetGroup}}`);
/**
 * A restore and a writer use the default option and parameter groups of their
 * engine version (default:aurora-mysql-8-0, default.aurora-postgresql16), and
 * IAM authorises those too, named or not (Aurora User Guide, permission policies
 * for creating resources).
 */
const DEFAULT_GROUPS = ['og', 'pg', 'cluster-pg'].map((type) => runRdsArn(`${type}:default*`));
/** The groups that hold the source's values for a restore or the drills (custom-resource/recovery/run/fidelity.ts). */
const OWN_GROUPS = ['pg', 'cluster-pg'].map((type) => runRdsArn(`${type}:${RESTORED_GROUP_PREFIX}*`));
/**
 * Every RDS resource of this account and Region, for the describe calls alone: each is authorised against its own
 * resource types (clusters, instances, snapshots, parameter groups), none of which a listing can name.
 */
const EVERYTHING_DESCRIBED = rdsArn('*');
const targetKey = (): CfnValue => getAtt(RECOVERY_ID.preflight, RECOVERY_DATA.targetKeyArn);

/**
 * Writers and drill clusters as custom-resource/recovery/run/restore.ts names them: a writer is its cluster's name cut to 56
 * characters plus -writer, a drill's cluster <source>-drill-<8 characters of the execution id>. Only
 * these names may be tagged on create (a restore's cluster aside, below), and only a drill's deleted:
 * whatever deletes drill clusters uses DRILL_CLUSTERS, DRILL_WRITERS and thisStacksDrill.
 */
const WRITERS = runRdsArn('db:*-writer');
/** A restore's readers, named as run/restore.ts readerId names them. */
const READERS = runRdsArn('db:*-reader-*');
export const DRILL_CLUSTERS = runRdsArn('cluster:*-drill-????????');
export const DRILL_WRITERS = runRdsArn('db:*-drill-*-writer');

const tagged = (kind: 'RequestTag' | 'ResourceTag') => ({ [`aws:${kind}/${RESTORE_TAG.stackId}`]: AWS.stackId });
/** This stack's tags, on what carries no ownership tag yet (being created) or this stack's, never another's. */
const tagOnCreate = (kind?: string) => ({
  StringEquals: { ...tagged('RequestTag'), ...(kind ? { [`aws:RequestTag/${RESTORE_TAG.kind}`]: kind } : {}) },
  StringEqualsIfExists: tagged('ResourceTag'),
});
export const thisStacksDrill = { StringEquals: { ...tagged('ResourceTag'), [`aws:ResourceTag/${RESTORE_TAG.kind}`]: RESTORE_KIND.drill } };

export function recoveryAutomationPolicy(): PolicyStatement[] {
  return [
    {
      Sid: 'RestoreOnlyTheSourceStacksCopies',
      Effect: 'Allow',
      Action: ['rds:RestoreDBClusterFromSnapshot'],
      Resource: [SNAPSHOTS],
      Condition: { StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: { Ref: RECOVERY_PARAM.sourceStackId } } },
    },
    {
      // RDS authorises a create call's tags as AddTagsToResource on the new resource. Only a drill's cluster
      // names may carry kind=drill, which lets Finish delete them.
      Sid: 'CreateTagged',
      Effect: 'Allow',
      Action: [
        'rds:RestoreDBClusterFromSnapshot',
        'rds:CreateDBInstance',
        'rds:AddTagsToResource',
        'rds:CreateDBClusterParameterGroup',
        'rds:CreateDBParameterGroup',
      ],
      Resource: [DRILL_CLUSTERS, WRITERS, READERS, subnetGroup(runRdsArn), ...DEFAULT_GROUPS, ...OWN_GROUPS],
      Condition: tagOnCreate(),
    },
    {
      // A restore's cluster may be named as the user likes: it is tagged kind=restore, which lets nothing delete it.
      Sid: 'RestoreTagged',
      Effect: 'Allow',
      Action: ['rds:RestoreDBClusterFromSnapshot', 'rds:AddTagsToResource'],
      Resource: [CLUSTERS],
      Condition: tagOnCreate(RESTORE_KIND.restore),
    },
    {
      Sid: 'AddWritersToOwnClustersAndFillOwnGroups',
      Effect: 'Allow',
      Action: [
        'rds:CreateDBInstance',
        'rds:ModifyDBClusterParameterGroup',
        'rds:ModifyDBParameterGroup',
        'rds:ResetDBClusterParameterGroup',
        'rds:ResetDBParameterGroup',
      ],
      Resource: [CLUSTERS, ...OWN_GROUPS],
      Condition: { StringEquals: tagged('ResourceTag') },
    },
    {
      // The source's password lives in the source Region's Secrets Manager: a restore gets its own secret here.
      // This is the only change the stack makes to a cluster after restoring it.
      Sid: 'ManagePasswordsOfOwnClusters',
      Effect: 'Allow',
      Action: ['rds:ModifyDBCluster'],
      Resource: [CLUSTERS],
      Condition: { StringEquals: tagged('ResourceTag'), Bool: { 'rds:ManageMasterUserPassword': 'true' } },
    },
    {
      // RDS creates the secret in the caller's name (Aurora User Guide, Secrets Manager integration, permissions);
      // the secrets it makes are named rds!cluster-<id>.
      Sid: 'LetRdsCreateTheSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      Resource: [sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:rds!cluster-*')],
    },
    {
      Sid: 'DeleteOnlyThisStacksDrills',
      Effect: 'Allow',
      Action: ['rds:DeleteDBCluster', 'rds:DeleteDBInstance'],
      Resource: [DRILL_CLUSTERS, DRILL_WRITERS],
      Condition: thisStacksDrill,
    },
    {
      // RDS encrypts the restored cluster through grants on the target key (it describes the key under the
      // preflight's statement for this Region's keys).
      Sid: 'GrantTheTargetKeyToRds',
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: [targetKey()],
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      // Secrets Manager encrypts a restore's secret under the target key, in the caller's name.
      Sid: 'EncryptSecretsWithTheTargetKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [targetKey()],
      Condition: { StringEquals: { 'kms:ViaService': sub('secretsmanager.${AWS::Region}.amazonaws.com') } },
    },
    {
      // PutMetricData has no resource type; the namespace condition scopes it.
      Sid: 'PublishDrillMetrics',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: ['*'],
      Condition: { StringEquals: { 'cloudwatch:namespace': RECOVERY_METRIC.namespace } },
    },
  ];
}

/**
 * The drill's validation function (DrillValidationFunction), by its ARN in this account and Region: a statement
 * only when the stack names one (HasDrillValidation), as an empty name would make a malformed ARN.
 */
export const invokeValidationFunction = (): PolicyStatement => ({
  Sid: 'InvokeTheDrillValidationFunction',
  Effect: 'Allow',
  Action: ['lambda:InvokeFunction'],
  Resource: [sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${${RECOVERY_PARAM.drillValidation}}`)],
});

/** The runbook's steps are calls of the stack's function, and of nothing else. */
export const invokeRunFunction = (): PolicyStatement[] => [
  {
    Sid: 'InvokeThisStacksFunction',
    Effect: 'Allow',
    Action: ['lambda:InvokeFunction'],
    Resource: [getAtt(RECOVERY_ID.preflightFunction, 'Arn')],
  },
];

export function recoveryPreflightPolicy(): PolicyStatement[] {
  return [
    {
      Sid: 'DescribeKeysOfThisRegion',
      Effect: 'Allow',
      Action: ['kms:DescribeKey'],
      Resource: [sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*')],
    },
    {
      Sid: 'ReadSubnetGroup',
      Effect: 'Allow',
      Action: ['rds:DescribeDBSubnetGroups'],
      Resource: [subnetGroup(rdsArn)],
    },
    // The preflight lists the copies too; the run steps read the rest.
    {
      // Listing copies is authorised against cluster-snapshot:*; the lists are read-only. The restored parameter
      // groups' values are compared with the source's: a restore's group, a drill's, or the engine's default.
      // And the configuration each DR run captured beside its copy (ssm:GetParameter matches only the SSM ARN).
      Sid: 'ReadCopiesClustersAndCapturedConfigurations',
      Effect: 'Allow',
      Action: [
        'rds:DescribeDBClusterSnapshots',
        'rds:DescribeDBClusters',
        'rds:DescribeDBInstances',
        'rds:DescribeDBClusterParameters',
        'rds:DescribeDBParameters',
        'ssm:GetParameter',
      ],
      Resource: [EVERYTHING_DESCRIBED, sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${CAPTURED_CONFIG_PATH}*`)],
    },
    {
      // Neither call has a resource type: they describe the account's Region.
      Sid: 'DescribeSecurityGroupsAndOrderableClasses',
      Effect: 'Allow',
      Action: ['ec2:DescribeSecurityGroups', 'rds:DescribeOrderableDBInstanceOptions'],
      Resource: ['*'],
    },
    {
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [getAtt(RECOVERY_ID.preflightLogGroup, 'Arn')],
    },
    // The function also runs the copy-age watchdog.
    ...watchdogStatements(),
  ];
}

export function recoveryRoleResources(): { [logicalId: string]: CfnResource } {
  return {
    [RECOVERY_ID.automationRole]: role(
      undefined,
      'ssm.amazonaws.com',
      invokeRunFunction(),
      sameAccount('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*'),
    ),
    [RECOVERY_ID.drillTriggerRole]: role(
      undefined,
      'events.amazonaws.com',
      triggerRolePolicy(RECOVERY_ID.document, RECOVERY_ID.automationRole),
      { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
      RECOVERY_ID.preflight,
    ),
    [RECOVERY_ID.preflightRole]: role(
      undefined,
      'lambda.amazonaws.com',
      recoveryPreflightPolicy(),
    ),
    [RECOVERY_ID.runPolicy]: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'recovery-runs',
        Roles: [ref(RECOVERY_ID.preflightRole)],
        PolicyDocument: unnamedStatements(recoveryAutomationPolicy(), [
          ifCondition(RECOVERY_CONDITION.hasDrillValidation, unnamedStatement(invokeValidationFunction()), NO_VALUE),
        ]),
      },
    },
  };
}
