/**
 * The always-replying wrapper. Whatever happens — a failed check, an unknown
 * request type, a thrown exception, an AWS call that never returns — the
 * request ends in one reply to CloudFormation before the Lambda's own timeout,
 * so a stack never waits for ServiceTimeout. The check itself just returns
 * Data or throws.
 */
import { CfnRequest, CfnResponse, redactUrl, responseBody, sendResponse } from './cfn-response';
import { CheckFailed, DeadlineExceeded } from './errors';

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  logStreamName?: string;
}

export interface CheckContext {
  /** Aborted when the deadline passes; hand it to AWS SDK calls. */
  signal: AbortSignal;
  /** Wrap a slow call so a timeout Reason can name it. */
  step<T>(what: string, work: Promise<T>): Promise<T>;
  /** The stack's ARN, from the request. */
  stackId: string;
}

export type Check = (
  properties: { [name: string]: unknown },
  context: CheckContext,
) => Promise<{ [key: string]: string }>;

/** Time kept back from the checks for the reply and its retries: a quarter of what is left, within 1-15 s. */
export const replyReserveMs = (remainingMs: number): number => Math.min(15_000, Math.max(1000, remainingMs / 4));

/**
 * Stable for the life of the resource: CloudFormation's own id on Update and
 * Delete, and on Create one derived from the logical id (a changed id on
 * Update would tell CloudFormation to replace the resource).
 */
export const physicalResourceId = (event: CfnRequest): string =>
  event.PhysicalResourceId || `aurora-snapshot-dr-preflight-${event.LogicalResourceId}`;

async function runWithDeadline(check: Check, event: CfnRequest, budgetMs: number) {
  const controller = new AbortController();
  const waitingFor = new Set<string>();
  const step = <T>(what: string, work: Promise<T>): Promise<T> => {
    waitingFor.add(what);
    return work.finally(() => waitingFor.delete(what));
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new DeadlineExceeded(
          `Timed out after ${Math.round(budgetMs / 1000)} s waiting for ${[...waitingFor].join(' and ') || 'the checks'}: retry the stack operation`,
        ),
      );
      controller.abort();
    }, budgetMs);
  });
  try {
    return await Promise.race([check(event.ResourceProperties ?? {}, { signal: controller.signal, step, stackId: event.StackId }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function safeHandler(check: Check) {
  return async (event: CfnRequest, context: LambdaContext): Promise<void> => {
    const remainingMs = context.getRemainingTimeInMillis();
    const giveUpAt = Date.now() + remainingMs - 200;
    const { RequestType, StackId, RequestId, LogicalResourceId } = event;
    // Never log the raw event: its ResponseURL carries a pre-signed signature.
    console.log(
      `${RequestType} ${LogicalResourceId} of ${StackId}, reply to ${redactUrl(event.ResponseURL)}:`,
      event.ResourceProperties,
    );
    const reply: CfnResponse = {
      Status: 'SUCCESS',
      PhysicalResourceId: physicalResourceId(event),
      StackId,
      RequestId,
      LogicalResourceId,
    };
    try {
      if (RequestType === 'Create' || RequestType === 'Update') {
        reply.Data = await runWithDeadline(check, event, remainingMs - replyReserveMs(remainingMs));
      } else if (RequestType !== 'Delete') {
        // Delete has nothing to undo: the preflight creates nothing, and a failed Create must still delete cleanly.
        throw new CheckFailed(`Unknown RequestType ${JSON.stringify(RequestType)}: expected Create, Update or Delete`);
      }
    } catch (error) {
      const { name, message, stack } = error as Error;
      const expected = error instanceof CheckFailed || error instanceof DeadlineExceeded;
      if (!expected) console.error(stack);
      reply.Status = 'FAILED';
      reply.Reason = expected
        ? message
        : `Unexpected ${name}: ${message} (log stream ${context.logStreamName})`;
    }
    console.log(reply.Status, reply.Reason ?? reply.Data);
    try {
      await sendResponse(event.ResponseURL, responseBody(reply), giveUpAt);
    } catch (error) {
      // Throwing lets Lambda retry the invocation, which replies again.
      console.error((error as Error).message);
      throw error;
    }
  };
}
