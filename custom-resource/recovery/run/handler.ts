/**
 * The recovery runbook's steps, served by the recovery stack's function (the
 * preflight's: one inline bundle, one log group). Each step's event names the
 * step (RUN_STEP); what the function returns is the step's Payload, and what
 * it throws fails the step, which the runbook sends on to Verify.
 */
import { RUN_STEP, RunEvent } from './contract';
import { advance } from './restore';
import { finishRun } from './finish';

export const isRunEvent = (event: object): event is RunEvent => 'RecoveryRunStep' in event;

export function runHandler(event: RunEvent): Promise<unknown> {
  const now = Date.now();
  switch (event.RecoveryRunStep) {
    case RUN_STEP.advance:
      return advance(event, now);
    case RUN_STEP.finish:
      return finishRun(event, now);
    default:
      return Promise.reject(new Error(`Unknown RecoveryRunStep ${JSON.stringify(event.RecoveryRunStep)}`));
  }
}
