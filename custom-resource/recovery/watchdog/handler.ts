/**
 * The watchdog's two entry points, served by the recovery preflight's function
 * (one inline bundle, one log group: every byte of the template counts): the
 * hourly EventBridge rule, whose Input is a WatchdogInput, and the custom
 * resource that runs the first check at create and update, so the copy-age
 * alarm created after it starts from a measurement rather than from missing
 * data (which it treats as breaching, and would page about on every new
 * stack). Both publish the age of the newest copy and the worst-case RPO
 * (check.ts); the hourly rule's run also deletes ended drills' clusters.
 */
import { CfnRequest } from '../../shared/cfn-response';
import { LambdaContext, safeHandler } from '../../shared/safe-handler';
import { checkNewestCopy } from './check';
import { deleteEndedDrills } from './drill-cleanup';
import { WATCHDOG_FIRST_CHECK_TYPE, WatchdogInput } from './contract';

type Event = Partial<CfnRequest> & Partial<WatchdogInput>;

/** The first-check custom resource's request, or the hourly rule's event (CloudFormation's have no RecoveryStackId). */
export const isWatchdogEvent = (event: Event): boolean => event.ResourceType === WATCHDOG_FIRST_CHECK_TYPE || !!event.RecoveryStackId;

const check = (input: Partial<WatchdogInput>) =>
  checkNewestCopy(
    {
      // The stack, and so its copies, are in the function's own Region.
      region: input.RecoveryStackId!.split(':')[3],
      recoveryStackId: input.RecoveryStackId!,
    },
    Date.now(),
  );

/**
 * The first check, as a custom resource: the request carries the stack's id.
 * A check that cannot publish at create or update fails the stack operation
 * with the reason.
 */
const firstCheck = (event: CfnRequest, context: LambdaContext) =>
  safeHandler(async () => {
    const { ageHours } = await check({ RecoveryStackId: event.StackId });
    return { NewestCopyAgeHours: ageHours.toFixed(2) };
  })(event, context);

/**
 * A failed hourly check throws: Lambda records the error, no datapoint arrives, and the alarm breaches.
 * After the check, the hourly run deletes the drill clusters whose run has ended (drill-cleanup.ts).
 */
export const watchdogHandler = (event: Event, context: LambdaContext): Promise<unknown> =>
  event.RequestType
    ? firstCheck(event as CfnRequest, context)
    : check(event).then(() => deleteEndedDrills(event.RecoveryStackId!.split(':')[3], event.RecoveryStackId!));
