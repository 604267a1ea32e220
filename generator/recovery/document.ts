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
import { Runbook, RunbookStep, documentResource, runbookParameter, v } from '../shared/runbook';
import { RECOVERY_ID } from './logical-ids';
import { RECOVERY_DATA, RECOVERY_PARAM, RESTORE_KIND } from '../../custom-resource/recovery/contract';
import { KEEP_WAITING, READERS, RUN_STEP, RunEvent, RunStep } from '../../custom-resource/recovery/run/contract';

export const RECOVERY_STEP = {
  /** Restores at its first look, then adds the secret, the writer and the readers; asked again after each pause. */
  restore: 'RestoreCopy',
  waiting: 'Waiting',
  pause: 'Pause',
  /** Every run ends here, whatever happened: it verifies, reports and tears a drill down. */
  verify: 'Verify',
} as const;

/** Runbook parameters; all but Kind default to the stack's values, so a run needs no input. */
export const RECOVERY_DOC_PARAM = {
  kind: 'Kind',
  snapshot: 'SnapshotIdentifier',
  cluster: 'ClusterIdentifier',
  instanceClass: 'InstanceClass',
  readers: 'Readers',
} as const;

/**
 * The run's one output, as GetAutomationExecution reports it after a verified run: Verify's Payload, the verdict
 * as JSON with named fields (custom-resource/recovery/run/contract.ts RunReport), which the console shows as it is.
 */
export const RECOVERY_OUTPUT = `${RECOVERY_STEP.verify}.Payload`;

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
  const restore: Omit<RunEvent, 'RecoveryRunStep'> = {
    ...run,
    SourceClusterId: `\${${RECOVERY_PARAM.cluster}}`,
    SourceStackId: `\${${RECOVERY_PARAM.sourceStackId}}`,
    SnapshotIdentifier: v(RECOVERY_DOC_PARAM.snapshot),
    ClusterIdentifier: v(RECOVERY_DOC_PARAM.cluster),
    KmsKeyArn: `\${${RECOVERY_ID.preflight}.${RECOVERY_DATA.targetKeyArn}}`,
    SubnetGroup: `\${${RECOVERY_PARAM.subnetGroup}}`,
    SecurityGroupIds: `\${${RECOVERY_PARAM.securityGroups}}`,
    InstanceClass: v(RECOVERY_DOC_PARAM.instanceClass),
    DrillInstanceClass: `\${${RECOVERY_PARAM.drillInstanceClass}}`,
    Readers: v(RECOVERY_DOC_PARAM.readers),
  };
  const invoke = (name: string, description: string, step: RunStep, payload: Partial<RunEvent>, extra: Partial<RunbookStep>): RunbookStep => ({
    name,
    action: 'aws:invokeLambdaFunction',
    description,
    timeoutSeconds: INVOKE_TIMEOUT_SECONDS,
    ...extra,
    inputs: { FunctionName: `\${${RECOVERY_ID.preflightFunction}}`, InputPayload: { RecoveryRunStep: step, ...payload } },
  });
  const steps: RunbookStep[] = [
    // One step for the restore and the looks after it: a second step would repeat the call and the run's fields.
    invoke(RECOVERY_STEP.restore, 'Restore the copy as the source was configured; add the secret, the writer, the readers.', RUN_STEP.advance, restore, guarded),
    {
      name: RECOVERY_STEP.waiting,
      action: 'aws:branch',
      ...guarded,
      inputs: {
        Choices: [{ NextStep: RECOVERY_STEP.pause, Variable: v(`${RECOVERY_STEP.restore}.Payload`), Contains: KEEP_WAITING }],
        Default: RECOVERY_STEP.verify,
      },
    },
    {
      name: RECOVERY_STEP.pause,
      action: 'aws:sleep',
      ...guarded,
      nextStep: RECOVERY_STEP.restore,
      inputs: { Duration: PAUSE },
    },
    invoke(RECOVERY_STEP.verify, 'Verify, report, delete a drill.', RUN_STEP.finish, {
      ...run,
      ValidationFunction: `\${${RECOVERY_PARAM.drillValidation}}`,
    }, { isEnd: true }),
  ];
  return {
    schemaVersion: '0.3',
    description: `Aurora snapshot DR restore and drill. Managed by stack ${STACK.id}.`,
    // The stack's role, always: whoever starts a run may pass it (iam:PassRole), and the restore needs nothing else.
    assumeRole: `\${${RECOVERY_ID.automationRole}.Arn}`,
    parameters: {
      [RECOVERY_DOC_PARAM.kind]: runbookParameter('restore: kept. drill: verified, measured, deleted.', RESTORE_KIND.restore, [RESTORE_KIND.restore, RESTORE_KIND.drill]),
      [RECOVERY_DOC_PARAM.snapshot]: runbookParameter('Copy to restore; empty: the newest.', ''),
      [RECOVERY_DOC_PARAM.cluster]: runbookParameter('New cluster; empty: derived from the source.', ''),
      [RECOVERY_DOC_PARAM.instanceClass]: runbookParameter("Writer's class; empty: the source's (drill: the stack's).", ''),
      [RECOVERY_DOC_PARAM.readers]: runbookParameter("A restore's readers: the source's, or none.", READERS.none, [READERS.none, READERS.source]),
    },
    outputs: [RECOVERY_OUTPUT],
    mainSteps: steps,
  };
}

/**
 * The runbook resource, as the source stack's (UpdateMethod NewVersion: a
 * changed runbook becomes a new default version under the same name, which the
 * drill schedule, the RecoveryRunbookName output and the CLI use).
 */
export const recoveryDocumentResource = (): CfnResource => documentResource(buildRecoveryRunbook());
