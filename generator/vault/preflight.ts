/**
 * The vault stack's function: the preflight check and the copy-age watchdog
 * (custom-resource/vault/index.ts), on the machinery both other stacks use
 * (generator/shared/preflight.ts).
 */
import * as path from 'path';
import { AWS, CfnResource, ref } from '../shared/cfn';
import { bundlePreflight, preflightFunctionResources } from '../shared/preflight';
import { VAULT_ID } from './logical-ids';
import {
  VAULT_PARAM,
  VAULT_PREFLIGHT_RESOURCE_TYPE,
  VaultPreflightProperties,
} from '../../custom-resource/vault/contract';

export const VAULT_FUNCTION_ENTRY = path.join(__dirname, '..', '..', 'custom-resource', 'vault', 'index.ts');

export const bundleVaultFunction = (): string => bundlePreflight(VAULT_FUNCTION_ENTRY);

export function vaultPreflightResources(bundle: string): { [logicalId: string]: CfnResource } {
  const properties: { [K in keyof VaultPreflightProperties]: ReturnType<typeof ref> } = {
    VaultKmsKey: ref(VAULT_PARAM.kmsKey),
    ProtectedClusters: ref(VAULT_PARAM.protectedClusters),
    RetentionDays: ref(VAULT_PARAM.retention),
    MinimumCopiesPerCluster: ref(VAULT_PARAM.minimumCopies),
    ScheduleExpression: ref(VAULT_PARAM.schedule),
    MaxCopyAgeHours: ref(VAULT_PARAM.maxCopyAge),
    StackRegion: AWS.region,
    StackAccount: AWS.accountId,
  };
  return preflightFunctionResources({
    ids: {
      logGroup: VAULT_ID.preflightLogGroup,
      function: VAULT_ID.preflightFunction,
      role: VAULT_ID.preflightRole,
      resource: VAULT_ID.preflight,
    },
    description: 'Checks the vault stack parameters first; every hour, publishes the age of each cluster\'s newest vault copy.',
    resourceType: VAULT_PREFLIGHT_RESOURCE_TYPE,
    properties,
    bundle,
    calls: 'AWS',
    functionSkipReasons: {
      CKV_AWS_115: 'Runs per stack operation and hourly; reserved concurrency would come out of the account.',
      CKV_AWS_116: 'Stack operations always get a reply; a failed hourly check leaves the copy-age alarm without data: ALARM.',
    },
  });
}
