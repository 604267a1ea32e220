/**
 * The recovery stack's watchdog: publishes the age of the newest copy
 * (check.ts). EventBridge invokes it hourly; CloudFormation invokes it once
 * at create and update through a custom resource, so the copy-age alarm,
 * created after it, starts from a measurement rather than from missing data
 * (which it treats as breaching). Lambda calls `handler` (index.handler); the
 * template sets the environment (contract.ts).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { CfnRequest } from '../cfn-response';
import { LambdaContext, safeHandler } from '../safe-handler';
import { checkNewestCopy } from './check';
import { WATCHDOG_ENV } from './contract';

const CLIENT_OPTIONS = { maxAttempts: 5 };

const check = () =>
  checkNewestCopy(
    {
      sourceStackId: process.env[WATCHDOG_ENV.sourceStackId]!,
      cluster: process.env[WATCHDOG_ENV.cluster]!,
      recoveryStackId: process.env[WATCHDOG_ENV.recoveryStackId]!,
    },
    {
      rds: new RDSClient(CLIENT_OPTIONS),
      cloudWatch: new CloudWatchClient(CLIENT_OPTIONS),
      cloudFormation: new CloudFormationClient(CLIENT_OPTIONS),
    },
    Date.now(),
  );

/** A check that cannot publish at create or update fails the stack operation with the reason. */
const firstCheck = safeHandler(async () => {
  const { ageHours } = await check();
  return { NewestCopyAgeHours: ageHours.toFixed(2) };
});

export = {
  handler: (event: Partial<CfnRequest>, context: LambdaContext) =>
    event.RequestType ? firstCheck(event as CfnRequest, context) : check(),
};
