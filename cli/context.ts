/** What a command needs from the outside world, passed in so tests can supply their own. */
import { AwsClients } from './clients';
import { Output } from './progress';

export interface Context {
  clients: AwsClients;
  output: Output;
  /** Wait between polls of CloudFormation. */
  sleep(ms: number): Promise<void>;
  now(): Date;
  pollIntervalMs: number;
}

/** CloudFormation's own console refreshes about this often; it keeps well inside the API's rate limits. */
export const POLL_INTERVAL_MS = 5000;

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The error's name when it is an AWS service error (`ValidationError`, `StackSetNotFoundException`, ...). */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
