/**
 * The vault stack's function: its preflight custom resource (checks the key,
 * the protected cluster list and the quota arithmetic before anything else is
 * created) and its copy-age watchdog (hourly, and once at create and update
 * through its own custom resource, so the alarm starts from a measurement).
 * One inline bundle, one role, one log group, as the recovery stack's.
 */
import { CfnRequest } from '../shared/cfn-response';
import { CheckFailed } from '../shared/errors';
import { describeKey } from '../shared/clients';
import { keyLookupProblem } from '../dr/rules';
import { readProperties, settle } from '../shared/properties';
import { Check, LambdaContext, safeHandler } from '../shared/safe-handler';
import {
  VAULT_PREFLIGHT_PROPERTY_NAMES,
  VAULT_WATCHDOG_FIRST_CHECK_TYPE,
  VaultPreflightData,
  VaultPreflightProperties,
  VaultWatchdogInput,
} from './contract';
import { allowedVaultCopyAgeHours, checkVaultKey, checkVaultParameters, protectedResourceArns } from './rules';
import { checkVaultCopies } from './watchdog';

const vaultPreflight: Check = async (raw, { signal, step }) => {
  const p = readProperties<VaultPreflightProperties>(raw, VAULT_PREFLIGHT_PROPERTY_NAMES);
  const problems = checkVaultParameters(p);
  const [key, keyError] = await settle(step(`kms:DescribeKey in ${p.StackRegion}`, describeKey(p.StackRegion, p.VaultKmsKey, signal)));
  problems.push(
    ...(keyError
      ? [keyLookupProblem(keyError, { KMSTargetKey: p.VaultKmsKey, TargetRegion: p.StackRegion }).replace(/^KMSTargetKey/, 'VaultKmsKey')]
      : checkVaultKey(key!, p)),
  );
  if (problems.length) throw new CheckFailed(problems.join('; '));
  const sources = protectedResourceArns(p, key!.Arn!.split(':')[1]);
  const data: VaultPreflightData = {
    VaultKeyArn: key!.Arn!,
    AllowedCopyAgeHours: String(allowedVaultCopyAgeHours(p)),
    SourceSnapshotArns: sources.snapshots,
    SourceKeyArns: sources.keys,
  };
  return data;
};

const preflightHandler = safeHandler(vaultPreflight);

type Event = Partial<CfnRequest> & Partial<VaultWatchdogInput>;

/** The first check replies to CloudFormation; a failed hourly check throws, no datapoint arrives, and the alarm breaches. */
const firstCheck = (event: CfnRequest, context: LambdaContext) =>
  safeHandler(async (properties) => {
    const ages = await checkVaultCopies({ ProtectedClusters: String(properties.ProtectedClusters), VaultStackId: event.StackId }, Date.now());
    return { OldestCopyAgeHours: Math.max(...Object.values(ages)).toFixed(2) };
  })(event, context);

export = {
  handler: (event: Event, context: LambdaContext) =>
    event.ResourceType === VAULT_WATCHDOG_FIRST_CHECK_TYPE
      ? firstCheck(event as CfnRequest, context)
      : event.RequestType
        ? preflightHandler(event as CfnRequest, context)
        : checkVaultCopies(event as VaultWatchdogInput, Date.now()),
};
