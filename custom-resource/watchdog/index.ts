/**
 * The recovery stack's watchdog: runs on a schedule in the target Region and
 * publishes the age of the newest copy (check.ts). Lambda calls `handler`
 * (index.handler); the template sets the environment (contract.ts).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { checkNewestCopy } from './check';
import { WATCHDOG_ENV } from './contract';

const CLIENT_OPTIONS = { maxAttempts: 5 };

export = {
  handler: () =>
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
    ),
};
