/**
 * --timeout for every command that waits on something that goes on without
 * it (a stack operation, a stack set operation, a runbook run). The bound is
 * kept by the context's sleep: every wait loop sleeps between polls, so a
 * sleep past the deadline ends the wait wherever it is, and the command's
 * advice on how to follow the operation (Context.setInterruptAdvice) is what
 * the user reads, as after Ctrl-C.
 */
import { FlagValues } from './args';
import { integerFlag } from './validate';

/** A day: longer than any restore, drill or stack operation this project starts may take. */
export const MAX_TIMEOUT_MINUTES = 1440;

/** The minutes of --timeout, or undefined; each problem goes to `problems`. */
export function parseTimeout(values: FlagValues, problems: string[]): number | undefined {
  const raw = values.timeout;
  if (typeof raw !== 'string') return undefined;
  if (values['no-wait'] === true) problems.push('--timeout bounds the wait; with --no-wait there is none. Give one or the other.');
  const parsed = integerFlag('timeout', raw, 1, MAX_TIMEOUT_MINUTES);
  if (parsed.problem) problems.push(parsed.problem);
  return parsed.value;
}

/** The wait outlasted --timeout; what it waited on goes on, and `advice` says how to follow it. */
export class WaitDeadlinePassed extends Error {
  constructor(
    readonly minutes: number,
    readonly advice: string[] | undefined,
  ) {
    super(`stopped waiting after --timeout ${minutes} min`);
    this.name = 'WaitDeadlinePassed';
  }
}

/**
 * `sleep`, but throwing WaitDeadlinePassed once `now()` has reached `minutes`
 * after `startedAt`. The advice is taken when the time runs out: the command
 * clears its own on the way out, as the error passes through it.
 */
export function sleepWithin(
  sleep: (ms: number) => Promise<void>,
  now: () => Date,
  startedAt: number,
  minutes: number,
  adviceNow: () => string[] | undefined,
): (ms: number) => Promise<void> {
  const deadline = startedAt + minutes * 60_000;
  return async (ms) => {
    if (now().getTime() >= deadline) throw new WaitDeadlinePassed(minutes, adviceNow());
    await sleep(ms);
  };
}
