/**
 * The CloudFormation custom resource reply, in one place: the request and
 * response shapes, the 4096-byte body limit, and the HTTPS PUT to the
 * pre-signed ResponseURL with retries. The URL's query string is its
 * signature, so only its host and path are ever logged.
 */
import { request } from 'https';

export interface CfnRequest {
  RequestType: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  ResourceProperties?: { [name: string]: unknown };
}

export interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: { [key: string]: string };
}

/** CloudFormation rejects a larger response body. */
export const MAX_BODY_BYTES = 4096;
const MAX_ATTEMPTS = 6;
const FIRST_BACKOFF_MS = 200;
const ATTEMPT_TIMEOUT_MS = 5000;

/** The response as JSON within MAX_BODY_BYTES: a long Reason is cut and ends with "…", never dropped. */
export function responseBody(response: CfnResponse): string {
  const reason = response.Reason ?? '';
  // Never split a surrogate pair: half an emoji is not valid UTF-8.
  const cutTo = (keep: number) =>
    JSON.stringify({ ...response, Reason: `${reason.slice(0, keep).replace(/[\ud800-\udbff]$/, '')}…` });
  const fits = (body: string) => Buffer.byteLength(body) <= MAX_BODY_BYTES;
  const whole = JSON.stringify(response);
  if (fits(whole)) return whole;
  // JSON escaping makes bytes per character vary (1 to 6), so search for the longest prefix that fits.
  let [low, high] = [0, reason.length];
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (fits(cutTo(mid))) low = mid;
    else high = mid - 1;
  }
  return cutTo(low);
}

/** Host and path of the ResponseURL: enough to debug, without the signature in the query string. */
export function redactUrl(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return host + pathname;
  } catch {
    return '?';
  }
}

function put(url: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PUT',
        // The URL is signed without a content type; Content-Length counts bytes, not characters.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    // A timer, not the socket's idle timeout, which TLS handshakes stretch.
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PUT the body to the ResponseURL. Network errors, 429 and 5xx are retried
 * with exponential backoff until `giveUpAt` (epoch ms); any other status is
 * final. Throws when the reply could not be delivered.
 */
export async function sendResponse(url: string, body: string, giveUpAt = Date.now() + 30_000): Promise<void> {
  const where = redactUrl(url);
  for (let attempt = 1; ; attempt++) {
    let detail: string;
    let retry = true;
    try {
      const status = await put(url, body, Math.max(1000, Math.min(ATTEMPT_TIMEOUT_MS, giveUpAt - Date.now())));
      if (status < 300) {
        console.log(`Replied, HTTP ${status}`);
        return;
      }
      detail = `HTTP ${status}`;
      retry = status === 429 || status >= 500;
    } catch (error) {
      detail = (error as Error).message;
    }
    const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
    if (!retry || attempt >= MAX_ATTEMPTS || Date.now() + backoff >= giveUpAt) {
      throw new Error(`Reply to ${where} failed ${attempt} times: ${detail}`);
    }
    console.log(`Reply failed (${detail}), retry in ${backoff} ms`);
    await sleep(backoff);
  }
}
