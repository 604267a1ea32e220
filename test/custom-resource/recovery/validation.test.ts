/**
 * The drill's validation function's answer, read as the drill's verdict: the
 * request it gets, and each way it can say no (false, an error it threw, an
 * answer of another shape, no answer), each named with the function and what
 * it said. The Lambda API is mocked; the rehearsal invokes it through moto
 * (test/rehearsal/recovery/validation.test.ts).
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { VALIDATION_TIMEOUT_MS, ValidationRequest, validate } from '../../../custom-resource/recovery/run/validation';

const lambdaMock = mockClient(LambdaClient);
afterAll(() => lambdaMock.restore());
beforeEach(() => lambdaMock.reset());

const REQUEST: ValidationRequest = {
  ClusterIdentifier: 'orders-prod-drill-0a1b2c3d',
  Endpoint: 'orders-prod-drill-0a1b2c3d.cluster-abc.us-west-2.rds.amazonaws.com',
  Port: 5432,
  SecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!cluster-1',
  SnapshotIdentifier: 'orders-prod-dr-20261207-0300-3f9a1c2b',
  Engine: 'aurora-postgresql',
};
const answer = (value: unknown, FunctionError?: string) => ({
  StatusCode: 200,
  FunctionError,
  Payload: new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)) as never,
});

describe("a drill's validation function", () => {
  it('gets the endpoint, port, secret, copy and engine, once, and its yes passes with its message', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ Succeeded: true, Message: 'logged in as postgres; 42 tables' }));
    expect(await validate('orders-drill-check', REQUEST)).toEqual({ message: 'logged in as postgres; 42 tables' });
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const [call] = lambdaMock.commandCalls(InvokeCommand);
    expect(call.args[0].input.FunctionName).toBe('orders-drill-check');
    expect(JSON.parse(String(call.args[0].input.Payload))).toEqual(REQUEST);
    // A synchronous invocation, given the time the Verify step can spare, and never sent twice.
    expect(call.args[0].input.InvocationType).toBeUndefined();
    expect(await lambdaMock.call(0).thisValue.config.maxAttempts()).toBe(1);
    expect(VALIDATION_TIMEOUT_MS).toBeLessThan(300_000 - 60_000);
  });

  const refusals: [string, ReturnType<typeof answer> | Error, string][] = [
    [
      'says no',
      answer({ Succeeded: false, Message: 'password authentication failed for user "postgres"' }),
      'validation function orders-drill-check says the cluster fails: password authentication failed for user "postgres"',
    ],
    [
      'throws',
      answer({ errorType: 'Error', errorMessage: 'connect ETIMEDOUT 10.30.1.17:5432' }, 'Unhandled'),
      'validation function orders-drill-check failed (Unhandled): {"errorType":"Error","errorMessage":"connect ETIMEDOUT 10.30.1.17:5432"}',
    ],
    [
      'answers in another shape',
      answer({ ok: true }),
      'validation function orders-drill-check answered {"ok":true}, not {"Succeeded": true|false, "Message": "..."}',
    ],
    [
      'answers no JSON',
      answer('fine'),
      'validation function orders-drill-check answered fine, not {"Succeeded": true|false, "Message": "..."}',
    ],
    [
      'answers a string "true"',
      answer({ Succeeded: 'true' }),
      'validation function orders-drill-check answered {"Succeeded":"true"}, not {"Succeeded": true|false, "Message": "..."}',
    ],
    [
      'cannot be invoked',
      Object.assign(new Error('Function not found: arn:aws:lambda:us-west-2:123456789012:function:orders-drill-check'), {
        name: 'ResourceNotFoundException',
      }),
      'validation function orders-drill-check could not be invoked: ResourceNotFoundException: Function not found: arn:aws:lambda:us-west-2:123456789012:function:orders-drill-check',
    ],
  ];

  it.each(refusals)('fails the drill when it %s, naming the function and what it said', async (_, outcome, problem) => {
    if (outcome instanceof Error) lambdaMock.on(InvokeCommand).rejects(outcome);
    else lambdaMock.on(InvokeCommand).resolves(outcome);
    expect((await validate('orders-drill-check', REQUEST)).problem).toBe(problem);
  });
});
