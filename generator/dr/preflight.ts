/**
 * The DR stack's preflight check, on the function both stacks share
 * (generator/shared/preflight.ts); its source is custom-resource/dr/. Every
 * other resource depends on the custom resource, so a failed check rolls the
 * stack back before anything else is created.
 */
import * as path from 'path';
import { AWS, CfnResource, ref } from '../shared/cfn';
import { bundlePreflight, preflightFunctionResources } from '../shared/preflight';
import { LOGICAL_ID } from './logical-ids';
import { PARAM } from './parameters';
import { PREFLIGHT_RESOURCE_TYPE, PreflightProperties } from '../../custom-resource/dr/contract';

export const PREFLIGHT_ENTRY = path.join(__dirname, '..', '..', 'custom-resource', 'dr', 'index.ts');

export const bundleDrPreflight = (): string => bundlePreflight(PREFLIGHT_ENTRY);

export function preflightResources(bundle: string): { [logicalId: string]: CfnResource } {
  const properties: { [K in keyof PreflightProperties]: ReturnType<typeof ref> } = {
    DBClusterIdentifier: ref(PARAM.cluster),
    KMSTargetKey: ref(PARAM.kmsKey),
    SourceRegion: ref(PARAM.sourceRegion),
    TargetRegion: ref(PARAM.targetRegion),
    StackRegion: AWS.region,
    ScheduleExpression: ref(PARAM.schedule),
    SourceRetentionDays: ref(PARAM.sourceRetention),
    TargetRetentionDays: ref(PARAM.targetRetention),
    VaultAccountId: ref(PARAM.vaultAccount),
  };
  return preflightFunctionResources({
    ids: {
      logGroup: LOGICAL_ID.preflightLogGroup,
      function: LOGICAL_ID.preflightFunction,
      role: LOGICAL_ID.preflightRole,
      resource: LOGICAL_ID.preflight,
    },
    description: 'Checks the Aurora snapshot DR parameters before the stack creates anything else.',
    resourceType: PREFLIGHT_RESOURCE_TYPE,
    properties,
    bundle,
    calls: 'KMS and RDS',
  });
}
