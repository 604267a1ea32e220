import { CheckFailed } from '../../../custom-resource/shared/errors';
import { Check, CheckContext, replyReserveMs, safeHandler } from '../../../custom-resource/shared/safe-handler';
import { lambdaContext, makeEvent } from '../support/events';
import { CapturedReply, ReplyEndpoint, useTrustedResponseServer } from '../support/response-server';

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms).unref()),
  ]);

describe('safeHandler', () => {
  const server = useTrustedResponseServer();
  let logs: string[];
  beforeEach(() => {
    logs = [];
    const capture = (...args: unknown[]) =>
      void logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    jest.spyOn(console, 'log').mockImplementation(capture);
    jest.spyOn(console, 'error').mockImplementation(capture);
  });
  afterEach(() => jest.restoreAllMocks());

  async function invoke(
    check: Check,
    changes: Parameters<typeof makeEvent>[0] = {},
    remainingMs = 60_000,
    endpoint: ReplyEndpoint = server.endpoint(),
  ): Promise<CapturedReply> {
    await safeHandler(check)(makeEvent({ ...changes, ResponseURL: endpoint.url }), lambdaContext(remainingMs));
    return within(endpoint.reply, 1000, 'reply');
  }

  it('replies SUCCESS with the Data the check returns and echoes the request ids', async () => {
    const reply = await invoke(async () => ({ Engine: 'aurora-mysql' }));
    expect(reply.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight',
      StackId: makeEvent().StackId,
      RequestId: makeEvent().RequestId,
      LogicalResourceId: 'Preflight',
      Data: { Engine: 'aurora-mysql' },
    });
  });

  it('passes the resource properties to the check', async () => {
    const check = jest.fn(async () => ({}));
    await invoke(check);
    expect(check).toHaveBeenCalledWith(makeEvent().ResourceProperties, expect.anything());
  });

  it('keeps the PhysicalResourceId CloudFormation sends on Update, so the resource is never replaced', async () => {
    const reply = await invoke(async () => ({}), { RequestType: 'Update', PhysicalResourceId: 'id-from-create' });
    expect(reply.body.Status).toBe('SUCCESS');
    expect(reply.body.PhysicalResourceId).toBe('id-from-create');
  });

  it('derives the same PhysicalResourceId on every Create of a logical id', async () => {
    const first = await invoke(async () => ({}), { LogicalResourceId: 'Check' });
    const second = await invoke(async () => ({}), { LogicalResourceId: 'Check' });
    expect(first.body.PhysicalResourceId).toBe('aurora-snapshot-dr-preflight-Check');
    expect(second.body.PhysicalResourceId).toBe(first.body.PhysicalResourceId);
  });

  it.each([
    ['a Delete', 'aurora-snapshot-dr-preflight-Preflight'],
    ['a Delete after the stack was updated', 'id-from-create'],
  ])('replies SUCCESS to %s without running the check', async (_, physicalId) => {
    const check = jest.fn(async () => ({}));
    const reply = await invoke(check, { RequestType: 'Delete', PhysicalResourceId: physicalId });
    expect(check).not.toHaveBeenCalled();
    expect(reply.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(reply.body).not.toHaveProperty('Data');
  });

  it('replies SUCCESS to a Delete even when the check would throw (after a failed Create)', async () => {
    const reply = await invoke(
      async () => {
        throw new CheckFailed('bad parameters');
      },
      { RequestType: 'Delete', PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight' },
    );
    expect(reply.body.Status).toBe('SUCCESS');
  });

  it('replies FAILED to an unknown RequestType, naming it, without running the check', async () => {
    const check = jest.fn(async () => ({}));
    const reply = await invoke(check, { RequestType: 'Replace' });
    expect(check).not.toHaveBeenCalled();
    expect(reply.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'Unknown RequestType "Replace": expected Create, Update or Delete',
      PhysicalResourceId: 'aurora-snapshot-dr-preflight-Preflight',
    });
  });

  it('replies FAILED with the message of a failed check as the Reason', async () => {
    const reply = await invoke(async () => {
      throw new CheckFailed('TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"');
    });
    expect(reply.body).toMatchObject({ Status: 'FAILED', Reason: 'TargetRegion "US-WEST-2" must be lowercase: use "us-west-2"' });
  });

  it('replies FAILED naming an unexpected exception and the log stream that has its stack', async () => {
    const reply = await invoke(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'Arn')");
    });
    expect(reply.body.Status).toBe('FAILED');
    expect(reply.body.Reason).toBe(
      "Unexpected TypeError: Cannot read properties of undefined (reading 'Arn') (log stream 2026/11/01/[$LATEST]0123456789abcdef)",
    );
    expect(logs.join('\n')).toContain('TypeError: Cannot read properties');
  });

  it('replies FAILED before the Lambda times out when a call hangs, naming the call', async () => {
    let signal: AbortSignal | undefined;
    const hang = async (_: unknown, { step, signal: s }: CheckContext) => {
      signal = s;
      await Promise.all([
        step('kms:DescribeKey in us-west-2', new Promise(() => undefined)),
        step('rds:DescribeDBClusters in us-east-1', Promise.resolve()),
      ]);
      return {};
    };
    const started = Date.now();
    const reply = await invoke(hang, {}, 2000);
    expect(reply.receivedAt - started).toBeLessThan(2000);
    expect(reply.receivedAt - started).toBeGreaterThanOrEqual(950);
    expect(reply.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'Timed out after 1 s waiting for kms:DescribeKey in us-west-2: retry the stack operation',
    });
    expect(signal?.aborted).toBe(true);
  });

  it('says "the checks" when what hung was not a named step', async () => {
    const reply = await invoke(() => new Promise(() => undefined), {}, 1500);
    expect(reply.body.Reason).toBe('Timed out after 1 s waiting for the checks: retry the stack operation');
  });

  it.each([
    [60_000, 15_000],
    [20_000, 5000],
    [2000, 1000],
  ])('with %d ms left keeps %d ms back for the reply', (remaining, reserve) => {
    expect(replyReserveMs(remaining)).toBe(reserve);
  });

  it('retries a reply that failed with 503 twice, and it lands', async () => {
    const endpoint = server.endpoint({ failFirst: 2 });
    const reply = await invoke(async () => ({}), {}, 60_000, endpoint);
    expect(endpoint.attempts).toHaveLength(3);
    expect(reply.body.Status).toBe('SUCCESS');
  });

  it('rejects when the reply cannot be delivered, so Lambda retries the invocation', async () => {
    const endpoint = server.endpoint({ failFirst: 99, failStatus: 403 });
    await expect(
      safeHandler(async () => ({}))(makeEvent({ ResponseURL: endpoint.url }), lambdaContext()),
    ).rejects.toThrow('HTTP 403');
  });

  it('logs the request and the reply but never the ResponseURL signature', async () => {
    const endpoint = server.endpoint({ failFirst: 1 });
    await invoke(
      async () => {
        throw new CheckFailed('KMSTargetKey "alias/x" was not found');
      },
      {},
      60_000,
      endpoint,
    );
    const logged = logs.join('\n');
    expect(logged).toContain('Create Preflight of arn:aws:cloudformation:us-east-1');
    expect(logged).toContain('prod-aurora');
    expect(logged).toContain('KMSTargetKey "alias/x" was not found');
    expect(logged).not.toContain(endpoint.signature);
    expect(logged).not.toContain('X-Amz-Signature');
  });
});
