/** What a command needs from the outside world, passed in so tests can supply their own. */
import { AwsClients, RESPONSE_BODY_SHOWN_BYTES } from './clients';
import { Output } from './progress';

export interface Context {
  clients: AwsClients;
  output: Output;
  /** Wait between polls of CloudFormation. */
  sleep(ms: number): Promise<void>;
  now(): Date;
  pollIntervalMs: number;
  /**
   * What Ctrl-C prints while a command waits on an operation that goes on
   * without it (how to follow it); undefined: nothing is under way.
   */
  setInterruptAdvice(lines: string[] | undefined): void;
  /** Asks the user a yes/no question on a terminal; undefined when there is none (a script, a pipe). */
  confirm?: (question: string) => Promise<boolean>;
}

/** A wait with nothing new for this long prints a "still waiting" line, and again after each further stretch. */
export const STILL_WAITING_MS = 60_000;

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
  const unreadable = unreadableResponse(error);
  if (unreadable) return unreadable;
  if (/Region is missing/i.test(message)) return 'no AWS Region: pass --region, or set AWS_REGION or a region in your profile.';
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return `your AWS session has expired (${message}); sign in again.`;
  if (name === 'AccessDenied' || name === 'AccessDeniedException') return `access denied: ${message}`;
  return `${name}: ${message}`;
}

/**
 * When the endpoint (AWS, a proxy, a captive portal, a wrong AWS_ENDPOINT_URL)
 * answered with something the SDK could not parse: the HTTP status and the
 * first bytes of the body, which say far more than the parser's error. The
 * SDK reports these as a "Deserialization error", or, for an XML service
 * answering an error status with HTML, as an error named "Unknown".
 */
export function unreadableResponse(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string; $response?: { statusCode?: number; body?: unknown }; $responseBodyText?: string };
  const response = e?.$response;
  if (!response) return undefined;
  const message = e.message ?? '';
  if (!/Deserialization error/.test(message) && !(e.name === 'Unknown' || message === 'Unknown')) return undefined;
  const raw =
    typeof e.$responseBodyText === 'string'
      ? e.$responseBodyText
      : Buffer.isBuffer(response.body) || response.body instanceof Uint8Array
        ? Buffer.from(response.body as Uint8Array).toString('utf8')
        : typeof response.body === 'string'
          ? response.body
          : undefined;
  const status = response.statusCode ? `HTTP ${response.statusCode}` : 'a response';
  const parser = message.split('\n')[0];
  let text = `the AWS endpoint answered ${status} that the SDK could not read`;
  if (parser && parser !== 'Unknown') text += ` (${parser})`;
  if (raw === undefined) return `${text}.`;
  const shown = raw.slice(0, RESPONSE_BODY_SHOWN_BYTES).replace(/\s+/g, ' ').trim();
  const more = raw.length > RESPONSE_BODY_SHOWN_BYTES ? ` ... (${Buffer.byteLength(raw).toLocaleString('en-US')} bytes)` : '';
  return `${text}. It began: ${shown === '' ? '(empty body)' : JSON.stringify(shown)}${more}. Check AWS_ENDPOINT_URL, the proxy and the network.`;
}
