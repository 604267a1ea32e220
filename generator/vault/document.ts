/**
 * The vault's runbook, in the vault account and the DR Region: copy every new
 * share of the protected clusters under the vault key (waiting for free copy
 * slots, which every protected cluster shares), then prune the vault's own
 * expired copies, never below the minimum per cluster. A failed step fails
 * the run, which the alert rule hears.
 */
import { CfnResource } from '../shared/cfn';
import { Runbook, documentResource, out, runbookParameter, scriptStep, v } from '../shared/runbook';
import { VAULT_ID } from './logical-ids';
import { SNAPSHOT_TAG } from '../../custom-resource/dr/contract';
import { VAULT_DATA, VAULT_PARAM } from '../../custom-resource/vault/contract';

export const VAULT_STEP = {
  copy: 'CopyShares',
  waiting: 'SlotsFull',
  waitForSlot: 'WaitForCopySlot',
  prune: 'PruneExpiredCopies',
} as const;

export const VAULT_DOC_PARAM = { role: 'AutomationAssumeRole' } as const;

/** Substituted by Fn::Sub when the stack is created. */
const STACK = { id: '${AWS::StackId}', region: '${AWS::Region}' };
const stackValue = (name: string): string => `\${${name}}`;

export function buildVaultRunbook(): Runbook {
  const run = { Region: STACK.region, StackId: STACK.id, TagKeys: { ...SNAPSHOT_TAG } };
  return {
    schemaVersion: '0.3',
    description: `Aurora snapshot DR vault: copies the protected clusters' shares under the vault key and prunes them. Managed by stack ${STACK.id}.`,
    assumeRole: v(VAULT_DOC_PARAM.role),
    parameters: {
      [VAULT_DOC_PARAM.role]: runbookParameter('Role the run assumes.', `\${${VAULT_ID.automationRole}.Arn}`),
    },
    outputs: [`${VAULT_STEP.copy}.Started`, `${VAULT_STEP.prune}.DeletedSnapshots`],
    mainSteps: [
      scriptStep(
        VAULT_STEP.copy,
        'Copy new shares under the vault key (Waiting=true while 5 copies are in progress).',
        'vault/copy_shares.py',
        {
          ...run,
          VaultKmsKeyArn: `\${${VAULT_ID.preflight}.${VAULT_DATA.vaultKeyArn}}`,
          ProtectedClusters: stackValue(VAULT_PARAM.protectedClusters),
          CopyTimeoutHours: stackValue(VAULT_PARAM.copyTimeout),
          RetentionDays: stackValue(VAULT_PARAM.retention),
          ExecutionId: v('automation:EXECUTION_ID'),
        },
        [out('Started', 'StringList'), out('Waiting', 'Boolean'), out('Message')],
        { maxAttempts: 2 },
      ),
      {
        name: VAULT_STEP.waiting,
        action: 'aws:branch',
        description: 'Shares left waiting for a copy slot?',
        inputs: {
          Choices: [{ NextStep: VAULT_STEP.waitForSlot, Variable: v(`${VAULT_STEP.copy}.Waiting`), BooleanEquals: true }],
          Default: VAULT_STEP.prune,
        },
      },
      {
        name: VAULT_STEP.waitForSlot,
        action: 'aws:sleep',
        description: 'Wait for a copy slot.',
        nextStep: VAULT_STEP.copy,
        inputs: { Duration: 'PT10M' },
      },
      scriptStep(
        VAULT_STEP.prune,
        "Delete the vault's expired copies, keeping the minimum per cluster.",
        'vault/prune_copies.py',
        {
          ...run,
          RetentionDays: stackValue(VAULT_PARAM.retention),
          MinimumCopiesPerCluster: stackValue(VAULT_PARAM.minimumCopies),
        },
        [out('DeletedSnapshots', 'StringList'), out('Message')],
        { isEnd: true },
      ),
    ],
  };
}

export const vaultDocumentResource = (): CfnResource => documentResource(buildVaultRunbook());
