import * as net from 'net';
import { CfnResponse, MAX_BODY_BYTES, redactUrl, responseBody, sendResponse } from '../../../custom-resource/shared/cfn-response';
import { freeLoopbackPort } from '../../support/moto-server';
import { useTrustedResponseServer } from '../support/response-server';

const BASE: CfnResponse = {
  Status: 'FAILED',
  Reason: 'short',
  PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/aurora-dr/5b6f0a40-0a1b-11f1-9f6b-0a1b2c3d4e5f',
  RequestId: '0f2c7a3e-6f43-4d2c-9a57-3c1f1c9e2b7d',
  LogicalResourceId: 'Preflight',
};

describe('responseBody', () => {
  it('serialises a short response unchanged', () => {
    expect(JSON.parse(responseBody(BASE))).toEqual(BASE);
  });

  it('leaves a SUCCESS without Reason and keeps its Data', () => {
    const success: CfnResponse = { ...BASE, Status: 'SUCCESS', Reason: undefined, Data: { Engine: 'aurora-mysql' } };
    const parsed = JSON.parse(responseBody(success));
    expect(parsed).not.toHaveProperty('Reason');
    expect(parsed.Data).toEqual({ Engine: 'aurora-mysql' });
  });

  it.each([
    ['ASCII', 'x'.repeat(10_000)],
    ['two-byte characters', 'é'.repeat(5000)],
    ['four-byte emoji', '😀'.repeat(3000)],
    ['quotes that JSON escapes', '"'.repeat(5000)],
    ['control characters that JSON escapes as \\u', '\u0001'.repeat(3000)],
    ['a mix', 'Région "ü" 😀 \n'.repeat(600)],
  ])('cuts a long Reason of %s to fit 4096 bytes and ends it with an ellipsis', (_, reason) => {
    const body = responseBody({ ...BASE, Reason: reason });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES - 16);
    const parsed = JSON.parse(body);
    expect(parsed.Reason.endsWith('…')).toBe(true);
    expect(reason.startsWith(parsed.Reason.slice(0, -1))).toBe(true);
    // No lone surrogate: the text survives a UTF-8 round trip.
    expect(Buffer.from(body, 'utf8').toString('utf8')).toBe(body);
    expect(parsed.PhysicalResourceId).toBe(BASE.PhysicalResourceId);
  });
});

describe('redactUrl', () => {
  it('keeps the host and path of the pre-signed URL and drops its query string', () => {
    expect(redactUrl('https://bucket.s3.amazonaws.com/arn%3Aaws/stack%7CPreflight%7Cid?X-Amz-Signature=secret')).toBe(
      'bucket.s3.amazonaws.com/arn%3Aaws/stack%7CPreflight%7Cid',
    );
  });

  it('says nothing of a URL it cannot parse', () => {
    expect(redactUrl('not a url ?X-Amz-Signature=secret')).toBe('?');
  });
});

describe('sendResponse', () => {
  const server = useTrustedResponseServer();
  let logs: string[];
  beforeEach(() => {
    logs = [];
    const capture = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
    jest.spyOn(console, 'log').mockImplementation(capture);
    jest.spyOn(console, 'error').mockImplementation(capture);
  });
  afterEach(() => jest.restoreAllMocks());

  it('PUTs the body with an empty content type and Content-Length in bytes', async () => {
    const endpoint = server.endpoint();
    const body = responseBody({ ...BASE, Reason: 'Région « us-wést-2 » 😀' });
    await sendResponse(endpoint.url, body);
    const reply = await endpoint.reply;
    expect(reply.method).toBe('PUT');
    expect(reply.headers['content-type']).toBe('');
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(body));
    expect(Number(reply.headers['content-length'])).toBeGreaterThan(body.length);
    expect(reply.raw).toBe(body);
  });

  it.each([503, 500, 429])('retries after HTTP %d with backoff until the reply is accepted', async (status) => {
    const endpoint = server.endpoint({ failFirst: 2, failStatus: status });
    await sendResponse(endpoint.url, responseBody(BASE));
    expect(endpoint.attempts).toHaveLength(3);
    const gaps = [1, 2].map((i) => endpoint.attempts[i].receivedAt - endpoint.attempts[i - 1].receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(180);
    expect(gaps[1]).toBeGreaterThanOrEqual(380);
  });

  it('does not retry a 403: a refused or expired URL will not change its mind', async () => {
    const endpoint = server.endpoint({ failFirst: 10, failStatus: 403 });
    await expect(sendResponse(endpoint.url, responseBody(BASE))).rejects.toThrow('failed 1 times: HTTP 403');
    expect(endpoint.attempts).toHaveLength(1);
  });

  it('retries a refused connection and gives up by the deadline', async () => {
    const port = await freeLoopbackPort();
    const started = Date.now();
    await expect(
      sendResponse(`https://127.0.0.1:${port}/r?X-Amz-Signature=secret`, '{}', started + 1000),
    ).rejects.toThrow(/failed [2-9] times: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out an attempt whose server never answers', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const started = Date.now();
    try {
      await expect(
        sendResponse(`https://127.0.0.1:${port}/r?X-Amz-Signature=secret`, '{}', started + 1500),
      ).rejects.toThrow('timeout');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('never logs the query string of the ResponseURL', async () => {
    const endpoint = server.endpoint({ failFirst: 1 });
    await sendResponse(endpoint.url, responseBody(BASE));
    const refused = `https://127.0.0.1:${await freeLoopbackPort()}/r?X-Amz-Signature=${endpoint.signature}`;
    await expect(sendResponse(refused, '{}', Date.now() + 500)).rejects.toThrow();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(endpoint.signature);
  });
});
