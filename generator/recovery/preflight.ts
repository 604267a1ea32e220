/**
 * The recovery stack's preflight check: the same function, log group and
 * always-replying custom resource as the source stack's (generator/dr/preflight.ts),
 * with its own handler (custom-resource/recovery/index.ts) and properties.
 */
import * as path from 'path';
import { AWS, CfnResource, ref } from '../shared/cfn';
import { bundlePreflight, preflightFunctionResources } from '../shared/preflight';
import { RECOVERY_ID } from './logical-ids';
import {
  RECOVERY_PARAM,
  RECOVERY_PREFLIGHT_RESOURCE_TYPE,
  RecoveryPreflightProperties,
} from '../../custom-resource/recovery/contract';

export const RECOVERY_PREFLIGHT_ENTRY = path.join(__dirname, '..', '..', 'custom-resource', 'recovery', 'index.ts');

export const bundleRecoveryPreflight = (): string => bundlePreflight(RECOVERY_PREFLIGHT_ENTRY);

export function recoveryPreflightResources(bundle: string): { [logicalId: string]: CfnResource } {
  const properties: { [K in keyof RecoveryPreflightProperties]: ReturnType<typeof ref> } = {
    DBClusterIdentifier: ref(RECOVERY_PARAM.cluster),
    SourceStackId: ref(RECOVERY_PARAM.sourceStackId),
    KMSTargetKey: ref(RECOVERY_PARAM.kmsKey),
    DBSubnetGroupName: ref(RECOVERY_PARAM.subnetGroup),
    VpcSecurityGroupIds: ref(RECOVERY_PARAM.securityGroups),
    DrillInstanceClass: ref(RECOVERY_PARAM.drillInstanceClass),
    DrillScheduleExpression: ref(RECOVERY_PARAM.drillSchedule),
    SourceScheduleExpression: ref(RECOVERY_PARAM.sourceSchedule),
    CopyTimeoutHours: ref(RECOVERY_PARAM.copyTimeout),
    MaxCopyAgeHours: ref(RECOVERY_PARAM.maxCopyAge),
    StackRegion: AWS.region,
  };
  return preflightFunctionResources({
    ids: {
      logGroup: RECOVERY_ID.preflightLogGroup,
      function: RECOVERY_ID.preflightFunction,
      role: RECOVERY_ID.preflightRole,
      resource: RECOVERY_ID.preflight,
    },
    description: 'Preflight, hourly check and runbook steps',
    // A runbook step may take as long as aws:invokeLambdaFunction allows (Finish waits for a drill's writer to go).
    timeoutSeconds: 300,
    resourceType: RECOVERY_PREFLIGHT_RESOURCE_TYPE,
    properties,
    bundle,
    calls: 'AWS',
    functionSkipReasons: {
      CKV_AWS_115: 'Rare runs; reserving concurrency takes it from the account.',
      CKV_AWS_116: 'Stack operations always get a reply; a failed hourly check breaches the alarm.',
    },
  });
}
