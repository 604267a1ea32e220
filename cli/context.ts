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

/** AWS and SDK errors as one readable line, with the fix where there is a usual one. */
export function describeError(error: unknown, profile: string | undefined): string {
  const e = error as Error;
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(message)) {
    return `no AWS credentials${profile ? ` for profile ${profile}` : ''}: ${message.replace(/\.$/, '')}. Configure them (aws configure, aws sso login) or pass --profile.`;
  }
  const code = (error as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return `cannot reach AWS (${message}); check the network, the proxy and AWS_ENDPOINT_URL.`;
  }
  const httpStatus = (error as { $response?: { statusCode?: number } })?.$response?.statusCode;
  if (/Deserialization error/.test(message)) {
    return `the AWS endpoint answered${httpStatus ? ` HTTP ${httpStatus}` : ''} with a response the SDK could not read (${message.split('\n')[0]})`;
  }
  if (/Region is missing/i.test(message)) return 'no AWS Region: pass --region, or set AWS_REGION or a region in your profile.';
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return `your AWS session has expired (${message}); sign in again.`;
  if (name === 'AccessDenied' || name === 'AccessDeniedException') return `access denied: ${message}`;
  return `${name}: ${message}`;
}
