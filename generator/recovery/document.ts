/**
 * The recovery runbook, one document for both kinds of run:
 * - a restore (Kind=restore, the default): the newest available copy of the
 *   source stack (or a named one) into a new cluster and writer that belong to
 *   the user: deletion protection on, never deleted by this project;
 * - a drill (Kind=drill, on the drill schedule): the same restore into a
 *   throwaway cluster, verified, measured (RTO, RPO) and deleted.
 * It runs in this (the target) Region and needs nothing from the source
 * Region, which may be down on the day it matters. Every run ends in Finish
 * (after success, any failure, a timeout or a cancel): it verifies and
 * reports, deletes this run's drill cluster (a restore's is the user's) and
 * fails the run unless the cluster verified, so the alert rule hears it.
 */
import { CfnResource } from '../shared/cfn';
import { Runbook, RunbookStep, documentResource, out, runbookParameter, scriptStep, v } from '../shared/runbook';
import { RECOVERY_ID } from './logical-ids';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import {
  RECOVERY_DATA,
  RECOVERY_METRIC,
  RECOVERY_PARAM,
  RESTORE_KIND,
  RESTORE_TAG,
} from '../../custom-resource/recovery/contract';

export const RECOVERY_STEP = {
  restore: 'RestoreCopy',
  waitCluster: 'WaitForCluster',
  addWriter: 'AddWriter',
  waitWriter: 'WaitForWriter',
  finish: 'Finish',
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

/** The runbook's outputs, as GetAutomationExecution reports them (Finish reports them after a success). */
export const RECOVERY_OUTPUT = {
  cluster: `${RECOVERY_STEP.finish}.ClusterId`,
  endpoint: `${RECOVERY_STEP.finish}.Endpoint`,
  snapshot: `${RECOVERY_STEP.finish}.SnapshotId`,
  restoreMinutes: `${RECOVERY_STEP.finish}.RestoreMinutes`,
  recoveryPointHours: `${RECOVERY_STEP.finish}.RecoveryPointHours`,
  message: `${RECOVERY_STEP.finish}.Message`,
} as const;

/** Restoring a large cluster takes a while; the writer starts after it. A drill that hangs this long has failed. */
const WAIT_CLUSTER_SECONDS = 4 * 3600;
const WAIT_WRITER_SECONDS = 2 * 3600;
/** A drill cluster of another run older than this belongs to a run that died (the waits, plus the scripts). */
export const LEFT_OVER_AFTER_HOURS = (WAIT_CLUSTER_SECONDS + WAIT_WRITER_SECONDS) / 3600 + 1;

/**
 * The scripts in automation/recovery/, inlined without their docstrings,
 * comment lines and blank lines, indented one space a level instead of four:
 * the template carries the code, the files carry the explanations, and the
 * template has a size limit. Only the indentation of a line that starts a
 * statement means anything to Python, and a script with a multi-line string
 * (where spaces would be data) is refused.
 */
export function compactScript(text: string): string {
  const body = text.replace(/^"""[\s\S]*?"""\n/, '');
  if (/"""|'''/.test(body)) throw new Error('a recovery script has a multi-line string; compactScript cannot re-indent it');
  return (
    body
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^\s*#/.test(line))
      .map((line) => {
        const spaces = line.length - line.trimStart().length;
        return ' '.repeat(Math.floor(spaces / 4) + (spaces % 4)) + line.trimStart();
      })
      .join('\n') + '\n'
  );
}

const recoveryScriptStep = (...[name, description, fileName, ...rest]: Parameters<typeof scriptStep>): RunbookStep => {
  const step = scriptStep(name, description, `recovery/${fileName}`, ...rest);
  step.inputs.Script = compactScript(step.inputs.Script as string);
  // String is an output's default type.
  step.outputs = step.outputs?.map(({ Type, ...output }) => (Type === 'String' ? output : { ...output, Type }));
  return step;
};

/** Substituted by Fn::Sub when the stack is created. */
const STACK = { id: '${AWS::StackId}', name: '${AWS::StackName}', region: '${AWS::Region}' };

export function buildRecoveryRunbook(): Runbook {
  const kind = v(RECOVERY_DOC_PARAM.kind);
  const onFailure = `step:${RECOVERY_STEP.finish}`;
  const guarded = { onFailure, onCancel: onFailure };
  const restored = (name: string): string => v(`${RECOVERY_STEP.restore}.${name}`);
  const run = {
    Region: STACK.region,
    Kind: kind,
    RecoveryStackId: STACK.id,
    ExecutionId: v('automation:EXECUTION_ID'),
    TagKeys: { ...RESTORE_TAG },
  };
  const steps: RunbookStep[] = [
    recoveryScriptStep(
      RECOVERY_STEP.restore,
      'Drill: sweep left-overs. Restore the copy with the target key.',
      'restore_copy.py',
      {
        ...run,
        LeftOverAfterHours: LEFT_OVER_AFTER_HOURS,
        SourceClusterId: `\${${RECOVERY_PARAM.cluster}}`,
        SourceStackId: `\${${RECOVERY_PARAM.sourceStackId}}`,
        OwnerTagKey: SNAPSHOT_TAG.stackId,
        SnapshotIdentifier: v(RECOVERY_DOC_PARAM.snapshot),
        ClusterIdentifier: v(RECOVERY_DOC_PARAM.cluster),
        KmsKeyArn: `\${${RECOVERY_ID.preflight}.${RECOVERY_DATA.targetKeyArn}}`,
        SubnetGroup: v(RECOVERY_DOC_PARAM.subnetGroup),
        SecurityGroupIds: v(RECOVERY_DOC_PARAM.securityGroups),
      },
      [out('ClusterId'), out('InstanceId'), out('SnapshotId'), out('Engine')],
      guarded,
    ),
    {
      name: RECOVERY_STEP.waitCluster,
      action: 'aws:waitForAwsResourceProperty',
      description: 'Cluster available?',
      timeoutSeconds: WAIT_CLUSTER_SECONDS,
      ...guarded,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBClusters',
        DBClusterIdentifier: restored('ClusterId'),
        PropertySelector: '$.DBClusters[0].Status',
        DesiredValues: ['available'],
      },
    },
    {
      // RDS takes a cluster's instances only once the cluster is available.
      name: RECOVERY_STEP.addWriter,
      action: 'aws:executeAwsApi',
      description: 'Add the writer.',
      ...guarded,
      inputs: {
        Service: 'rds',
        Api: 'CreateDBInstance',
        DBInstanceIdentifier: restored('InstanceId'),
        DBClusterIdentifier: restored('ClusterId'),
        Engine: restored('Engine'),
        DBInstanceClass: v(RECOVERY_DOC_PARAM.instanceClass),
        Tags: [
          { Key: RESTORE_TAG.stackId, Value: STACK.id },
          { Key: RESTORE_TAG.kind, Value: kind },
          { Key: RESTORE_TAG.snapshot, Value: restored('SnapshotId') },
          { Key: RESTORE_TAG.execution, Value: v('automation:EXECUTION_ID') },
        ],
      },
    },
    {
      name: RECOVERY_STEP.waitWriter,
      action: 'aws:waitForAwsResourceProperty',
      description: 'Writer available?',
      timeoutSeconds: WAIT_WRITER_SECONDS,
      ...guarded,
      inputs: {
        Service: 'rds',
        Api: 'DescribeDBInstances',
        DBInstanceIdentifier: restored('InstanceId'),
        PropertySelector: '$.DBInstances[0].DBInstanceStatus',
        DesiredValues: ['available'],
      },
    },
    recoveryScriptStep(
      RECOVERY_STEP.finish,
      'Verify, report, delete a drill; fail unless verified.',
      'finish_run.py',
      {
        ...run,
        RecoveryStackName: STACK.name,
        BudgetMinutes: (WAIT_CLUSTER_SECONDS + WAIT_WRITER_SECONDS) / 60,
        LeftOverAfterHours: LEFT_OVER_AFTER_HOURS,
        Metric: {
          namespace: RECOVERY_METRIC.namespace,
          dimension: RECOVERY_METRIC.dimension,
          drillRestoreMinutes: RECOVERY_METRIC.drillRestoreMinutes,
          drillRecoveryPointHours: RECOVERY_METRIC.drillRecoveryPointHours,
          drillSucceeded: RECOVERY_METRIC.drillSucceeded,
        },
      },
      Object.values(RECOVERY_OUTPUT).map((name) => out(name.split('.')[1])),
      { isEnd: true },
    ),
  ];
  return {
    schemaVersion: '0.3',
    description: `Aurora snapshot DR restore and drill. Managed by stack ${STACK.id}.`,
    assumeRole: v(RECOVERY_DOC_PARAM.role),
    parameters: {
      [RECOVERY_DOC_PARAM.role]: runbookParameter('Role the run assumes.', `\${${RECOVERY_ID.automationRole}.Arn}`),
      [RECOVERY_DOC_PARAM.kind]: runbookParameter('restore: kept. drill: verified, measured, deleted.', RESTORE_KIND.restore, [RESTORE_KIND.restore, RESTORE_KIND.drill]),
      [RECOVERY_DOC_PARAM.snapshot]: runbookParameter('Copy to restore; empty: the newest.', ''),
      [RECOVERY_DOC_PARAM.cluster]: runbookParameter('New cluster; empty: derived from the source.', ''),
      [RECOVERY_DOC_PARAM.instanceClass]: runbookParameter("Writer's instance class.", `\${${RECOVERY_PARAM.drillInstanceClass}}`),
      [RECOVERY_DOC_PARAM.subnetGroup]: runbookParameter('DB subnet group.', `\${${RECOVERY_PARAM.subnetGroup}}`),
      [RECOVERY_DOC_PARAM.securityGroups]: runbookParameter('Security group ids.', `\${${RECOVERY_PARAM.securityGroups}}`),
    },
    outputs: Object.values(RECOVERY_OUTPUT),
    mainSteps: steps,
  };
}

/**
 * The runbook resource, as the source stack's (UpdateMethod NewVersion: a
 * changed runbook becomes a new default version under the same name, which the
 * drill schedule, the RestoreCommand output and the CLI use).
 */
export const recoveryDocumentResource = (): CfnResource => documentResource(buildRecoveryRunbook());
