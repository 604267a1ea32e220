/**
 * The DR stack's SSM Automation runbook: snapshot the cluster, wait, copy the
 * snapshot to the target Region re-encrypted with the target key, wait for the
 * copy, prune this stack's expired snapshots. Steps that act in the target
 * Region are Python scripts (automation/dr/*.py), because
 * aws:waitForAwsResourceProperty and aws:executeAwsApi only reach the
 * automation's own Region.
 */
import { CfnResource } from '../shared/cfn';
import { Runbook, minifiedScriptStep, documentResource, out, runbookParameter, v } from '../shared/runbook';
import { PARAM } from './parameters';
import { PREFLIGHT_DATA, SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import { LOGICAL_ID } from './logical-ids';
import { CAPTURED_CONFIG_PATH, CAPTURED_CONFIG_VERSION, COPY_TAG } from '../../custom-resource/shared/captured-config';

export const STEP = {
  createSnapshot: 'CreateSourceSnapshot',
  waitForSnapshot: 'WaitForSourceSnapshot',
  copy: 'CopyToTargetRegion',
  copyStarted: 'CopyStarted',
  waitForCopySlot: 'WaitForCopySlot',
  checkCopy: 'CheckCopy',
  copyAvailable: 'CopyAvailable',
  waitBeforeNextCheck: 'WaitBeforeNextCopyCheck',
  prune: 'PruneExpiredSnapshots',
} as const;

/** Runbook parameters: each defaults to the stack's value, so a scheduled or manual run needs no input. */
export const DOC_PARAM = {
  role: 'AutomationAssumeRole',
  cluster: 'DBClusterIdentifier',
  sourceRegion: 'SourceRegion',
  targetRegion: 'TargetRegion',
  targetKey: 'TargetKmsKeyArn',
  sourceRetention: 'SourceRetentionDays',
  targetRetention: 'TargetRetentionDays',
  copyTimeout: 'CopyTimeoutHours',
} as const;

/** Stack-wide constants the scripts need; the stack ARN marks ownership. Substituted by Fn::Sub. */
const STACK_ID = '${AWS::StackId}';

/**
 * The scripts in automation/dr/, minified (generator/shared/runbook.ts minifyScript):
 * the template carries the code, the files carry the explanations.
 */
const drScriptStep = (...[name, description, fileName, ...rest]: Parameters<typeof minifiedScriptStep>) =>
  minifiedScriptStep(name, description, `dr/${fileName}`, ...rest);

export function buildRunbook(): Runbook {
  // Each script is given the tag keys it writes or reads, and no others: each costs template bytes.
  const { stackId, cluster, execution, sourceSnapshot } = SNAPSHOT_TAG;
  return {
    schemaVersion: '0.3',
    description: `Aurora cross-Region snapshot DR, managed by the CloudFormation stack ${STACK_ID}: change it there.`,
    assumeRole: v(DOC_PARAM.role),
    parameters: {
      [DOC_PARAM.role]: runbookParameter('Role the run assumes.', `\${${LOGICAL_ID.automationRole}.Arn}`),
      [DOC_PARAM.cluster]: runbookParameter('Aurora cluster.', `\${${PARAM.cluster}}`),
      [DOC_PARAM.sourceRegion]: runbookParameter('Region of the cluster.', `\${${PARAM.sourceRegion}}`),
      [DOC_PARAM.targetRegion]: runbookParameter('Region of the copy.', `\${${PARAM.targetRegion}}`),
      [DOC_PARAM.targetKey]: runbookParameter('KMS key ARN for the copy.', `\${${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.targetKeyArn}}`),
      [DOC_PARAM.sourceRetention]: runbookParameter('Retention in days, source Region.', `\${${PARAM.sourceRetention}}`),
      [DOC_PARAM.targetRetention]: runbookParameter('Retention in days, target Region.', `\${${PARAM.targetRetention}}`),
      [DOC_PARAM.copyTimeout]: runbookParameter('Hours to wait for the copy.', `\${${PARAM.copyTimeout}}`),
    },
    outputs: [
      `${STEP.createSnapshot}.SnapshotArn`,
      `${STEP.copy}.TargetSnapshotArn`,
      `${STEP.prune}.DeletedSnapshots`,
    ],
    mainSteps: [
      drScriptStep(
        STEP.createSnapshot,
        'Snapshot the cluster; record in the target Region what a snapshot does not keep.',
        'create_snapshot.py',
        {
          ClusterId: v(DOC_PARAM.cluster),
          Region: v(DOC_PARAM.sourceRegion),
          TargetRegion: v(DOC_PARAM.targetRegion),
          ExecutionId: v('automation:EXECUTION_ID'),
          StackId: STACK_ID,
          TagKeys: { stackId, cluster, execution },
          ConfigPath: CAPTURED_CONFIG_PATH,
          ConfigVersion: CAPTURED_CONFIG_VERSION,
        },
        [out('SnapshotId'), out('SnapshotArn')],
        // No step-level retry: the name carries the minute, so a retry a minute later would make a
        // second snapshot. Throttled calls are retried inside the script.
      ),
      {
        name: STEP.waitForSnapshot,
        action: 'aws:waitForAwsResourceProperty',
        // Also "failed": the copy step then fails the run at once, naming the snapshot, instead of this one waiting 2 h.
        description: 'Wait until the snapshot is available or failed.',
        timeoutSeconds: 7200,
        inputs: {
          Service: 'rds',
          Api: 'DescribeDBClusterSnapshots',
          DBClusterSnapshotIdentifier: v(`${STEP.createSnapshot}.SnapshotId`),
          PropertySelector: '$.DBClusterSnapshots[0].Status',
          DesiredValues: ['available', 'failed'],
        },
      },
      drScriptStep(
        STEP.copy,
        'Start the copy with the target key (Started=false while 5 copies are in progress).',
        'copy_snapshot.py',
        {
          SourceSnapshotArn: v(`${STEP.createSnapshot}.SnapshotArn`),
          SourceRegion: v(DOC_PARAM.sourceRegion),
          TargetRegion: v(DOC_PARAM.targetRegion),
          TargetKmsKeyArn: v(DOC_PARAM.targetKey),
          ClusterId: v(DOC_PARAM.cluster),
          ExecutionId: v('automation:EXECUTION_ID'),
          CopyTimeoutHours: v(DOC_PARAM.copyTimeout),
          StackId: STACK_ID,
          TagKeys: { ...SNAPSHOT_TAG, ...COPY_TAG },
        },
        [
          out('Started', 'Boolean'),
          out('TargetSnapshotId'),
          out('TargetSnapshotArn'),
          out('StartedAt'),
          out('Message'),
        ],
        { maxAttempts: 2 },
      ),
      {
        name: STEP.copyStarted,
        action: 'aws:branch',
        description: 'Copy started, or wait for a slot.',
        inputs: {
          Choices: [{ NextStep: STEP.checkCopy, Variable: v(`${STEP.copy}.Started`), BooleanEquals: true }],
          Default: STEP.waitForCopySlot,
        },
      },
      {
        name: STEP.waitForCopySlot,
        action: 'aws:sleep',
        description: 'Wait for a copy slot.',
        nextStep: STEP.copy,
        inputs: { Duration: 'PT10M' },
      },
      drScriptStep(
        STEP.checkCopy,
        'Poll the copy; fail if it failed or timed out. Share it with VaultAccountId.',
        'check_copy.py',
        {
          TargetRegion: v(DOC_PARAM.targetRegion),
          TargetSnapshotId: v(`${STEP.copy}.TargetSnapshotId`),
          StartedAt: v(`${STEP.copy}.StartedAt`),
          CopyTimeoutHours: v(DOC_PARAM.copyTimeout),
          VaultAccountId: `\${${PARAM.vaultAccount}}`,
        },
        [out('Available', 'Boolean'), out('Status')],
        { maxAttempts: 2 },
      ),
      {
        name: STEP.copyAvailable,
        action: 'aws:branch',
        description: 'Copy available, or check again later.',
        inputs: {
          Choices: [{ NextStep: STEP.prune, Variable: v(`${STEP.checkCopy}.Available`), BooleanEquals: true }],
          Default: STEP.waitBeforeNextCheck,
        },
      },
      {
        name: STEP.waitBeforeNextCheck,
        action: 'aws:sleep',
        description: 'Aurora copies are full copies: wait.',
        nextStep: STEP.checkCopy,
        inputs: { Duration: 'PT5M' },
      },
      drScriptStep(
        STEP.prune,
        "Delete this stack's expired snapshots and their configurations.",
        'prune_snapshots.py',
        {
          SourceRegion: v(DOC_PARAM.sourceRegion),
          TargetRegion: v(DOC_PARAM.targetRegion),
          SourceRetentionDays: v(DOC_PARAM.sourceRetention),
          TargetRetentionDays: v(DOC_PARAM.targetRetention),
          StackId: STACK_ID,
          TagKeys: { stackId, sourceSnapshot },
          ConfigPath: CAPTURED_CONFIG_PATH,
        },
        [out('DeletedSnapshots', 'StringList'), out('Message')],
        { isEnd: true },
      ),
    ],
  };
}

export const drDocumentResource = (): CfnResource => documentResource(buildRunbook());
