/**
 * The recovery runbook, one document for both kinds of run:
 * - a restore (Kind=restore, the default): the newest available copy of the
 *   source stack (or a named one) into a new cluster and writer that belong to
 *   the user: deletion protection on, never deleted by this project;
 * - a drill (Kind=drill, on the drill schedule): the same restore into a
 *   throwaway cluster, verified, measured (RTO, RPO) and deleted.
 * It runs in this (the target) Region and needs nothing from the source
 * Region, which may be down on the day it matters. Every run ends in TearDown
 * (after success, any failure, a timeout or a cancel): it deletes this run's
 * drill cluster (a restore's is the user's) and fails the run unless the
 * cluster verified, so the alert rule hears it.
 */
import { CfnResource } from '../cfn';
import { Runbook, RunbookStep, out, runbookContent, scriptStep, v } from '../document';
import { RECOVERY_ID } from './logical-ids';
import { SNAPSHOT_TAG } from '../../custom-resource/contract';
import {
  RECOVERY_DATA,
  RECOVERY_METRIC,
  RECOVERY_PARAM,
  RESTORE_KIND,
  RESTORE_TAG,
} from '../../custom-resource/recovery-contract';

export const RECOVERY_STEP = {
  sweep: 'SweepLeftoverDrills',
  choose: 'ChooseSnapshot',
  restore: 'RestoreCluster',
  waitCluster: 'WaitForCluster',
  waitWriter: 'WaitForWriter',
  verify: 'VerifyRestore',
  teardown: 'TearDown',
} as const;

/** Runbook parameters; all but Kind default to the stack's values, so a run needs no input. */
export const RECOVERY_DOC_PARAM = {
  role: 'AutomationAssumeRole',
  kind: 'Kind',
  snapshot: 'SnapshotIdentifier',
  cluster: 'ClusterIdentifier',
  instanceClass: 'InstanceClass',
  subnetGroup: 'DBSubnetGroupName',
  securityGroups: 'VpcSecurityGroupIds',
} as const;

/** The runbook's outputs, as GetAutomationExecution reports them. */
export const RECOVERY_OUTPUT = {
  snapshot: `${RECOVERY_STEP.choose}.SnapshotId`,
  cluster: `${RECOVERY_STEP.choose}.ClusterId`,
  endpoint: `${RECOVERY_STEP.verify}.Endpoint`,
  restoreMinutes: `${RECOVERY_STEP.verify}.RestoreMinutes`,
  recoveryPointHours: `${RECOVERY_STEP.verify}.RecoveryPointHours`,
  message: `${RECOVERY_STEP.verify}.Message`,
} as const;

/** Restoring a large cluster takes a while; the writer starts after it. A drill that hangs this long has failed. */
const WAIT_CLUSTER_SECONDS = 4 * 3600;
const WAIT_WRITER_SECONDS = 2 * 3600;

/**
 * The scripts in automation/recovery/, inlined without their docstrings and
 * comment lines: the template carries the code, the files carry the
 * explanations, and the template has a size limit.
 */
export function compactScript(text: string): string {
  const lines = text.replace(/^"""[\s\S]*?"""\n/, '').split('\n');
  return lines.filter((line) => line.trim() !== '' && !/^\s*#/.test(line)).join('\n') + '\n';
}

const recoveryScriptStep = (...[name, description, fileName, ...rest]: Parameters<typeof scriptStep>): RunbookStep => {
  const step = scriptStep(name, description, `recovery/${fileName}`, ...rest);
  step.inputs.Script = compactScript(step.inputs.Script as string);
  return step;
};

/** Substituted by Fn::Sub when the stack is created. */
const STACK = { id: '${AWS::StackId}', name: '${AWS::StackName}', region: '${AWS::Region}' };
const choose = (name: string): string => v(`${RECOVERY_STEP.choose}.${name}`);

export function buildRecoveryRunbook(): Runbook {
  const kind = v(RECOVERY_DOC_PARAM.kind);
  const onFailure = `step:${RECOVERY_STEP.teardown}`;
  const guarded = { onFailure, onCancel: onFailure };
  const restoreTags = { ...RESTORE_TAG };
  const teardown = (scope: 'own' | 'others') => ({
    Region: STACK.region,
    Kind: kind,
    Scope: scope,
    RecoveryStackId: STACK.id,
    RecoveryStackName: STACK.name,
    ExecutionId: v('automation:EXECUTION_ID'),
    TagKeys: restoreTags,
    Metric: { ...RECOVERY_METRIC },
  });
  const steps: RunbookStep[] = [
    recoveryScriptStep(
      RECOVERY_STEP.sweep,
      'Drill: delete drill clusters of this stack left by runs that died.',
      'teardown_drills.py',
      teardown('others'),
      [out('Message')],
      guarded,
    ),
    recoveryScriptStep(
      RECOVERY_STEP.choose,
      "Pick the copy (default: the source stack's newest available) and name the new cluster.",
      'choose_snapshot.py',
      {
        Region: STACK.region,
        Kind: kind,
        SourceClusterId: `\${${RECOVERY_PARAM.cluster}}`,
        SourceStackId: `\${${RECOVERY_PARAM.sourceStackId}}`,
        OwnerTagKey: SNAPSHOT_TAG.stackId,
        SnapshotIdentifier: v(RECOVERY_DOC_PARAM.snapshot),
        ClusterIdentifier: v(RECOVERY_DOC_PARAM.cluster),
        ExecutionId: v('automation:EXECUTION_ID'),
      },
      [
        out('SnapshotId'),
        out('SnapshotArn'),
        out('SnapshotTime'),
        out('Engine'),
        out('EngineVersion'),
        out('ClusterId'),
        out('InstanceId'),
      ],
      guarded,
    ),
    recoveryScriptStep(
      RECOVERY_STEP.restore,
      'Restore the copy with the target key into the stack network; add the writer.',
      'restore_cluster.py',
      {
        Region: STACK.region,
        Kind: kind,
        ClusterId: choose('ClusterId'),
        InstanceId: choose('InstanceId'),
        SnapshotId: choose('SnapshotId'),
        SnapshotArn: choose('SnapshotArn'),
        Engine: choose('Engine'),
        EngineVersion: choose('EngineVersion'),
        KmsKeyArn: `\${${RECOVERY_ID.preflight}.${RECOVERY_DATA.targetKeyArn}}`,
        SubnetGroup: v(RECOVERY_DOC_PARAM.subnetGroup),
        SecurityGroupIds: v(RECOVERY_DOC_PARAM.securityGroups),
        InstanceClass: v(RECOVERY_DOC_PARAM.instanceClass),
        RecoveryStackId: STACK.id,
        ExecutionId: v('automation:EXECUTION_ID'),
        TagKeys: restoreTags,
      },
      [out('StartedAt'), out('Message')],
      guarded,
    ),
    {
      name: RECOVERY_STEP.waitCluster,
      action: 'aws:waitForAwsResourceProperty',
      description: 'Wait for the cluster.',
      timeoutSeconds: WAIT_CLUSTER_SECONDS,
      ...guarded,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBClusters',
        DBClusterIdentifier: choose('ClusterId'),
        PropertySelector: '$.DBClusters[0].Status',
        DesiredValues: ['available'],
      },
    },
    {
      name: RECOVERY_STEP.waitWriter,
      action: 'aws:waitForAwsResourceProperty',
      description: 'Wait for the writer.',
      timeoutSeconds: WAIT_WRITER_SECONDS,
      ...guarded,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBInstances',
        DBInstanceIdentifier: choose('InstanceId'),
        PropertySelector: '$.DBInstances[0].DBInstanceStatus',
        DesiredValues: ['available'],
      },
    },
    recoveryScriptStep(
      RECOVERY_STEP.verify,
      'Verify cluster and writer; report endpoint, RTO and RPO (a drill publishes them).',
      'verify_restore.py',
      {
        Region: STACK.region,
        Kind: kind,
        ClusterId: choose('ClusterId'),
        InstanceId: choose('InstanceId'),
        SnapshotId: choose('SnapshotId'),
        SnapshotTime: choose('SnapshotTime'),
        Engine: choose('Engine'),
        EngineVersion: choose('EngineVersion'),
        StartedAt: v(`${RECOVERY_STEP.restore}.StartedAt`),
        RecoveryStackId: STACK.id,
        RecoveryStackName: STACK.name,
        TagKeys: restoreTags,
        Metric: { ...RECOVERY_METRIC },
      },
      [out('Endpoint'), out('RestoreMinutes'), out('RecoveryPointHours'), out('Message')],
      { ...guarded, nextStep: RECOVERY_STEP.teardown },
    ),
    recoveryScriptStep(
      RECOVERY_STEP.teardown,
      "Every run ends here: delete this run's drill cluster (a restore's is kept), then fail the run unless it verified.",
      'teardown_drills.py',
      teardown('own'),
      [out('Message')],
      { isEnd: true },
    ),
  ];
  return {
    schemaVersion: '0.3',
    description: `Aurora snapshot DR restore and drill, managed by the CloudFormation stack ${STACK.id}: change it there.`,
    assumeRole: v(RECOVERY_DOC_PARAM.role),
    parameters: {
      [RECOVERY_DOC_PARAM.role]: {
        type: 'String',
        description: 'Role the run assumes.',
        default: `\${${RECOVERY_ID.automationRole}.Arn}`,
      },
      [RECOVERY_DOC_PARAM.kind]: {
        type: 'String',
        description: 'restore: a cluster you keep. drill: a restore that is verified, measured and deleted.',
        default: RESTORE_KIND.restore,
        allowedValues: [RESTORE_KIND.restore, RESTORE_KIND.drill],
      },
      [RECOVERY_DOC_PARAM.snapshot]: {
        type: 'String',
        description: 'Copy to restore (id or ARN); empty: the newest available.',
        default: '',
      },
      [RECOVERY_DOC_PARAM.cluster]: {
        type: 'String',
        description: "New cluster's identifier; empty: derived from the source cluster's.",
        default: '',
      },
      [RECOVERY_DOC_PARAM.instanceClass]: {
        type: 'String',
        description: "Writer's instance class.",
        default: `\${${RECOVERY_PARAM.drillInstanceClass}}`,
      },
      [RECOVERY_DOC_PARAM.subnetGroup]: {
        type: 'String',
        description: 'DB subnet group.',
        default: `\${${RECOVERY_PARAM.subnetGroup}}`,
      },
      [RECOVERY_DOC_PARAM.securityGroups]: {
        type: 'String',
        description: 'Security group ids, comma-separated.',
        default: `\${${RECOVERY_PARAM.securityGroups}}`,
      },
    },
    outputs: Object.values(RECOVERY_OUTPUT),
    mainSteps: steps,
  };
}

export function recoveryDocumentResource(): CfnResource {
  return {
    Type: 'AWS::SSM::Document',
    Properties: {
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      Content: runbookContent(buildRecoveryRunbook()),
    },
  };
}
