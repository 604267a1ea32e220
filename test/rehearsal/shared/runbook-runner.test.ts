/**
 * The interpreter's own semantics, on small documents written for the purpose:
 * if the runner got these wrong, every rehearsal built on it would be wrong.
 */
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { MotoClockServer, startMotoClockServer } from '../../support/moto-clock-server';
import { parseJsonPath, selectJsonPath } from './jsonpath';
import { convertOutput } from './output-types';
import {
  AutomationStartError,
  parseIsoDuration,
  RunbookNotSupportedError,
  RunnerOptions,
  runRunbook,
} from './runbook-runner';
import { RehearsalWorld, SOURCE_REGION } from './rehearsal-world';
import { VirtualClock } from './virtual-clock';

const ROLE = 'arn:aws:iam::123456789012:role/rehearsal';

function runbook(mainSteps: unknown[], parameters: { [name: string]: unknown } = {}, extra: { [key: string]: unknown } = {}) {
  return { schemaVersion: '0.3', assumeRole: '{{ Role }}', parameters: { Role: { type: 'String', default: ROLE }, ...parameters }, mainSteps, ...extra };
}

const script = (name: string, body: string, outputs: unknown[] = [], extra: { [key: string]: unknown } = {}) => ({
  name,
  action: 'aws:executeScript',
  ...extra,
  inputs: { Runtime: 'python3.11', Handler: 'handler', Script: body, ...((extra.inputs as object) ?? {}) },
  outputs,
});

describe('JSONPath subset', () => {
  const response = { Payload: { Started: true }, DBClusterSnapshots: [{ Status: 'available' }], 'odd-key': 1 };

  it.each([
    ['$.Payload.Started', true],
    ['$.DBClusterSnapshots[0].Status', 'available'],
    ["$['odd-key']", 1],
  ])('selects %s', (path, expected) => {
    expect(selectJsonPath(response, path)).toEqual({ found: true, value: expected });
  });

  it('reports a path that leads nowhere as not found, not as undefined', () => {
    expect(selectJsonPath(response, '$.DBClusterSnapshots[1].Status')).toEqual({ found: false });
    expect(selectJsonPath(response, '$.Payload.Started.Deeper')).toEqual({ found: false });
  });

  it.each(['$..Status', '$.DBClusterSnapshots[*].Status', '$.a[?(@.b)]', 'Payload.Started'])(
    'refuses %s instead of guessing',
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(/JSONPath/);
    },
  );
});

describe('output types', () => {
  it.each([
    ['String', 5, '5'],
    ['String', true, 'true'],
    ['Integer', '42', 42],
    ['Boolean', 'false', false],
    ['Boolean', [true], true],
    ['StringList', 'one', ['one']],
    ['StringList', ['a', 'b'], ['a', 'b']],
    ['StringMap', { a: 1 }, { a: 1 }],
    ['MapList', [{ a: 1 }], [{ a: 1 }]],
  ] as const)('converts to %s as Automation documents it (%j)', (type, value, expected) => {
    expect(convertOutput('Step.Out', value, type)).toEqual(expected);
  });

  it.each([
    ['Boolean', 'yes'],
    ['Integer', 1.5],
    ['String', null],
    ['String', { a: 1 }],
    ['StringMap', ['a']],
    ['MapList', ['a']],
  ] as const)('refuses %s from %j, naming the output', (type, value) => {
    expect(() => convertOutput('Step.Out', value, type)).toThrow(/Step\.Out/);
  });
});

describe('ISO-8601 durations for aws:sleep', () => {
  it.each([
    ['PT10M', 600],
    ['PT1H30M', 5400],
    ['P1DT2S', 86402],
    ['PT0.5S', 0.5],
  ])('%s is %d s', (text, seconds) => {
    expect(parseIsoDuration(text)).toBe(seconds);
  });

  it.each(['10M', 'PT', 'P', 'PT10X'])('refuses %s', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(/ISO-8601/);
  });
});

describe('runbook runner', () => {
  let moto: MotoClockServer;
  let clock: VirtualClock;

  beforeAll(async () => {
    moto = await startMotoClockServer();
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    clock = new VirtualClock();
    await moto.startClockAt(clock.now());
    clock.onAdvance(async () => {
      await moto.advanceClockTo(clock.now());
    });
  });

  const run = (document: unknown, options: Partial<RunnerOptions> = {}) =>
    runRunbook({
      document,
      region: SOURCE_REGION,
      accountId: '123456789012',
      aws: { endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS },
      clock,
      clockControlUrl: moto.endpoint,
      ...options,
    });

  describe('refuses what it does not implement, before running anything', () => {
    it.each([
      ['an unknown action', [{ name: 'A', action: 'aws:runCommand', inputs: {} }], /action aws:runCommand is not implemented/],
      ['an unknown step field', [{ name: 'A', action: 'aws:sleep', precondition: {}, inputs: { Duration: 'PT1S' } }], /field precondition/],
      ['an onCancel that is not Abort or a step', [{ name: 'A', action: 'aws:sleep', onCancel: 'Continue', inputs: { Duration: 'PT1S' } }], /onCancel Continue/],
      ['an onCancel to no step', [{ name: 'A', action: 'aws:sleep', onCancel: 'step:Nowhere', inputs: { Duration: 'PT1S' } }], /Nowhere, which is not a step/],
      ['an unknown branch input', [{ name: 'A', action: 'aws:branch', inputs: { Choices: [], InputChoice: 'x' } }], /InputChoice/],
      ['a jump to no step', [{ name: 'A', action: 'aws:sleep', nextStep: 'Nowhere', inputs: { Duration: 'PT1S' } }], /Nowhere, which is not a step/],
      ['a reference to nothing', [{ name: 'A', action: 'aws:sleep', inputs: { Duration: '{{ Missing }}' } }], /Missing/],
      ['another script runtime', [script('A', 'def handler(e, c): return 1', [], { inputs: { Runtime: 'python3.8' } })], /Runtime python3\.8/],
    ])('%s', async (_what, steps, message) => {
      await expect(run(runbook(steps))).rejects.toThrow(message);
      await expect(run(runbook(steps))).rejects.toBeInstanceOf(RunbookNotSupportedError);
    });

    it('a schemaVersion other than 0.3', async () => {
      await expect(run({ ...runbook([]), schemaVersion: '2.2' })).rejects.toThrow(/schemaVersion/);
    });

    it('execution parameters the runbook does not declare, as StartAutomationExecution would', async () => {
      const document = runbook([{ name: 'A', action: 'aws:sleep', inputs: { Duration: 'PT1S' } }]);
      await expect(run(document, { parameters: { Typo: 'x' } })).rejects.toBeInstanceOf(AutomationStartError);
    });
  });

  describe('a cancelled execution', () => {
    const steps = [
      { name: 'Work', action: 'aws:sleep', onCancel: 'step:CleanUp', inputs: { Duration: 'PT1M' } },
      { name: 'More', action: 'aws:sleep', inputs: { Duration: 'PT1M' } },
      { name: 'CleanUp', action: 'aws:sleep', isEnd: true, inputs: { Duration: 'PT1S' } },
    ];

    it('runs the onCancel step of the step it was cancelled in, and ends Cancelled', async () => {
      const result = await run(runbook(steps), { beforeStep: ({ step, cancel }) => (step === 'Work' ? cancel() : undefined) });
      expect(result.timeline.map((entry) => [entry.step, entry.status])).toEqual([
        ['Work', 'Cancelled'],
        ['CleanUp', 'Success'],
      ]);
      expect(result).toMatchObject({ status: 'Cancelled', failedStep: 'Work', failureMessage: 'Cancelled during step Work' });
    });

    it('stops at once when the step has no onCancel step', async () => {
      const result = await run(runbook(steps), { beforeStep: ({ step, cancel }) => (step === 'More' ? cancel() : undefined) });
      expect(result.timeline.map((entry) => [entry.step, entry.status])).toEqual([
        ['Work', 'Success'],
        ['More', 'Cancelled'],
      ]);
      expect(result.status).toBe('Cancelled');
    });
  });

  // A real wait of ten minutes would outlast the test's timeout: no stopwatch needed to see it does not wait.
  it('sleeps in virtual time: PT10M moves the clock exactly ten minutes', async () => {
    const before = clock.now();
    const result = await run(runbook([{ name: 'Nap', action: 'aws:sleep', inputs: { Duration: 'PT10M' } }]));
    expect(result.status).toBe('Success');
    expect(result.timeline[0].durationVirtual).toBe(600);
    expect(clock.now() - before).toBe(600_000);
    expect(Date.parse(result.endedAt) - Date.parse(result.startedAt)).toBe(600_000);
  });

  it('sleeps until a Timestamp in virtual time', async () => {
    const until = new Date(clock.now() + 2 * 3600_000).toISOString();
    const result = await run(runbook([{ name: 'Nap', action: 'aws:sleep', inputs: { Timestamp: until } }]));
    expect(result.status).toBe('Success');
    expect(clock.now()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(result.timeline[0].durationVirtual).toBeGreaterThan(7190);
  });

  it('fails a sleep longer than its timeoutSeconds as TimedOut', async () => {
    const result = await run(runbook([{ name: 'Nap', action: 'aws:sleep', timeoutSeconds: 60, inputs: { Duration: 'PT10M' } }]));
    expect(result.status).toBe('TimedOut');
    expect(result.failedStep).toBe('Nap');
  });

  it('keeps an output\'s type through a whole-string reference and renders it inside a longer one', async () => {
    const result = await run(
      runbook([
        script('Make', 'def handler(events, context):\n    return {"n": 3, "ok": True}\n', [
          { Name: 'N', Selector: '$.Payload.n', Type: 'Integer' },
          { Name: 'Ok', Selector: '$.Payload.ok', Type: 'Boolean' },
        ]),
        script('Echo', 'def handler(events, context):\n    return events\n', [{ Name: 'All', Selector: '$.Payload', Type: 'StringMap' }], {
          inputs: { InputPayload: { n: '{{ Make.N }}', ok: '{{Make.Ok}}', text: 'n={{ Make.N }} in {{ global:REGION }}', id: '{{ automation:EXECUTION_ID }}' } },
        }),
      ]),
    );
    expect(result.status).toBe('Success');
    expect(result.timeline[1].outputs.All).toEqual({ n: 3, ok: true, text: 'n=3 in us-east-1', id: result.executionId });
    expect(result.executionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('answers global:DATE and global:DATE_TIME from the virtual clock, in Automation\'s formats', async () => {
    const result = await run(
      runbook([
        { name: 'Wait', action: 'aws:sleep', inputs: { Duration: 'P3D' } },
        script('Echo', 'def handler(events, context):\n    return events\n', [{ Name: 'All', Selector: '$.Payload', Type: 'StringMap' }], {
          inputs: { InputPayload: { date: '{{ global:DATE }}', dateTime: '{{ global:DATE_TIME }}', account: '{{ global:ACCOUNT_ID }}' } },
        }),
      ]),
    );
    const echoed = result.timeline[1].outputs.All as { date: string; dateTime: string; account: string };
    const inThreeDays = new Date(clock.now()).toISOString(); // three virtual days on, within a second of the step
    expect(echoed.date).toBe(inThreeDays.slice(0, 10));
    expect(echoed.dateTime).toMatch(new RegExp(`^${inThreeDays.slice(0, 10)}_\\d{2}\\.\\d{2}\\.\\d{2}$`));
    expect(echoed.account).toBe('123456789012');
  });

  it('fails the step when a script output cannot take its declared type', async () => {
    const result = await run(
      runbook([script('Make', 'def handler(events, context):\n    return {"ok": "maybe"}\n', [{ Name: 'Ok', Selector: '$.Payload.ok', Type: 'Boolean' }])]),
    );
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Make\.Ok is string "maybe", which Automation cannot convert to Boolean/);
  });

  it('leaves an output its selector does not find unset, warns, and fails the step that later uses it', async () => {
    const result = await run(
      runbook([
        script('Make', 'def handler(events, context):\n    return {}\n', [{ Name: 'Id', Selector: '$.Payload.Id', Type: 'String' }]),
        script('Use', 'def handler(events, context):\n    return {}\n', [], { inputs: { InputPayload: { id: '{{ Make.Id }}' } } }),
      ]),
    );
    expect(result.warnings).toEqual(['step Make: selector $.Payload.Id of output Id matched nothing']);
    expect(result.failedStep).toBe('Use');
    expect(result.failureMessage).toMatch(/step Make has not produced output Id/);
  });

  it('fails a branch whose BooleanEquals variable is a String rather than comparing unequal', async () => {
    const result = await run(
      runbook([
        script('Make', 'def handler(events, context):\n    return {"ok": "true"}\n', [{ Name: 'Ok', Selector: '$.Payload.ok', Type: 'String' }]),
        { name: 'Decide', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'Make', Variable: '{{ Make.Ok }}', BooleanEquals: true }], Default: 'Make' } },
      ]),
    );
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Decide failed: BooleanEquals needs a Boolean/);
  });

  it('evaluates And / Or / Not and falls back to Default', async () => {
    const branch = (choices: unknown[]) =>
      runbook(
        [
          { name: 'Decide', action: 'aws:branch', inputs: { Choices: choices, Default: 'Fallback' } },
          { name: 'Chosen', action: 'aws:sleep', isEnd: true, inputs: { Duration: 'PT1S' } },
          { name: 'Fallback', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
        ],
        { Name: { type: 'String', default: 'prod-db' }, Count: { type: 'Integer', default: 3 } },
      );
    const chosen = await run(
      branch([
        {
          NextStep: 'Chosen',
          And: [
            { Variable: '{{ Name }}', StartsWith: 'prod' },
            { Or: [{ Variable: '{{ Count }}', NumericGreater: 5 }, { Not: { Variable: '{{ Name }}', Contains: 'test' } }] },
          ],
        },
      ]),
    );
    expect(chosen.timeline.map((entry) => entry.step)).toEqual(['Decide', 'Chosen']);
    const fallback = await run(branch([{ NextStep: 'Chosen', Variable: '{{ Count }}', NumericGreaterOrEquals: 4 }]));
    expect(fallback.timeline.map((entry) => entry.step)).toEqual(['Decide', 'Fallback']);
  });

  it('retries a failing step maxAttempts times, then aborts with the script\'s own message', async () => {
    const result = await run(
      runbook([
        script('Flaky', 'def handler(events, context):\n    raise RuntimeError("the cluster is busy: try later")\n', [], { maxAttempts: 3 }),
        { name: 'Never', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
      ]),
    );
    expect(result.status).toBe('Failed');
    expect(result.failedStep).toBe('Flaky');
    expect(result.failureMessage).toBe('Step Flaky failed: RuntimeError: the cluster is busy: try later');
    expect(result.timeline).toHaveLength(1);
    expect(result.timeline[0].attempts).toBe(3);
    expect(result.timeline[0].log).toMatch(/Traceback/);
  });

  it('follows onFailure: Continue goes on, step:<name> jumps; the execution still fails', async () => {
    const failing = 'def handler(events, context):\n    raise ValueError("no")\n';
    const result = await run(
      runbook([
        script('First', failing, [], { onFailure: 'Continue' }),
        script('Second', failing, [], { onFailure: 'step:Cleanup' }),
        { name: 'Skipped', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
        { name: 'Cleanup', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
      ]),
    );
    expect(result.timeline.map((entry) => `${entry.step}:${entry.status}`)).toEqual(['First:Failed', 'Second:Failed', 'Cleanup:Success']);
    expect(result.status).toBe('Failed');
  });

  it('ends at isEnd and jumps with nextStep', async () => {
    const result = await run(
      runbook([
        { name: 'A', action: 'aws:sleep', nextStep: 'C', inputs: { Duration: 'PT1S' } },
        { name: 'B', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
        { name: 'C', action: 'aws:sleep', isEnd: true, inputs: { Duration: 'PT1S' } },
        { name: 'D', action: 'aws:sleep', inputs: { Duration: 'PT1S' } },
      ]),
    );
    expect(result.timeline.map((entry) => entry.step)).toEqual(['A', 'C']);
    expect(result.status).toBe('Success');
  });

  it('gives scripts the virtual clock: time.sleep advances time.time() and the runner\'s clock, without waiting', async () => {
    const body = [
      'import time',
      'from datetime import datetime, timezone',
      'def handler(events, context):',
      '    before = time.time()',
      '    time.sleep(5 * 60)',
      '    return {"slept": round(time.time() - before), "datetimeAgrees": abs(datetime.now(timezone.utc).timestamp() - time.time()) < 1}',
    ].join('\n');
    const before = clock.now();
    const result = await run(
      runbook([
        script('Wait', body, [
          { Name: 'Slept', Selector: '$.Payload.slept', Type: 'Integer' },
          { Name: 'DatetimeAgrees', Selector: '$.Payload.datetimeAgrees', Type: 'Boolean' },
        ]),
      ]),
    );
    expect(result.timeline[0].outputs.Slept).toBe(300);
    expect(result.timeline[0].outputs.DatetimeAgrees).toBe(true);
    expect(result.timeline[0].durationVirtual).toBe(300);
    expect(clock.now() - before).toBe(300 * 1000);
    expect(await moto.advanceClockTo(0)).toBeCloseTo(before + 300 * 1000, 0);
  });

  // The cause of a flaky retention test once: real seconds added to virtual time put a snapshot made
  // "exactly N days ago" on either side of the retention boundary, depending on how busy the machine was.
  it('adds no real time to virtual time: a script and moto both see the clock stand still while real seconds pass', async () => {
    const body = [
      'import threading, time',
      'import boto3',
      'def handler(events, context):',
      '    before = time.time()',
      '    threading.Event().wait(0.3)  # a real wait, which the virtual clock must not see',
      '    rds = boto3.client("rds")',
      '    rds.create_db_cluster_snapshot(DBClusterIdentifier="api-db", DBClusterSnapshotIdentifier="still")',
      '    stamped = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="still")["DBClusterSnapshots"][0]["SnapshotCreateTime"]',
      '    return {"scriptMovedMs": round((time.time() - before) * 1000), "motoStampedMs": round(stamped.timestamp() * 1000)}',
    ].join('\n');
    const world = new RehearsalWorld(moto);
    await world.createEncryptedCluster('api-db');
    const before = clock.now();
    const result = await run(
      runbook([
        script('Idle', body, [
          { Name: 'ScriptMovedMs', Selector: '$.Payload.scriptMovedMs', Type: 'Integer' },
          { Name: 'MotoStampedMs', Selector: '$.Payload.motoStampedMs', Type: 'Integer' },
        ]),
      ]),
    );
    expect(result.status).toBe('Success');
    expect(result.timeline[0].outputs.ScriptMovedMs).toBe(0);
    expect(result.timeline[0].outputs.MotoStampedMs).toBe(before);
    expect(clock.now()).toBe(before);
  });

  it('stops a script at its timeoutSeconds (600 at most) as TimedOut', async () => {
    const body = 'import time\ndef handler(events, context):\n    time.sleep(300)\n    time.sleep(400)\n    return {}\n';
    const result = await run(runbook([script('Slow', body, [], { timeoutSeconds: 3600 })]));
    expect(result.status).toBe('TimedOut');
    expect(result.failureMessage).toMatch(/timeoutSeconds 600/);
    expect(result.timeline[0].durationVirtual).toBeGreaterThanOrEqual(600);
    expect(result.timeline[0].durationVirtual).toBeLessThan(610);
  });

  it('refuses a Payload over 100 KB', async () => {
    const result = await run(runbook([script('Big', 'def handler(events, context):\n    return {"x": "a" * 110000}\n')]));
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toMatch(/Payload is at most/);
  });

  it('resolves assumeRole and refuses one that is not a role ARN', async () => {
    const ok = await run(runbook([{ name: 'A', action: 'aws:sleep', inputs: { Duration: 'PT1S' } }]));
    expect(ok.assumeRole).toBe(ROLE);
    await expect(
      run(runbook([{ name: 'A', action: 'aws:sleep', inputs: { Duration: 'PT1S' } }]), { parameters: { Role: 'not-a-role' } }),
    ).rejects.toThrow(/not an IAM role ARN/);
  });

  describe('AWS API actions', () => {
    let world: RehearsalWorld;
    beforeEach(async () => {
      world = new RehearsalWorld(moto);
      world.clock.onAdvance(() => undefined);
      await world.createEncryptedCluster('api-db');
    });

    it('aws:executeAwsApi calls the named API in the automation\'s Region and types its outputs', async () => {
      const result = await run(
        runbook([
          {
            name: 'Describe',
            action: 'aws:executeAwsApi',
            inputs: { Service: 'rds', Api: 'DescribeDBClusters', DBClusterIdentifier: 'api-db' },
            outputs: [
              { Name: 'Engine', Selector: '$.DBClusters[0].Engine', Type: 'String' },
              { Name: 'Encrypted', Selector: '$.DBClusters[0].StorageEncrypted', Type: 'Boolean' },
            ],
          },
        ]),
      );
      expect(result.status).toBe('Success');
      expect(result.timeline[0].outputs).toEqual({ Engine: 'aurora-postgresql', Encrypted: true });
    });

    it('fails on a misspelt API parameter, as boto3 would, instead of dropping it', async () => {
      const result = await run(
        runbook([{ name: 'Describe', action: 'aws:executeAwsApi', inputs: { Service: 'rds', Api: 'DescribeDBClusters', DBClusterIdentifer: 'api-db' } }]),
      );
      expect(result.status).toBe('Failed');
      expect(result.failureMessage).toMatch(/has no parameter DBClusterIdentifer/);
    });

    it('fails on a service it has no client for', async () => {
      const result = await run(runbook([{ name: 'Call', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'DescribeInstances' } }]));
      expect(result.failureMessage).toMatch(/no SDK client for service "ec2"/);
    });

    it('aws:waitForAwsResourceProperty polls in virtual time until a desired value, and times out otherwise', async () => {
      await moto.setNewSnapshotStatus('create', { region: SOURCE_REGION, status: 'creating', forSeconds: 95 });
      await world.createManualSnapshot(SOURCE_REGION, 'api-db', 'slow-one');
      const wait = (timeoutSeconds: number) =>
        runbook([
          {
            name: 'Wait',
            action: 'aws:waitForAwsResourceProperty',
            timeoutSeconds,
            inputs: {
              Service: 'rds',
              Api: 'DescribeDBClusterSnapshots',
              DBClusterSnapshotIdentifier: 'slow-one',
              PropertySelector: '$.DBClusterSnapshots[0].Status',
              DesiredValues: ['available'],
            },
          },
        ]);
      const tooShort = await run(wait(60));
      expect(tooShort.status).toBe('TimedOut');
      expect(tooShort.failureMessage).toMatch(/was "creating", not one of \["available"\]/);
      const enough = await run(wait(600));
      expect(enough.status).toBe('Success');
    });
  });
});

describe('aws:invokeLambdaFunction', () => {
  const invokeStep = (name: string, extra: { [key: string]: unknown } = {}) => ({
    name,
    action: 'aws:invokeLambdaFunction',
    ...extra,
    inputs: { FunctionName: 'fn', InputPayload: { Count: '{{ Count }}' } },
  });
  const options = (document: unknown, invokeLambda: RunnerOptions['invokeLambda']): RunnerOptions => ({
    document,
    region: SOURCE_REGION,
    accountId: '123456789012',
    aws: { endpoint: 'http://127.0.0.1:1', credentials: MOTO_CREDENTIALS },
    clock: new VirtualClock(Date.UTC(2026, 11, 1)),
    invokeLambda,
    parameters: { Count: '2' },
  });

  it('passes InputPayload, gives the returned value as the Payload text a branch can read, and fails the step on a function error', async () => {
    const calls: unknown[] = [];
    const document = runbook(
      [
        invokeStep('Call'),
        { name: 'Decide', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'Again', Variable: '{{ Call.Payload }}', Contains: 'waiting' }], Default: 'Done' } },
        invokeStep('Again', { isEnd: true }),
        { name: 'Done', action: 'aws:sleep', isEnd: true, inputs: { Duration: 'PT1S' } },
      ],
      { Count: { type: 'String', default: '1' } },
    );
    let answer = 0;
    const result = await runRunbook(
      options(document, async ({ payload }) => {
        calls.push(payload);
        answer += 1;
        return answer === 1
          ? { kind: 'returned', payload: 'waiting: not yet', log: '' }
          : { kind: 'raised', errorType: 'Error', errorMessage: 'cluster is failed', log: '' };
      }),
    );
    expect(calls).toEqual([{ Count: '2' }, { Count: '2' }]);
    expect(result.timeline.map((t) => [t.step, t.status])).toEqual([
      ['Call', 'Success'],
      ['Decide', 'Success'],
      ['Again', 'Failed'],
    ]);
    expect(result.timeline[0].outputs).toEqual({ Payload: '"waiting: not yet"' });
    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toContain('Error: cluster is failed');
  });

  it('refuses a runbook that uses the action when no invoker was given', async () => {
    await expect(runRunbook(options(runbook([invokeStep('Call', { isEnd: true })]), undefined))).rejects.toThrow(RunbookNotSupportedError);
  });
});
