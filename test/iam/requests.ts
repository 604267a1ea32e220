/**
 * The requests the stacks' roles make (every call of the runbooks, the
 * preflight functions and the schedules) and the requests they must never be
 * able to make, each as IAM sees it: one action on one resource ARN, with the
 * request's tags and the resource's tags as context keys.
 */
import { LOGICAL_ID } from '../../generator/dr/logical-ids';
import { RECOVERY_ID } from '../../generator/recovery/logical-ids';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import { CAPTURED_CONFIG_PATH } from '../../custom-resource/shared/captured-config';
import { RECOVERY_METRIC, RESTORED_GROUP_PREFIX, RESTORE_TAG } from '../../custom-resource/recovery/contract';
import { ContextValues, IamRequest } from './simulate';
import {
  ACCOUNT,
  CLUSTER,
  DR_STACK_ID,
  RECOVERY_STACK_ID,
  SOURCE,
  SOURCE_KEY,
  RECOVERY_FUNCTION,
  VALIDATION_FUNCTION_NAME,
  SUBNET_GROUP,
  TARGET,
  TARGET_KEY,
  VAULT_ACCOUNT,
  SECOND_ACCOUNT,
  VAULT_KEY,
  VAULT_STACK_ID,
  rdsArn,
} from './stacks';
import { VAULT_ID } from '../../generator/vault/logical-ids';
import { VAULT_METRIC } from '../../custom-resource/vault/contract';

export interface RoleRequest extends IamRequest {
  role: string;
  label: string;
}

type Tags = { [key: string]: string };
export const requestTags = (tags: Tags): ContextValues => ({
  ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  'aws:TagKeys': Object.keys(tags),
});
export const resourceTags = (tags: Tags): ContextValues =>
  Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));

const OTHER_DR_STACK = `arn:aws:cloudformation:${SOURCE}:${ACCOUNT}:stack/orders-prod-dr-2/aaaaaaaa-1111-2222-3333-444455556666`;
const OTHER_RECOVERY_STACK = `arn:aws:cloudformation:${TARGET}:${ACCOUNT}:stack/other-recovery/bbbbbbbb-1111-2222-3333-444455556666`;

// ---- the DR stack ----------------------------------------------------------------------------------------

const SNAPSHOT = 'orders-prod-dr-202612070500-0a1b2c3d';
const drTags: Tags = { [SNAPSHOT_TAG.stackId]: DR_STACK_ID, [SNAPSHOT_TAG.cluster]: CLUSTER, [SNAPSHOT_TAG.execution]: '0a1b2c3d-e5f6' };
// A copy carries the source's own tags (the cluster's, copied to its snapshots) beside the stack's.
const copyTags: Tags = { team: 'payments', ...drTags, [SNAPSHOT_TAG.sourceSnapshot]: rdsArn(SOURCE, `cluster-snapshot:${SNAPSHOT}`) };
const ours = resourceTags({ [SNAPSHOT_TAG.stackId]: DR_STACK_ID });
const snapshotIn = (region: string, id = SNAPSHOT) => rdsArn(region, `cluster-snapshot:${id}`);
const automation = LOGICAL_ID.automationRole;
const drPreflight = LOGICAL_ID.preflightRole;

const runbookTrigger = (role: string, documentName: string, automationRoleArn: string, region: string): RoleRequest[] => [
  {
    role,
    label: 'the schedule starts the runbook',
    action: 'ssm:StartAutomationExecution',
    resource: `arn:aws:ssm:${region}:${ACCOUNT}:automation-definition/${documentName}:$DEFAULT`,
  },
  {
    role,
    label: 'the schedule passes the automation role to SSM',
    action: 'iam:PassRole',
    resource: automationRoleArn,
    context: { 'iam:PassedToService': 'ssm.amazonaws.com' },
  },
];
const triggerAttacks = (role: string, automationRoleArn: string, region: string): RoleRequest[] => [
  { role, label: 'start another runbook', action: 'ssm:StartAutomationExecution', resource: `arn:aws:ssm:${region}:${ACCOUNT}:automation-definition/AWS-DeleteSnapshot:$DEFAULT` },
  { role, label: 'pass the automation role to Lambda', action: 'iam:PassRole', resource: automationRoleArn, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  { role, label: 'pass another role to SSM', action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/Admin`, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
];
const logWrites = (role: string, region: string, logGroup: string): RoleRequest[] =>
  ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    role,
    label: `the function writes its log (${action})`,
    action,
    resource: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${logGroup}:log-stream:2026/12/07/[$LATEST]0123456789abcdef`,
  }));

/** The SSM parameter a run writes its source configuration to: the path, then the snapshot's name (one slash). */
const configParameter = (id = SNAPSHOT, region = TARGET) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter${CAPTURED_CONFIG_PATH}${id}`;
const ownerTag = requestTags({ [SNAPSHOT_TAG.stackId]: DR_STACK_ID });
const sourceRds = (resource: string) => rdsArn(SOURCE, resource);

export const DR_LEGITIMATE: RoleRequest[] = [
  { role: automation, label: 'snapshot the cluster', action: 'rds:CreateDBClusterSnapshot', resource: rdsArn(SOURCE, `cluster:${CLUSTER}`), context: requestTags(drTags) },
  { role: automation, label: 'create the snapshot', action: 'rds:CreateDBClusterSnapshot', resource: snapshotIn(SOURCE), context: requestTags(drTags) },
  { role: automation, label: 'tag the snapshot on create', action: 'rds:AddTagsToResource', resource: snapshotIn(SOURCE), context: requestTags(drTags) },
  { role: automation, label: 'read the snapshot', action: 'rds:DescribeDBClusterSnapshots', resource: snapshotIn(SOURCE) },
  { role: automation, label: "list the cluster's snapshots", action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(SOURCE, `cluster:${CLUSTER}`) },
  { role: automation, label: 'list the copies', action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(TARGET, 'cluster-snapshot:*') },
  { role: automation, label: 'copy into the target Region', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn(TARGET), context: requestTags(copyTags) },
  { role: automation, label: 'copy from the source snapshot', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn(SOURCE), context: { ...requestTags(copyTags), ...ours } },
  { role: automation, label: 'tag the copy on create', action: 'rds:AddTagsToResource', resource: snapshotIn(TARGET), context: requestTags(copyTags) },
  { role: automation, label: 'prune an expired snapshot', action: 'rds:DeleteDBClusterSnapshot', resource: snapshotIn(SOURCE), context: ours },
  { role: automation, label: 'prune an expired copy', action: 'rds:DeleteDBClusterSnapshot', resource: snapshotIn(TARGET), context: ours },
  ...[SOURCE_KEY, TARGET_KEY].flatMap((key): RoleRequest[] => [
    { role: automation, label: `RDS describes ${key}`, action: 'kms:DescribeKey', resource: key },
    { role: automation, label: `RDS takes a grant on ${key}`, action: 'kms:CreateGrant', resource: key, context: { 'kms:GrantIsForAWSResource': 'true' } },
    { role: drPreflight, label: `the preflight describes ${key}`, action: 'kms:DescribeKey', resource: key },
    { role: drPreflight, label: `the preflight reads the policy of ${key}`, action: 'kms:GetKeyPolicy', resource: key },
  ]),
  { role: automation, label: 'capture: read the cluster', action: 'rds:DescribeDBClusters', resource: sourceRds(`cluster:${CLUSTER}`) },
  { role: automation, label: 'capture: read its writer', action: 'rds:DescribeDBInstances', resource: sourceRds('db:orders-prod-instance-1') },
  { role: automation, label: "capture: read the cluster's parameter group", action: 'rds:DescribeDBClusterParameterGroups', resource: sourceRds('cluster-pg:orders-pg16') },
  { role: automation, label: "capture: read the cluster's parameters", action: 'rds:DescribeDBClusterParameters', resource: sourceRds('cluster-pg:orders-pg16') },
  { role: automation, label: "capture: read the writer's parameter group", action: 'rds:DescribeDBParameterGroups', resource: sourceRds('pg:orders-instance-pg16') },
  { role: automation, label: "capture: read the writer's parameters", action: 'rds:DescribeDBParameters', resource: sourceRds('pg:orders-instance-pg16') },
  { role: automation, label: 'capture: write the configuration beside the copy', action: 'ssm:PutParameter', resource: configParameter(), context: ownerTag },
  { role: automation, label: 'capture: tag the configuration on create', action: 'ssm:AddTagsToResource', resource: configParameter(), context: ownerTag },
  { role: automation, label: "prune: delete an expired copy's configuration", action: 'ssm:DeleteParameter', resource: configParameter() },
  { role: automation, label: 'share the copy with the vault', action: 'rds:ModifyDBClusterSnapshotAttribute', resource: snapshotIn(TARGET), context: ours },
  { role: drPreflight, label: 'the preflight reads the cluster', action: 'rds:DescribeDBClusters', resource: rdsArn(SOURCE, `cluster:${CLUSTER}`) },
  ...logWrites(drPreflight, SOURCE, '/aws/lambda/orders-prod-dr-preflight'),
  ...runbookTrigger(LOGICAL_ID.triggerRole, 'orders-prod-dr-SnapshotCopyRunbook-1A2B3C', `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-AutomationRole-1A2B3C`, SOURCE),
];

export const DR_ATTACKS: RoleRequest[] = [
  { role: automation, label: 'write the ownership tag onto a snapshot not ours', action: 'rds:AddTagsToResource', resource: snapshotIn(SOURCE, 'before-upgrade'), context: requestTags(drTags) },
  { role: automation, label: 'write the ownership tag onto a copy not ours', action: 'rds:AddTagsToResource', resource: snapshotIn(TARGET, 'before-upgrade'), context: requestTags(drTags) },
  {
    role: automation,
    label: "overwrite another stack's ownership tag on a snapshot named like ours",
    action: 'rds:AddTagsToResource',
    resource: snapshotIn(SOURCE),
    context: { ...requestTags(drTags), ...resourceTags({ [SNAPSHOT_TAG.stackId]: OTHER_DR_STACK }) },
  },
  { role: automation, label: 'tag our snapshot with other tags only', action: 'rds:AddTagsToResource', resource: snapshotIn(SOURCE), context: requestTags({ team: 'x' }) },
  { role: automation, label: 'delete a snapshot carrying a copied ownership tag', action: 'rds:DeleteDBClusterSnapshot', resource: snapshotIn(SOURCE, 'keep-forever'), context: ours },
  { role: automation, label: 'delete a copy carrying a copied ownership tag', action: 'rds:DeleteDBClusterSnapshot', resource: snapshotIn(TARGET, 'keep-forever'), context: ours },
  { role: automation, label: 'delete a snapshot named like ours without our tag', action: 'rds:DeleteDBClusterSnapshot', resource: snapshotIn(SOURCE), context: {} },
  { role: automation, label: 'snapshot another cluster', action: 'rds:CreateDBClusterSnapshot', resource: rdsArn(SOURCE, 'cluster:billing-prod'), context: requestTags(drTags) },
  { role: automation, label: 'snapshot without the ownership tag', action: 'rds:CreateDBClusterSnapshot', resource: snapshotIn(SOURCE), context: requestTags({ team: 'x' }) },
  { role: automation, label: 'copy without the ownership tag', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn(TARGET), context: requestTags({ team: 'x' }) },
  { role: automation, label: 'copy into a name not ours', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn(TARGET, 'before-upgrade'), context: requestTags(copyTags) },
  { role: automation, label: 'copy a snapshot neither ours by tag nor by name', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn(SOURCE, 'before-upgrade'), context: requestTags(copyTags) },
  { role: automation, label: 'copy from a third Region', action: 'rds:CopyDBClusterSnapshot', resource: snapshotIn('eu-west-1', 'before-upgrade'), context: { ...requestTags(copyTags), ...ours } },
  { role: automation, label: 'take a grant not for an AWS resource', action: 'kms:CreateGrant', resource: TARGET_KEY, context: { 'kms:GrantIsForAWSResource': 'false' } },
  { role: automation, label: 'take a grant on another key', action: 'kms:CreateGrant', resource: `arn:aws:kms:${TARGET}:${ACCOUNT}:key/99999999-0000-1111-2222-333333333333`, context: { 'kms:GrantIsForAWSResource': 'true' } },
  { role: automation, label: 'capture: read another cluster', action: 'rds:DescribeDBClusters', resource: sourceRds('cluster:billing-prod') },
  { role: automation, label: "write a parameter under another cluster's prefix", action: 'ssm:PutParameter', resource: configParameter('billing-prod-dr-202612070500-0a1b2c3d'), context: ownerTag },
  { role: automation, label: 'write a parameter outside the configuration path', action: 'ssm:PutParameter', resource: `arn:aws:ssm:${TARGET}:${ACCOUNT}:parameter/prod/db-password` },
  { role: automation, label: 'write a configuration in the source Region', action: 'ssm:PutParameter', resource: configParameter(SNAPSHOT, SOURCE), context: ownerTag },
  { role: automation, label: "delete another cluster's configuration", action: 'ssm:DeleteParameter', resource: configParameter('billing-prod-dr-202612070500-0a1b2c3d') },
  { role: automation, label: 'retag a parameter outside the configuration path', action: 'ssm:AddTagsToResource', resource: `arn:aws:ssm:${TARGET}:${ACCOUNT}:parameter/prod/db-password`, context: ownerTag },
  { role: automation, label: 'share a copy named like ours without our tag', action: 'rds:ModifyDBClusterSnapshotAttribute', resource: snapshotIn(TARGET), context: {} },
  { role: automation, label: 'share a snapshot not ours carrying a copied tag', action: 'rds:ModifyDBClusterSnapshotAttribute', resource: snapshotIn(TARGET, 'before-upgrade'), context: ours },
  { role: automation, label: 'share a source snapshot', action: 'rds:ModifyDBClusterSnapshotAttribute', resource: snapshotIn(SOURCE), context: ours },
  { role: drPreflight, label: 'the preflight reads another cluster', action: 'rds:DescribeDBClusters', resource: rdsArn(SOURCE, 'cluster:billing-prod') },
  ...triggerAttacks(LOGICAL_ID.triggerRole, `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-AutomationRole-1A2B3C`, SOURCE),
];

// ---- the recovery stack ----------------------------------------------------------------------------------

const COPY = rdsArn(TARGET, `cluster-snapshot:${SNAPSHOT}`);
const sourceStacksCopy = resourceTags({ [SNAPSHOT_TAG.stackId]: DR_STACK_ID });
const runTags = (kind: string, stack = RECOVERY_STACK_ID): Tags => ({
  [RESTORE_TAG.stackId]: stack,
  [RESTORE_TAG.kind]: kind,
  [RESTORE_TAG.snapshot]: SNAPSHOT,
  [RESTORE_TAG.execution]: '0a1b2c3d-e5f6-4711-8899-aabbccddeeff',
});
const owned = (kind: string, stack = RECOVERY_STACK_ID) => resourceTags({ [RESTORE_TAG.stackId]: stack, [RESTORE_TAG.kind]: kind });
const recoveryAutomation = RECOVERY_ID.automationRole;
/** The stack's function does each runbook step's work (RecoveryRunPolicy), the preflight and the hourly check, under one role. */
const recovery = RECOVERY_ID.preflightRole;
const recoveryPreflight = RECOVERY_ID.preflightRole;
const DEFAULT_GROUPS = ['cluster-pg:default.aurora-postgresql16', 'og:default:aurora-postgresql-16', 'pg:default.aurora-postgresql16'];
const LONG_SOURCE = 'a'.repeat(48);

/** What one run restores: the cluster and its writer, as custom-resource/recovery/run/restore.ts names them. */
const restoreRun = (kind: string, cluster: string, writer: string): RoleRequest[] => {
  const tags = requestTags(runTags(kind));
  return [
    { role: recovery, label: `${kind}: restore from the copy`, action: 'rds:RestoreDBClusterFromSnapshot', resource: COPY, context: { ...tags, ...sourceStacksCopy } },
    { role: recovery, label: `${kind}: restore into ${cluster}`, action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, `cluster:${cluster}`), context: tags },
    { role: recovery, label: `${kind}: restore into the subnet group`, action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, `subgrp:${SUBNET_GROUP}`), context: tags },
    ...DEFAULT_GROUPS.filter((group) => !group.startsWith('pg:')).map((group): RoleRequest => ({
      role: recovery, label: `${kind}: restore with ${group}`, action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, group), context: tags,
    })),
    { role: recovery, label: `${kind}: tag ${cluster} on create`, action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, `cluster:${cluster}`), context: tags },
    { role: recovery, label: `${kind}: add ${writer}`, action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, `db:${writer}`), context: tags },
    { role: recovery, label: `${kind}: add the writer to ${cluster}`, action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, `cluster:${cluster}`), context: { ...tags, ...owned(kind) } },
    ...DEFAULT_GROUPS.filter((group) => !group.startsWith('cluster-pg:')).map((group): RoleRequest => ({
      role: recovery, label: `${kind}: add the writer with ${group}`, action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, group), context: tags,
    })),
    { role: recovery, label: `${kind}: tag ${writer} on create`, action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, `db:${writer}`), context: tags },
    ...(kind === 'restore'
      ? ['reader-1', 'reader-12'].flatMap((reader): RoleRequest[] => [
          { role: recovery, label: `restore: add ${cluster}-${reader}`, action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, `db:${cluster}-${reader}`), context: tags },
          { role: recovery, label: `restore: tag ${cluster}-${reader} on create`, action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, `db:${cluster}-${reader}`), context: tags },
        ])
      : []),
    ...(kind === 'drill'
      ? [
          { role: recovery, label: `drill: delete ${writer}`, action: 'rds:DeleteDBInstance', resource: rdsArn(TARGET, `db:${writer}`), context: owned(kind) },
          { role: recovery, label: `drill: delete ${cluster}`, action: 'rds:DeleteDBCluster', resource: rdsArn(TARGET, `cluster:${cluster}`), context: owned(kind) },
        ]
      : []),
  ];
};

/** The groups that hold the source's values: a restore's, named after its cluster, and the drills' pair. */
const RESTORE_GROUP = `${RESTORED_GROUP_PREFIX}orders-prod-restored-202612070500`;
const DRILL_GROUP = `${RESTORED_GROUP_PREFIX}orders-prod-drill-aurora-postgresql16`;
const SECRET = `arn:aws:secretsmanager:${TARGET}:${ACCOUNT}:secret:rds!cluster-0a1b2c3d-0000-4000-8000-000000000000-AbCdEf`;
const viaSecretsManager = { 'kms:ViaService': `secretsmanager.${TARGET}.amazonaws.com` };
const fidelity = (group: string, kind: string): RoleRequest[] => [
  { role: recovery, label: `${kind}: read the captured configuration`, action: 'ssm:GetParameter', resource: `arn:aws:ssm:${TARGET}:${ACCOUNT}:parameter${CAPTURED_CONFIG_PATH}orders-prod-dr-202612070300-0a1b2c3d` },
  ...(['cluster-pg', 'pg'] as const).flatMap((type): RoleRequest[] => {
    const resource = rdsArn(TARGET, `${type}:${group}`);
    const verb = type === 'pg' ? 'DBParameterGroup' : 'DBClusterParameterGroup';
    return [
      { role: recovery, label: `${kind}: create ${type}:${group}`, action: `rds:Create${verb}`, resource, context: requestTags(runTags(kind)) },
      { role: recovery, label: `${kind}: tag ${type}:${group} on create`, action: 'rds:AddTagsToResource', resource, context: requestTags(runTags(kind)) },
      { role: recovery, label: `${kind}: fill ${type}:${group}`, action: `rds:Modify${verb}`, resource, context: owned(kind) },
      { role: recovery, label: `${kind}: empty ${type}:${group}`, action: `rds:Reset${verb}`, resource, context: owned(kind) },
      { role: recovery, label: `${kind}: use ${type}:${group}`, action: type === 'pg' ? 'rds:CreateDBInstance' : 'rds:RestoreDBClusterFromSnapshot', resource, context: { ...requestTags(runTags(kind)), ...owned(kind) } },
      { role: recovery, label: `${kind}: compare ${type}:${group}`, action: type === 'pg' ? 'rds:DescribeDBParameters' : 'rds:DescribeDBClusterParameters', resource },
    ];
  }),
];

export const RECOVERY_LEGITIMATE: RoleRequest[] = [
  ...fidelity(RESTORE_GROUP, 'restore'),
  ...fidelity(DRILL_GROUP, 'drill'),
  { role: recovery, label: 'compare a default group', action: 'rds:DescribeDBClusterParameters', resource: rdsArn(TARGET, 'cluster-pg:default.aurora-postgresql16') },
  { role: recovery, label: "ask the stack's drill validation function", action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${TARGET}:${ACCOUNT}:function:${VALIDATION_FUNCTION_NAME}` },
  {
    role: recovery,
    label: "give a restore a secret in this Region",
    action: 'rds:ModifyDBCluster',
    resource: rdsArn(TARGET, 'cluster:orders-prod-restored-202612070500'),
    context: { ...owned('restore'), 'rds:ManageMasterUserPassword': 'true' },
  },
  { role: recovery, label: 'RDS creates the secret', action: 'secretsmanager:CreateSecret', resource: SECRET },
  { role: recovery, label: 'RDS tags the secret', action: 'secretsmanager:TagResource', resource: SECRET },
  { role: recovery, label: 'Secrets Manager encrypts the secret', action: 'kms:GenerateDataKey', resource: TARGET_KEY, context: viaSecretsManager },
  { role: recovery, label: 'Secrets Manager decrypts the secret', action: 'kms:Decrypt', resource: TARGET_KEY, context: viaSecretsManager },
  { role: recovery, label: 'list the copies', action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(TARGET, 'cluster-snapshot:*') },
  { role: recovery, label: 'read a copy', action: 'rds:DescribeDBClusterSnapshots', resource: COPY },
  { role: recovery, label: 'list the clusters', action: 'rds:DescribeDBClusters', resource: rdsArn(TARGET, 'cluster:*') },
  { role: recovery, label: 'read a cluster', action: 'rds:DescribeDBClusters', resource: rdsArn(TARGET, 'cluster:orders-prod-drill-0a1b2c3d') },
  { role: recovery, label: 'list the instances', action: 'rds:DescribeDBInstances', resource: rdsArn(TARGET, 'db:*') },
  ...restoreRun('drill', 'orders-prod-drill-0a1b2c3d', 'orders-prod-drill-0a1b2c3d-writer'),
  ...restoreRun('drill', `${LONG_SOURCE}-drill-0a1b2c3d`, `${LONG_SOURCE}-drill-0-writer`),
  ...restoreRun('restore', 'orders-prod-restored-202612070500', 'orders-prod-restored-202612070500-writer'),
  ...restoreRun('restore', 'orders-prod-dr', 'orders-prod-dr-writer'),
  { role: recovery, label: 'RDS describes the key', action: 'kms:DescribeKey', resource: TARGET_KEY },
  { role: recovery, label: 'RDS takes a grant on the key', action: 'kms:CreateGrant', resource: TARGET_KEY, context: { 'kms:GrantIsForAWSResource': 'true' } },
  { role: recovery, label: 'publish the metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': RECOVERY_METRIC.namespace } },
  { role: recoveryAutomation, label: "each runbook step invokes the stack's function", action: 'lambda:InvokeFunction', resource: RECOVERY_FUNCTION },
  { role: recovery, label: "the hourly check reads a drill's run", action: 'ssm:GetAutomationExecution', resource: `arn:aws:ssm:${TARGET}:${ACCOUNT}:automation-execution/0a1b2c3d-e5f6-4711-8899-aabbccddeeff` },
  { role: recovery, label: 'the hourly check reads the copy ages it published', action: 'cloudwatch:GetMetricData', resource: '*' },
  { role: recoveryPreflight, label: 'the preflight describes the key', action: 'kms:DescribeKey', resource: TARGET_KEY },
  { role: recoveryPreflight, label: 'the preflight reads the subnet group', action: 'rds:DescribeDBSubnetGroups', resource: rdsArn(TARGET, `subgrp:${SUBNET_GROUP}`) },
  { role: recoveryPreflight, label: 'the preflight lists the copies', action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(TARGET, 'cluster-snapshot:*') },
  { role: recoveryPreflight, label: 'the preflight reads the security groups', action: 'ec2:DescribeSecurityGroups', resource: '*' },
  { role: recoveryPreflight, label: 'the preflight reads the orderable classes', action: 'rds:DescribeOrderableDBInstanceOptions', resource: '*' },
  { role: recoveryPreflight, label: "the watchdog reads the stack's creation time", action: 'cloudformation:DescribeStacks', resource: RECOVERY_STACK_ID },
  ...logWrites(recoveryPreflight, TARGET, '/aws/lambda/orders-prod-dr-recovery-preflight'),
  ...runbookTrigger(
    RECOVERY_ID.drillTriggerRole,
    'orders-prod-dr-recovery-RecoveryRunbook-1A2B3C',
    `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-recovery-RecoveryAutomationRole-1A2B3C`,
    TARGET,
  ),
];

const drillTags = requestTags(runTags('drill'));
const restoreTags = requestTags(runTags('restore'));
export const RECOVERY_ATTACKS: RoleRequest[] = [
  { role: recovery, label: 'invoke a function other than the drill validation function', action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${TARGET}:${ACCOUNT}:function:orders-payments` },
  { role: recovery, label: 'invoke the validation function of the same name in another Region', action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${VALIDATION_FUNCTION_NAME}` },
  { role: recovery, label: 'tag an unrelated cluster as this stack\'s drill', action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, 'cluster:orders-prod-replica'), context: drillTags },
  { role: recovery, label: 'tag an unrelated instance as this stack\'s drill', action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, 'db:orders-prod-instance-1'), context: drillTags },
  { role: recovery, label: 'tag an unrelated instance as this stack\'s restore', action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, 'db:orders-prod-instance-1'), context: restoreTags },
  { role: recovery, label: "tag another stack's reader as this stack's", action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, 'db:orders-prod-restored-202612070500-reader-1'), context: { ...restoreTags, ...owned('restore', OTHER_RECOVERY_STACK) } },
  { role: recovery, label: 'restore into a cluster not named like a drill as a drill', action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, 'cluster:orders-prod-restored-1'), context: drillTags },
  {
    role: recovery,
    label: "take over another recovery stack's drill cluster",
    action: 'rds:AddTagsToResource',
    resource: rdsArn(TARGET, 'cluster:orders-prod-drill-99999999'),
    context: { ...drillTags, ...owned('drill', OTHER_RECOVERY_STACK) },
  },
  {
    role: recovery,
    label: "take over another recovery stack's restored cluster",
    action: 'rds:AddTagsToResource',
    resource: rdsArn(TARGET, 'cluster:orders-prod-dr'),
    context: { ...restoreTags, ...owned('restore', OTHER_RECOVERY_STACK) },
  },
  { role: recovery, label: 'delete an unrelated cluster carrying copied tags', action: 'rds:DeleteDBCluster', resource: rdsArn(TARGET, 'cluster:analytics-copy'), context: owned('drill') },
  { role: recovery, label: 'delete an unrelated instance carrying copied tags', action: 'rds:DeleteDBInstance', resource: rdsArn(TARGET, 'db:analytics-copy-writer'), context: owned('drill') },
  { role: recovery, label: "delete a restore's reader, even one tagged as a drill's", action: 'rds:DeleteDBInstance', resource: rdsArn(TARGET, 'db:orders-prod-drill-0a1b2c3d-reader-1'), context: owned('drill') },
  { role: recovery, label: "delete this stack's restore named like a drill", action: 'rds:DeleteDBCluster', resource: rdsArn(TARGET, 'cluster:orders-prod-drill-0a1b2c3d'), context: owned('restore') },
  { role: recovery, label: "delete another stack's drill", action: 'rds:DeleteDBCluster', resource: rdsArn(TARGET, 'cluster:orders-prod-drill-99999999'), context: owned('drill', OTHER_RECOVERY_STACK) },
  { role: recovery, label: "delete another stack's drill writer", action: 'rds:DeleteDBInstance', resource: rdsArn(TARGET, 'db:orders-prod-drill-99999999-writer'), context: owned('drill', OTHER_RECOVERY_STACK) },
  { role: recovery, label: 'add an instance to an unrelated cluster', action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, 'cluster:orders-prod-replica'), context: drillTags },
  { role: recovery, label: 'add an instance to a cluster of ours in another Region', action: 'rds:CreateDBInstance', resource: rdsArn(SOURCE, 'cluster:orders-prod-drill-0a1b2c3d'), context: { ...drillTags, ...owned('drill') } },
  { role: recovery, label: 'add a writer without this stack\'s tag', action: 'rds:CreateDBInstance', resource: rdsArn(TARGET, 'db:intruder-writer'), context: requestTags({ team: 'x' }) },
  { role: recovery, label: 'restore a snapshot the source stack did not make', action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, 'cluster-snapshot:before-upgrade'), context: restoreTags },
  { role: recovery, label: 'restore a copy of the source stack from another Region', action: 'rds:RestoreDBClusterFromSnapshot', resource: snapshotIn(SOURCE), context: { ...restoreTags, ...sourceStacksCopy } },
  { role: recovery, label: 'restore without this stack\'s tag', action: 'rds:RestoreDBClusterFromSnapshot', resource: rdsArn(TARGET, 'cluster:orders-prod-restored-1'), context: requestTags({ [RESTORE_TAG.kind]: 'restore' }) },
  { role: recovery, label: "fill another stack's parameter group", action: 'rds:ModifyDBClusterParameterGroup', resource: rdsArn(TARGET, `cluster-pg:${DRILL_GROUP}`), context: owned('drill', OTHER_RECOVERY_STACK) },
  { role: recovery, label: "empty the user's own parameter group", action: 'rds:ResetDBClusterParameterGroup', resource: rdsArn(TARGET, 'cluster-pg:orders-prod-params') },
  { role: recovery, label: "change the user's parameter group", action: 'rds:ModifyDBParameterGroup', resource: rdsArn(TARGET, 'pg:orders-prod-writer') },
  { role: recovery, label: 'create a group not named as the stack names them', action: 'rds:CreateDBClusterParameterGroup', resource: rdsArn(TARGET, 'cluster-pg:orders-prod-params'), context: requestTags(runTags('restore')) },
  { role: recovery, label: 'create a group without this stack\'s tag', action: 'rds:CreateDBParameterGroup', resource: rdsArn(TARGET, `pg:${RESTORE_GROUP}`), context: requestTags({ team: 'x' }) },
  { role: recovery, label: 'delete a drill group', action: 'rds:DeleteDBClusterParameterGroup', resource: rdsArn(TARGET, `cluster-pg:${DRILL_GROUP}`), context: owned('drill') },
  { role: recovery, label: 'read a parameter outside the configuration path', action: 'ssm:GetParameter', resource: `arn:aws:ssm:${TARGET}:${ACCOUNT}:parameter/prod/db-password` },
  { role: recovery, label: 'change an unrelated cluster', action: 'rds:ModifyDBCluster', resource: rdsArn(TARGET, 'cluster:orders-prod-replica'), context: { 'rds:ManageMasterUserPassword': 'true' } },
  { role: recovery, label: "change a restore of this stack other than by managing its password", action: 'rds:ModifyDBCluster', resource: rdsArn(TARGET, 'cluster:orders-prod-restored-1'), context: owned('restore') },
  { role: recovery, label: 'read a secret', action: 'secretsmanager:GetSecretValue', resource: SECRET },
  { role: recovery, label: 'create a secret RDS does not manage', action: 'secretsmanager:CreateSecret', resource: `arn:aws:secretsmanager:${TARGET}:${ACCOUNT}:secret:prod/db-AbCdEf` },
  { role: recovery, label: 'decrypt with the target key outside Secrets Manager', action: 'kms:Decrypt', resource: TARGET_KEY },
  {
    role: recovery,
    label: 'decrypt with another key through Secrets Manager',
    action: 'kms:Decrypt',
    resource: `arn:aws:kms:${TARGET}:${ACCOUNT}:key/99999999-0000-1111-2222-333333333333`,
    context: viaSecretsManager,
  },
  {
    role: recovery,
    label: 'manage the password of a cluster of ours in another Region',
    action: 'rds:ModifyDBCluster',
    resource: rdsArn(SOURCE, 'cluster:orders-prod-restored-202612070500'),
    context: { ...owned('restore'), 'rds:ManageMasterUserPassword': 'true' },
  },
  { role: recovery, label: 'take a grant not for an AWS resource', action: 'kms:CreateGrant', resource: TARGET_KEY, context: { 'kms:GrantIsForAWSResource': 'false' } },
  { role: recovery, label: 'take a grant on another key', action: 'kms:CreateGrant', resource: `arn:aws:kms:${TARGET}:${ACCOUNT}:key/99999999-0000-1111-2222-333333333333`, context: { 'kms:GrantIsForAWSResource': 'true' } },
  { role: recovery, label: 'publish to another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/RDS' } },
  { role: recoveryAutomation, label: 'invoke another function', action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${TARGET}:${ACCOUNT}:function:orders-prod-admin` },
  { role: recoveryAutomation, label: 'restore a copy itself, past the function', action: 'rds:RestoreDBClusterFromSnapshot', resource: COPY, context: { ...requestTags(runTags('restore')), ...sourceStacksCopy } },
  { role: recoveryPreflight, label: 'the watchdog reads another stack', action: 'cloudformation:DescribeStacks', resource: OTHER_RECOVERY_STACK },
  ...triggerAttacks(RECOVERY_ID.drillTriggerRole, `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-recovery-RecoveryAutomationRole-1A2B3C`, TARGET),
];

// ---- the vault stack (its own account; the protected accounts share their DR copies with it) ---------------

const vaultAutomation = VAULT_ID.automationRole;
const vaultFunction = VAULT_ID.preflightRole;
const vaultTrigger = VAULT_ID.triggerRole;
const VAULT_AUTOMATION_ROLE = `arn:aws:iam::${VAULT_ACCOUNT}:role/aurora-dr-vault-VaultAutomationRole-1A2B3C`;
/** A DR copy a protected account shared with the vault, and the vault's copy of it (automation/vault/copy_shares.py). */
const SHARE = rdsArn(TARGET, `cluster-snapshot:${SNAPSHOT}`);
const VAULT_COPY = rdsArn(TARGET, `cluster-snapshot:${SNAPSHOT}-5e6f7a8b`, VAULT_ACCOUNT);
const LONG_VAULT_COPY = rdsArn(TARGET, `cluster-snapshot:${'a'.repeat(38)}-dr-202612070500-5e6f7a8b`, VAULT_ACCOUNT);
const vaultTags = requestTags({ [SNAPSHOT_TAG.stackId]: VAULT_STACK_ID, [SNAPSHOT_TAG.sourceSnapshot]: SHARE });
const vaultOwned = resourceTags({ [SNAPSHOT_TAG.stackId]: VAULT_STACK_ID });
const OTHER_VAULT_STACK = `arn:aws:cloudformation:${TARGET}:${VAULT_ACCOUNT}:stack/other-vault/cccccccc-1111-2222-3333-444455556666`;
const protectedKey = (account: string) => `arn:aws:kms:${TARGET}:${account}:key/22222222-3333-4444-5555-666666666666`;
const viaRds = { 'kms:ViaService': `rds.${TARGET}.amazonaws.com` };
const VAULT_LOG = `arn:aws:logs:${TARGET}:${VAULT_ACCOUNT}:log-group:/aws/lambda/aurora-dr-vault-function:log-stream:2026/12/07/[$LATEST]0123456789abcdef`;

export const VAULT_LEGITIMATE: RoleRequest[] = [
  { role: vaultAutomation, label: 'list the snapshots here and those shared', action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(TARGET, 'cluster-snapshot:*', VAULT_ACCOUNT) },
  { role: vaultAutomation, label: 'read a share of a protected cluster', action: 'rds:DescribeDBClusterSnapshots', resource: SHARE },
  { role: vaultAutomation, label: 'copy a share of a protected cluster', action: 'rds:CopyDBClusterSnapshot', resource: SHARE },
  {
    role: vaultAutomation,
    label: "copy a second account's share",
    action: 'rds:CopyDBClusterSnapshot',
    resource: rdsArn(TARGET, 'cluster-snapshot:billing-dr-202612070500-0a1b2c3d', SECOND_ACCOUNT),
  },
  ...[VAULT_COPY, LONG_VAULT_COPY].flatMap((copy): RoleRequest[] => [
    { role: vaultAutomation, label: `copy into ${copy.split(':').pop()}, tagged on create`, action: 'rds:CopyDBClusterSnapshot', resource: copy, context: vaultTags },
    { role: vaultAutomation, label: `tag ${copy.split(':').pop()} on create`, action: 'rds:AddTagsToResource', resource: copy, context: vaultTags },
  ]),
  { role: vaultAutomation, label: "prune the vault's own copy", action: 'rds:DeleteDBClusterSnapshot', resource: VAULT_COPY, context: vaultOwned },
  { role: vaultAutomation, label: 'RDS describes the vault key', action: 'kms:DescribeKey', resource: VAULT_KEY },
  { role: vaultAutomation, label: 'RDS takes a grant on the vault key', action: 'kms:CreateGrant', resource: VAULT_KEY, context: { 'kms:GrantIsForAWSResource': 'true' } },
  // Cross-account: the protected account's key policy admits the vault account (docs/vault.md), and the role names the key.
  { role: vaultAutomation, label: "RDS describes a protected account's key", action: 'kms:DescribeKey', resource: protectedKey(ACCOUNT), context: viaRds },
  { role: vaultAutomation, label: "RDS takes a grant on a protected account's key", action: 'kms:CreateGrant', resource: protectedKey(SECOND_ACCOUNT), context: viaRds },
  { role: vaultFunction, label: 'the preflight describes the vault key', action: 'kms:DescribeKey', resource: VAULT_KEY },
  { role: vaultFunction, label: 'the watchdog lists the snapshots here', action: 'rds:DescribeDBClusterSnapshots', resource: rdsArn(TARGET, 'cluster-snapshot:*', VAULT_ACCOUNT) },
  { role: vaultFunction, label: "the watchdog reads the stack's creation time", action: 'cloudformation:DescribeStacks', resource: VAULT_STACK_ID },
  { role: vaultFunction, label: 'the watchdog publishes the copy ages', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': VAULT_METRIC.namespace } },
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): RoleRequest => ({ role: vaultFunction, label: `the function writes its log (${action})`, action, resource: VAULT_LOG })),
  {
    role: vaultTrigger,
    label: 'the schedule starts the runbook',
    action: 'ssm:StartAutomationExecution',
    resource: `arn:aws:ssm:${TARGET}:${VAULT_ACCOUNT}:automation-definition/aurora-dr-vault-VaultRunbook-1A2B3C:$DEFAULT`,
  },
  { role: vaultTrigger, label: 'the schedule passes the automation role to SSM', action: 'iam:PassRole', resource: VAULT_AUTOMATION_ROLE, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
];

export const VAULT_ATTACKS: RoleRequest[] = [
  { role: vaultAutomation, label: "tag the vault account's own snapshot as the vault's, to prune it", action: 'rds:AddTagsToResource', resource: rdsArn(TARGET, 'cluster-snapshot:before-upgrade', VAULT_ACCOUNT), context: vaultTags },
  { role: vaultAutomation, label: "retag another vault stack's copy", action: 'rds:AddTagsToResource', resource: VAULT_COPY, context: { ...vaultTags, ...resourceTags({ [SNAPSHOT_TAG.stackId]: OTHER_VAULT_STACK }) } },
  { role: vaultAutomation, label: 'copy into a snapshot without this stack\'s tag', action: 'rds:CopyDBClusterSnapshot', resource: VAULT_COPY, context: requestTags({ team: 'x' }) },
  { role: vaultAutomation, label: 'copy into another Region', action: 'rds:CopyDBClusterSnapshot', resource: rdsArn(SOURCE, `cluster-snapshot:${SNAPSHOT}-5e6f7a8b`, VAULT_ACCOUNT), context: vaultTags },
  { role: vaultAutomation, label: "delete the vault account's own snapshot", action: 'rds:DeleteDBClusterSnapshot', resource: rdsArn(TARGET, 'cluster-snapshot:before-upgrade', VAULT_ACCOUNT) },
  { role: vaultAutomation, label: "delete another vault stack's copy", action: 'rds:DeleteDBClusterSnapshot', resource: VAULT_COPY, context: resourceTags({ [SNAPSHOT_TAG.stackId]: OTHER_VAULT_STACK }) },
  { role: vaultAutomation, label: 'delete a copy of ours in another Region', action: 'rds:DeleteDBClusterSnapshot', resource: rdsArn(SOURCE, `cluster-snapshot:${SNAPSHOT}-5e6f7a8b`, VAULT_ACCOUNT), context: vaultOwned },
  { role: vaultAutomation, label: "delete a protected account's DR copy", action: 'rds:DeleteDBClusterSnapshot', resource: SHARE, context: resourceTags({ [SNAPSHOT_TAG.stackId]: DR_STACK_ID }) },
  { role: vaultAutomation, label: "unshare a protected account's DR copy", action: 'rds:ModifyDBClusterSnapshotAttribute', resource: SHARE },
  { role: vaultAutomation, label: 'copy a share of a cluster not listed', action: 'rds:CopyDBClusterSnapshot', resource: rdsArn(TARGET, 'cluster-snapshot:payroll-dr-202612070500-0a1b2c3d') },
  { role: vaultAutomation, label: 'copy a share of an account not listed', action: 'rds:CopyDBClusterSnapshot', resource: rdsArn(TARGET, `cluster-snapshot:${SNAPSHOT}`, '555566667777') },
  { role: vaultAutomation, label: 'take a grant on the vault key not for an AWS resource', action: 'kms:CreateGrant', resource: VAULT_KEY, context: { 'kms:GrantIsForAWSResource': 'false' } },
  {
    role: vaultAutomation,
    label: 'take a grant on another key of the vault account',
    action: 'kms:CreateGrant',
    resource: `arn:aws:kms:${TARGET}:${VAULT_ACCOUNT}:key/99999999-0000-1111-2222-333333333333`,
    context: { 'kms:GrantIsForAWSResource': 'true' },
  },
  { role: vaultAutomation, label: "use a protected account's key outside RDS", action: 'kms:CreateGrant', resource: protectedKey(ACCOUNT) },
  { role: vaultAutomation, label: 'use the key of an account not listed', action: 'kms:CreateGrant', resource: protectedKey('555566667777'), context: viaRds },
  { role: vaultFunction, label: 'the watchdog reads another stack', action: 'cloudformation:DescribeStacks', resource: OTHER_VAULT_STACK },
  { role: vaultFunction, label: 'publish to another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/RDS' } },
  { role: vaultFunction, label: "delete a vault's copy", action: 'rds:DeleteDBClusterSnapshot', resource: VAULT_COPY, context: vaultOwned },
  { role: vaultTrigger, label: 'start another runbook', action: 'ssm:StartAutomationExecution', resource: `arn:aws:ssm:${TARGET}:${VAULT_ACCOUNT}:automation-definition/AWS-DeleteSnapshot:$DEFAULT` },
  { role: vaultTrigger, label: 'pass the automation role to Lambda', action: 'iam:PassRole', resource: VAULT_AUTOMATION_ROLE, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  { role: vaultTrigger, label: 'pass another role to SSM', action: 'iam:PassRole', resource: `arn:aws:iam::${VAULT_ACCOUNT}:role/Admin`, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
];
