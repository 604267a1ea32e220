/**
 * The recovery runbook, one document for both kinds of run:
 * - a restore (Kind=restore, the default): the newest available copy of the
 *   source stack (or a named one) into a new cluster and writer that belong to
 *   the user: deletion protection on, never deleted by this project;
 * - a drill (Kind=drill, on the drill schedule): the same restore into a
 *   throwaway cluster, verified, measured (RTO, RPO) and deleted.
 * It runs in this (the target) Region and needs nothing from the source
 * Region, which may be down on the day it matters. Every run ends in Verify
 * (after success, any failure, a timeout or a cancel): it verifies and
 * reports, deletes this run's drill cluster (a restore's is the user's) and
 * fails the run unless the cluster verified, so the alert rule hears it.
 *
 * The runbook keeps the order, the pauses and the alerts; each step's work is
 * done by the stack's own function (custom-resource/recovery/run/, TypeScript,
 * inlined in the template and readable in the Lambda console), called with
 * aws:invokeLambdaFunction. The rules it shares with the preflight, the
 * watchdog and the CLI ("which copies are ours", "the newest copy") so have one
 * implementation, and the template carries the work once, minified.
 */
import { CfnResource } from '../shared/cfn';
import { Runbook, RunbookStep, documentResource, out, runbookParameter, scriptStep, v } from '../shared/runbook';
import { RECOVERY_ID } from './logical-ids';
import { RECOVERY_DATA, RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';
import { KEEP_WAITING, RUN_STEP, RunEvent, RunStep } from '../../custom-resource/recovery/run/contract';
export { LEFT_OVER_AFTER_HOURS } from '../../custom-resource/recovery/run/restore';

export const RECOVERY_STEP = {
  restore: 'RestoreCopy',
  progress: 'CheckProgress',
  waiting: 'Waiting',
  pause: 'Pause',
  /** Every run ends here, whatever happened: it verifies, reports and tears a drill down. */
  verify: 'Verify',
  /** The verdict as the run's outputs, after a verified run. */
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

/** The runbook's outputs, as GetAutomationExecution reports them (Finish gives them after a success). */
export const RECOVERY_OUTPUT = {
  cluster: `${RECOVERY_STEP.finish}.ClusterId`,
  endpoint: `${RECOVERY_STEP.finish}.Endpoint`,
  snapshot: `${RECOVERY_STEP.finish}.SnapshotId`,
  restoreMinutes: `${RECOVERY_STEP.finish}.RestoreMinutes`,
  recoveryPointHours: `${RECOVERY_STEP.finish}.RecoveryPointHours`,
  message: `${RECOVERY_STEP.finish}.Message`,
} as const;

/** Between two looks at a restore in progress: the RTO is measured to this grain. */
const PAUSE = 'PT3M';
/** aws:invokeLambdaFunction runs at most 300 s; Verify may wait that long for a drill's writer to be deleted. */
const INVOKE_TIMEOUT_SECONDS = 300;

/** Substituted by Fn::Sub when the stack is created. */
const STACK = { id: '${AWS::StackId}', name: '${AWS::StackName}', region: '${AWS::Region}' };

export function buildRecoveryRunbook(): Runbook {
  const onFailure = `step:${RECOVERY_STEP.verify}`;
  const guarded = { onFailure, onCancel: onFailure };
  // Each step tells the function the run and what its step needs; the function finds the run's cluster by its tags.
  const run = { Kind: v(RECOVERY_DOC_PARAM.kind), ExecutionId: v('automation:EXECUTION_ID'), RecoveryStackId: STACK.id };
  const restore: Omit<RunEvent, 'RecoveryRunStep' | 'InstanceClass'> = {
    ...run,
    SourceClusterId: `\${${RECOVERY_PARAM.cluster}}`,
    SourceStackId: `\${${RECOVERY_PARAM.sourceStackId}}`,
    SnapshotIdentifier: v(RECOVERY_DOC_PARAM.snapshot),
    ClusterIdentifier: v(RECOVERY_DOC_PARAM.cluster),
    KmsKeyArn: `\${${RECOVERY_ID.preflight}.${RECOVERY_DATA.targetKeyArn}}`,
    SubnetGroup: v(RECOVERY_DOC_PARAM.subnetGroup),
    SecurityGroupIds: v(RECOVERY_DOC_PARAM.securityGroups),
  };
  const invoke = (name: string, description: string, step: RunStep, payload: Partial<RunEvent>, extra: Partial<RunbookStep>): RunbookStep => ({
    name,
    action: 'aws:invokeLambdaFunction',
    description,
    timeoutSeconds: INVOKE_TIMEOUT_SECONDS,
    ...extra,
    inputs: { FunctionName: `\${${RECOVERY_ID.preflightFunction}}`, InputPayload: { RecoveryRunStep: step, ...payload } },
  });
  const report = scriptStep(RECOVERY_STEP.finish, 'Outputs.', 'recovery/report_run.py', { Verdict: v(`${RECOVERY_STEP.verify}.Payload`) }, Object.values(RECOVERY_OUTPUT).map((name) => out(name.split('.')[1])), { isEnd: true });
  // String is an output's default type.
  report.outputs = report.outputs?.map(({ Type, ...output }) => (Type === 'String' ? output : { ...output, Type }));
  const steps: RunbookStep[] = [
    invoke(RECOVERY_STEP.restore, 'Drill: sweep left-overs. Restore the copy with the target key.', RUN_STEP.restore, restore, guarded),
    invoke(RECOVERY_STEP.progress, 'Add the writer once the cluster is available; fail on a state that will not end.', RUN_STEP.advance, { ...run, InstanceClass: v(RECOVERY_DOC_PARAM.instanceClass) }, guarded),
    {
      name: RECOVERY_STEP.waiting,
      action: 'aws:branch',
      description: 'Wait more?',
      ...guarded,
      inputs: {
        Choices: [{ NextStep: RECOVERY_STEP.pause, Variable: v(`${RECOVERY_STEP.progress}.Payload`), Contains: KEEP_WAITING }],
        Default: RECOVERY_STEP.verify,
      },
    },
    {
      name: RECOVERY_STEP.pause,
      action: 'aws:sleep',
      description: 'Then look again.',
      ...guarded,
      nextStep: RECOVERY_STEP.progress,
      inputs: { Duration: PAUSE },
    },
    invoke(RECOVERY_STEP.verify, 'Verify, report, delete a drill; fail unless verified.', RUN_STEP.finish, run, {}),
    report,
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
