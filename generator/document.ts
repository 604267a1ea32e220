/**
 * The SSM Automation runbook: snapshot the cluster, wait, copy the snapshot to
 * the target Region re-encrypted with the target key, wait for the copy, prune
 * this stack's expired snapshots. Steps that act in the target Region are
 * Python scripts (automation/*.py), because aws:waitForAwsResourceProperty and
 * aws:executeAwsApi only reach the automation's own Region.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CfnResource, CfnValue, sub } from './cfn';
import { PARAM } from './parameters';
import { PREFLIGHT_DATA, SNAPSHOT_TAG } from '../custom-resource/contract';
import { LOGICAL_ID } from './logical-ids';
import { YAML_OPTIONS } from './serialize';

export const SCRIPT_DIR = path.join(__dirname, '..', 'automation');

/** Python runtime of every aws:executeScript step; 3.6-3.9 runbooks no longer run. */
export const SCRIPT_RUNTIME = 'python3.11';
/** aws:executeScript runs at most 600 s per attempt. */
const SCRIPT_TIMEOUT_SECONDS = 600;

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

export interface RunbookParameter {
  type: 'String';
  description: string;
  default: string;
  allowedValues?: string[];
}

/** A runbook parameter: a String whose default is a stack value (Fn::Sub turns `${Name}` into it) or a literal. */
export const runbookParameter = (description: string, defaultValue: string, allowedValues?: string[]): RunbookParameter => ({
  type: 'String',
  description,
  default: defaultValue,
  ...(allowedValues ? { allowedValues } : {}),
});

export interface RunbookOutput {
  Name: string;
  Selector: string;
  /** Automation's default is String. */
  Type?: 'String' | 'Boolean' | 'Integer' | 'StringList';
}

export interface RunbookStep {
  name: string;
  action: string;
  description: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
  onFailure?: string;
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean;
  inputs: { [key: string]: unknown };
  outputs?: RunbookOutput[];
}

export interface Runbook {
  schemaVersion: '0.3';
  description: string;
  assumeRole: string;
  parameters: { [name: string]: RunbookParameter };
  outputs: string[];
  mainSteps: RunbookStep[];
}

export const v = (name: string): string => `{{ ${name} }}`;

const MODULE_DOCSTRING = /^"""[\s\S]*?"""[ \t]*\n/;

/**
 * The script as the runbook carries it: the file less its module docstring,
 * its full-line comments and its blank lines, which Python does not need and
 * which cost about 1 KB of the template's size limit. Trailing comments and
 * string contents stay: telling them apart takes a Python tokenizer. A file
 * with any other triple-quoted string is refused, since a line that looks
 * like a comment or is blank inside one is part of the string.
 */
export function inlineScript(fileName: string, source: string): string {
  const body = source.replace(MODULE_DOCSTRING, '');
  if (body.includes('"""') || body.includes("'''")) {
    throw new Error(`automation/${fileName} has a triple-quoted string besides its module docstring: inlining would change it`);
  }
  const kept = body.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return `${kept.join('\n')}\n`;
}

export function readScript(fileName: string): string {
  const script = fs.readFileSync(path.join(SCRIPT_DIR, fileName), 'utf8');
  // The runbook is passed through Fn::Sub, where "${" starts a reference.
  if (script.includes('${')) {
    throw new Error(`automation/${fileName} contains "\${", which Fn::Sub would treat as a reference`);
  }
  return inlineScript(fileName, script);
}

export const scriptStep = (
  name: string,
  description: string,
  fileName: string,
  payload: { [key: string]: unknown },
  outputs: RunbookOutput[],
  extra: Partial<RunbookStep> = {},
): RunbookStep => ({
  name,
  action: 'aws:executeScript',
  description,
  timeoutSeconds: SCRIPT_TIMEOUT_SECONDS,
  ...extra,
  inputs: { Runtime: SCRIPT_RUNTIME, Handler: 'handler', InputPayload: payload, Script: readScript(fileName) },
  outputs,
});

export const out = (name: string, type: RunbookOutput['Type'] = 'String'): RunbookOutput => ({
  Name: name,
  Selector: `$.Payload.${name}`,
  Type: type,
});

/** Stack-wide constants the scripts need; the stack ARN marks ownership. Substituted by Fn::Sub. */
const STACK_ID = '${AWS::StackId}';

export function buildRunbook(): Runbook {
  const tagKeys = { ...SNAPSHOT_TAG };
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
      scriptStep(
        STEP.createSnapshot,
        'Snapshot the cluster, tagged as owned by this stack.',
        'create_snapshot.py',
        {
          ClusterId: v(DOC_PARAM.cluster),
          Region: v(DOC_PARAM.sourceRegion),
          ExecutionId: v('automation:EXECUTION_ID'),
          StackId: STACK_ID,
          TagKeys: tagKeys,
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
      scriptStep(
        STEP.copy,
        'Start the copy in the target Region with the target key (Started=false while 5 copies are in progress).',
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
          TagKeys: tagKeys,
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
      scriptStep(
        STEP.checkCopy,
        'Poll the copy; fail if it failed or timed out.',
        'check_copy.py',
        {
          TargetRegion: v(DOC_PARAM.targetRegion),
          TargetSnapshotId: v(`${STEP.copy}.TargetSnapshotId`),
          StartedAt: v(`${STEP.copy}.StartedAt`),
          CopyTimeoutHours: v(DOC_PARAM.copyTimeout),
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
      scriptStep(
        STEP.prune,
        "Delete this stack's expired snapshots in both Regions.",
        'prune_snapshots.py',
        {
          SourceRegion: v(DOC_PARAM.sourceRegion),
          TargetRegion: v(DOC_PARAM.targetRegion),
          SourceRetentionDays: v(DOC_PARAM.sourceRetention),
          TargetRetentionDays: v(DOC_PARAM.targetRetention),
          StackId: STACK_ID,
          TagKeys: tagKeys,
        },
        [out('DeletedSnapshots', 'StringList'), out('Message')],
        { isEnd: true },
      ),
    ],
  };
}

/**
 * Fn::Sub replaces `${Name}` before SSM parses the YAML, so a default such as
 * `${SourceRetentionDays}` would become the number 7 and a cluster named
 * "true" a boolean. Declaring such scalars ambiguous makes js-yaml quote them,
 * and they stay the Strings the parameters declare.
 */
const SUB_REFERENCE = new yaml.Type('tag:aurora-snapshot-dr,2026:sub-reference', {
  kind: 'scalar',
  resolve: (data: string) => /\$\{[^}]+\}/.test(data),
});
const RUNBOOK_DUMP_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [SUB_REFERENCE] });

/**
 * The runbook is stored as YAML (DocumentFormat: YAML): the aws:executeScript
 * reference documents inline Script for YAML runbooks, while JSON runbooks are
 * documented with attachments, and this stack must not need a bucket. The YAML
 * text goes through Fn::Sub so that stack values become parameter defaults. It
 * is indented one space a level: every line of it, scripts included, sits inside
 * the template's own indentation, and the second space would cost about 500
 * bytes of each template's 51,200.
 */
export function runbookContent(runbook: Runbook = buildRunbook()): CfnValue {
  const text = yaml.dump(runbook, { ...YAML_OPTIONS, indent: 1, schema: RUNBOOK_DUMP_SCHEMA });
  return sub(text);
}

/**
 * UpdateMethod NewVersion: a changed runbook becomes a new default version of
 * the same document, so its name (which the schedule, the failure rule and
 * `status` use) survives stack updates; the default, Replace, makes a new
 * document under a new name.
 */
export function documentResource(runbook: Runbook = buildRunbook()): CfnResource {
  return {
    Type: 'AWS::SSM::Document',
    Properties: {
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      UpdateMethod: 'NewVersion',
      Content: runbookContent(runbook),
    },
  };
}
