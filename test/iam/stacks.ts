/**
 * A DR stack, its recovery stack and a vault stack (in an account of its own,
 * copying what two protected accounts share with it) as CloudFormation would create them, for
 * the policy simulator: the generated templates (written by the generator
 * from the current sources), the values their intrinsics resolve to, and a
 * way to ask what one of their roles may do.
 */
import { LOGICAL_ID } from '../../generator/dr/logical-ids';
import { RECOVERY_ID } from '../../generator/recovery/logical-ids';
import { PREFLIGHT_DATA } from '../../custom-resource/dr/contract';
import { ownArnPatterns } from '../../custom-resource/dr/own-arns';
import { RECOVERY_DATA, rdsArnPrefix } from '../../custom-resource/recovery/contract';
import { VAULT_ID } from '../../generator/vault/logical-ids';
import { VAULT_DATA, VaultPreflightProperties } from '../../custom-resource/vault/contract';
import { allowedVaultCopyAgeHours, protectedResourceArns } from '../../custom-resource/vault/rules';
import { vaultTemplate } from '../rehearsal/vault/vault-world';
import { LoadedTemplate, StackValues, loadTemplate, pseudoParameters } from '../rehearsal/shared/intrinsics';
import { generatedTemplateFile } from '../rehearsal/shared/rehearsal-world';
import { recoveryTemplate } from '../rehearsal/recovery/recovery-world';
import { Decision, IamRequest, PolicyDocument, defaultKeyPolicy, decide, rolePolicy } from './simulate';

export const ACCOUNT = '111122223333';
export const SOURCE = 'us-east-1';
export const TARGET = 'us-west-2';
export const CLUSTER = 'orders-prod';
export const DR_STACK_ID = `arn:aws:cloudformation:${SOURCE}:${ACCOUNT}:stack/orders-prod-dr/0f0e0d0c-1111-2222-3333-444455556666`;
export const RECOVERY_STACK_ID = `arn:aws:cloudformation:${TARGET}:${ACCOUNT}:stack/orders-prod-dr-recovery/9a9b9c9d-1111-2222-3333-444455556666`;
export const SOURCE_KEY = `arn:aws:kms:${SOURCE}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const TARGET_KEY = `arn:aws:kms:${TARGET}:${ACCOUNT}:key/66666666-7777-8888-9999-000000000000`;
export const SUBNET_GROUP = 'dr-subnets';
export const RECOVERY_FUNCTION = `arn:aws:lambda:${TARGET}:${ACCOUNT}:function:orders-prod-dr-recovery-preflight`;
/** The user's drill validation function the simulated recovery stack names (DrillValidationFunction). */
export const VALIDATION_FUNCTION_NAME = 'orders-drill-check';

export const rdsArn = (region: string, resource: string, account = ACCOUNT): string => `arn:aws:rds:${region}:${account}:${resource}`;

/** The vault account, the protected clusters (this file's DR stack's, and one of a second account) and the vault's key. */
export const VAULT_ACCOUNT = '999988887777';
export const SECOND_ACCOUNT = '444455556666';
export const PROTECTED_CLUSTERS = `${ACCOUNT}:${CLUSTER},${SECOND_ACCOUNT}:billing`;
export const VAULT_STACK_ID = `arn:aws:cloudformation:${TARGET}:${VAULT_ACCOUNT}:stack/aurora-dr-vault/5a5b5c5d-1111-2222-3333-444455556666`;
export const VAULT_KEY = `arn:aws:kms:${TARGET}:${VAULT_ACCOUNT}:key/77777777-8888-9999-0000-111111111111`;

export interface SimulatedStack {
  template: LoadedTemplate;
  values: StackValues;
  /** The role's policy, resolved for this stack. */
  policy(roleLogicalId: string): PolicyDocument;
  /** Whether the role (or the given policy) may make the request; KMS requests are decided with the key's default policy too. */
  decide(roleLogicalId: string, request: IamRequest, policy?: PolicyDocument): Promise<Decision>;
}

/**
 * What another account's resource lets this account do: a snapshot shared with it (its "restore" attribute)
 * lets it describe and copy the snapshot; a key whose policy admits it (docs/vault.md) lets it describe the
 * key and create grants. Nothing else.
 */
function othersPolicy(account: string, resource: string): object {
  const actions = resource.startsWith('arn:aws:kms:') ? ['kms:CreateGrant', 'kms:DescribeKey'] : ['rds:CopyDBClusterSnapshot', 'rds:DescribeDBClusterSnapshots'];
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: actions, Resource: resource }] };
}

function simulated(template: LoadedTemplate, values: StackValues, account = ACCOUNT): SimulatedStack {
  return {
    template,
    values,
    policy: (roleLogicalId) => rolePolicy(template, roleLogicalId, values),
    decide: (roleLogicalId, request, policy) => {
      const owner = request.resource.split(':')[4];
      const foreign = /^\d{12}$/.test(owner) && owner !== account;
      return decide(policy ?? rolePolicy(template, roleLogicalId, values), request, {
        principal: `arn:aws:iam::${account}:role/${roleLogicalId}`,
        accountId: account,
        keyPolicy: foreign ? othersPolicy(account, request.resource) : request.action.startsWith('kms:') ? defaultKeyPolicy(account) : undefined,
      });
    },
  };
}

export function drStack(template: LoadedTemplate = loadTemplate(generatedTemplateFile())): SimulatedStack {
  return simulated(template, {
    parameters: { DBClusterIdentifier: CLUSTER, KMSTargetKey: 'alias/orders-dr', SourceRegion: SOURCE, TargetRegion: TARGET },
    pseudo: pseudoParameters(SOURCE, ACCOUNT, DR_STACK_ID, 'orders-prod-dr'),
    attributes: {
      [`${LOGICAL_ID.automationRole}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-AutomationRole-1A2B3C`,
      [`${LOGICAL_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${SOURCE}:${ACCOUNT}:log-group:/aws/lambda/orders-prod-dr-preflight:*`,
      [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.targetKeyArn}`]: TARGET_KEY,
      [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.sourceKeyArn}`]: SOURCE_KEY,
      [`${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.clusterArn}`]: rdsArn(SOURCE, `cluster:${CLUSTER}`),
      ...Object.fromEntries(Object.entries(ownArnPatterns(rdsArn(SOURCE, `cluster:${CLUSTER}`), { DBClusterIdentifier: CLUSTER, SourceRegion: SOURCE, TargetRegion: TARGET })).map(([key, value]) => [`${LOGICAL_ID.preflight}.${key}`, value])),
    },
    resourceRefs: { [LOGICAL_ID.document]: 'orders-prod-dr-SnapshotCopyRunbook-1A2B3C' },
  });
}

export function recoveryStack(template: LoadedTemplate = recoveryTemplate(), validationFunction = VALIDATION_FUNCTION_NAME): SimulatedStack {
  return simulated(template, {
    parameters: {
      DBClusterIdentifier: CLUSTER,
      SourceStackId: DR_STACK_ID,
      KMSTargetKey: TARGET_KEY,
      DBSubnetGroupName: SUBNET_GROUP,
      VpcSecurityGroupIds: 'sg-0123456789abcdef0',
      DrillValidationFunction: validationFunction,
    },
    pseudo: pseudoParameters(TARGET, ACCOUNT, RECOVERY_STACK_ID, 'orders-prod-dr-recovery'),
    attributes: {
      [`${RECOVERY_ID.automationRole}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/orders-prod-dr-recovery-RecoveryAutomationRole-1A2B3C`,
      [`${RECOVERY_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${TARGET}:${ACCOUNT}:log-group:/aws/lambda/orders-prod-dr-recovery-preflight:*`,
      [`${RECOVERY_ID.preflightFunction}.Arn`]: RECOVERY_FUNCTION,
      [`${RECOVERY_ID.preflight}.${RECOVERY_DATA.targetKeyArn}`]: TARGET_KEY,
      [`${RECOVERY_ID.preflight}.${RECOVERY_DATA.rdsArn}`]: rdsArnPrefix(TARGET_KEY),
    },
    resourceRefs: { [RECOVERY_ID.document]: 'orders-prod-dr-recovery-RecoveryRunbook-1A2B3C' },
  });
}

export function vaultStack(template: LoadedTemplate = vaultTemplate()): SimulatedStack {
  const properties: VaultPreflightProperties = {
    VaultKmsKey: VAULT_KEY,
    ProtectedClusters: PROTECTED_CLUSTERS,
    RetentionDays: '35',
    MinimumCopiesPerCluster: '3',
    ScheduleExpression: 'cron(0 6 * * ? *)',
    MaxCopyAgeHours: '0',
    StackRegion: TARGET,
    StackAccount: VAULT_ACCOUNT,
  };
  const sources = protectedResourceArns(properties, 'aws');
  return simulated(
    template,
    {
      parameters: { VaultKmsKey: VAULT_KEY, ProtectedClusters: PROTECTED_CLUSTERS },
      pseudo: pseudoParameters(TARGET, VAULT_ACCOUNT, VAULT_STACK_ID, 'aurora-dr-vault'),
      attributes: {
        [`${VAULT_ID.automationRole}.Arn`]: `arn:aws:iam::${VAULT_ACCOUNT}:role/aurora-dr-vault-VaultAutomationRole-1A2B3C`,
        [`${VAULT_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${TARGET}:${VAULT_ACCOUNT}:log-group:/aws/lambda/aurora-dr-vault-function:*`,
        [`${VAULT_ID.preflight}.${VAULT_DATA.vaultKeyArn}`]: VAULT_KEY,
        [`${VAULT_ID.preflight}.${VAULT_DATA.allowedCopyAgeHours}`]: String(allowedVaultCopyAgeHours(properties)),
        [`${VAULT_ID.preflight}.${VAULT_DATA.sourceSnapshotArns}`]: sources.snapshots,
        [`${VAULT_ID.preflight}.${VAULT_DATA.sourceKeyArns}`]: sources.keys,
      },
      resourceRefs: { [VAULT_ID.document]: 'aurora-dr-vault-VaultRunbook-1A2B3C' },
    },
    VAULT_ACCOUNT,
  );
}
