/**
 * Assembles the vault stack template (templates/aurora-snapshot-dr-vault.*),
 * deployed in the vault account, in the DR Region, once per vault: the
 * runbook that copies the protected clusters' shares under the vault key and
 * prunes them, its roles, the schedule, the alerts, the copy-age watchdog and
 * the preflight check that runs before all of them.
 */
import { CfnOutput, CfnTemplate, AWS, getAtt, ref } from '../shared/cfn';
import { REGENERATE_NOTE } from '../shared/serialize';
import { VAULT_ID } from './logical-ids';
import { vaultParameterInterface, vaultParameters } from './parameters';
import { bundleVaultFunction, vaultPreflightResources } from './preflight';
import { vaultRoleResources } from './iam';
import { vaultDocumentResource } from './document';
import { vaultConditions, vaultEventResources } from './events';
import { VAULT_DATA } from '../../custom-resource/vault/contract';

export const VAULT_TEMPLATE_DESCRIPTION =
  'Aurora snapshot DR vault (vault account, DR Region): copies the DR copies that protected accounts share with it under its own key, and keeps them by its own retention.';

/** Output names of the vault stack that the CLI and the DR stacks' users read. */
export const VAULT_STACK_OUTPUT = {
  runbook: 'VaultRunbookName',
  alertTopic: 'AlertTopicArn',
  vaultAccount: 'VaultAccountId',
  vaultKey: 'VaultKeyArn',
} as const;

function vaultOutputs(): { [name: string]: CfnOutput } {
  return {
    [VAULT_STACK_OUTPUT.runbook]: { Description: 'Runbook that copies new shares and prunes.', Value: ref(VAULT_ID.document) },
    [VAULT_STACK_OUTPUT.alertTopic]: { Description: 'SNS topic of the alerts.', Value: ref(VAULT_ID.alertTopic) },
    [VAULT_STACK_OUTPUT.vaultAccount]: { Description: "The DR stacks' VaultAccountId.", Value: AWS.accountId },
    [VAULT_STACK_OUTPUT.vaultKey]: {
      Description: "KMS key of the vault's copies, resolved.",
      Value: getAtt(VAULT_ID.preflight, VAULT_DATA.vaultKeyArn),
    },
  };
}

export function buildVaultTemplate(bundle: string = bundleVaultFunction()): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: VAULT_TEMPLATE_DESCRIPTION,
    Metadata: {
      Generator: REGENERATE_NOTE,
      'AWS::CloudFormation::Interface': vaultParameterInterface,
    },
    Parameters: vaultParameters,
    Conditions: vaultConditions(),
    Resources: {
      ...vaultPreflightResources(bundle),
      ...vaultRoleResources(),
      [VAULT_ID.document]: vaultDocumentResource(),
      ...vaultEventResources(),
    },
    Outputs: vaultOutputs(),
  };
}
