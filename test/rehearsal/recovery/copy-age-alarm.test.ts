/**
 * The copy-age alarm, rehearsed over simulated days. The source stack's
 * runbook makes a copy every day at its scheduled hour, the watchdog's check
 * runs every hour on the virtual clock (as the recovery stack's rule runs it)
 * and publishes to moto's CloudWatch, and the alarm's rule — read from the
 * generated recovery template: period, statistic, comparison, threshold and
 * missing-data treatment — is evaluated against the datapoints moto holds.
 * The threshold is the recovery preflight's AllowedCopyAgeHours for the
 * recovery stack's parameters, as copied from the source stack.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { WATCHDOG_ID } from '../../../generator/recovery/watchdog';
import { RECOVERY_DATA, RECOVERY_METRIC, RECOVERY_PARAM } from '../../../custom-resource/recovery/contract';
import { copyAgeRule } from '../../../custom-resource/shared/staleness';
import { checkNewestCopy } from '../../../custom-resource/recovery/watchdog/check';
import { useIsolatedAwsEnv } from '../../cli/support';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { LoadedTemplate, resolveStackParameters } from '../shared/intrinsics';
import { recoveryTemplate } from './recovery-world';
import { DAY_MS, RehearsalWorld, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, useRehearsalWorld } from '../shared/scenario-support';

// About a hundred hourly checks on the virtual clock, each a handful of calls to moto: room for a busy machine.
jest.setTimeout(180_000);

const HOUR = 3_600_000;
const CLUSTER = 'orders-db';
const RECOVERY_STACK = 'orders-db-recovery';
const world = useRehearsalWorld();

/**
 * The alarm as the template defines it. alarmRule accepts only the shape this
 * evaluator implements: one period's Maximum greater than the threshold, a
 * period without a datapoint breaching.
 */
interface AlarmRule {
  periodMs: number;
  threshold: number;
}

/** The alarm's rule for a recovery stack made from the source stack's values, its threshold as the preflight computes it. */
function alarmRule(template: LoadedTemplate, source: Stack): AlarmRule {
  const alarm = template.Resources[WATCHDOG_ID.alarm].Properties as { [key: string]: any };
  expect(alarm.Threshold).toEqual({ 'Fn::GetAtt': [RECOVERY_ID.preflight, RECOVERY_DATA.allowedCopyAgeHours] });
  expect(alarm).toMatchObject({
    Namespace: RECOVERY_METRIC.namespace,
    MetricName: RECOVERY_METRIC.newestCopyAgeHours,
    Statistic: 'Maximum',
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'breaching',
  });
  const p = resolveStackParameters(template, {
    [RECOVERY_PARAM.cluster]: CLUSTER,
    [RECOVERY_PARAM.sourceStackId]: source.stackId,
    [RECOVERY_PARAM.kmsKey]: source.targetKeyArn,
    [RECOVERY_PARAM.subnetGroup]: 'restores',
    [RECOVERY_PARAM.securityGroups]: 'sg-0123456789abcdef0',
    [RECOVERY_PARAM.sourceSchedule]: source.parameters.ScheduleExpression,
    [RECOVERY_PARAM.copyTimeout]: source.parameters.CopyTimeoutHours,
  });
  const allowed = copyAgeRule(p[RECOVERY_PARAM.sourceSchedule], +p[RECOVERY_PARAM.copyTimeout], +p[RECOVERY_PARAM.maxCopyAge]);
  return { periodMs: alarm.Period * 1000, threshold: allowed!.allowedHours };
}

interface Datapoint {
  at: number;
  hours: number;
}

interface PeriodState {
  start: number;
  state: 'OK' | 'ALARM';
  value?: number;
}

/**
 * The alarm's state for each period from `from` to `to`, by its rule. Real
 * CloudWatch looks back a few periods before it lets missing data breach, so a
 * check that stops alarms a little later than here; a datapoint over the
 * threshold alarms as here.
 */
function evaluate(rule: AlarmRule, points: Datapoint[], from: number, to: number): PeriodState[] {
  const states: PeriodState[] = [];
  for (let start = Math.floor(from / rule.periodMs) * rule.periodMs; start < to; start += rule.periodMs) {
    const inPeriod = points.filter((p) => p.at >= start && p.at < start + rule.periodMs).map((p) => p.hours);
    if (inPeriod.length === 0) states.push({ start, state: 'ALARM' });
    else {
      const value = Math.max(...inPeriod);
      states.push({ start, state: value > rule.threshold ? 'ALARM' : 'OK', value });
    }
  }
  return states;
}

interface Watch {
  recoveryStackId: string;
  created: number;
  /** One hourly check at the virtual now; returns the age it published. */
  check(): Promise<number>;
  /** What moto's CloudWatch holds for the recovery stack, oldest first. */
  published(from: number, to: number): Promise<Datapoint[]>;
}

async function startWatching(w: RehearsalWorld, sourceStackId: string): Promise<Watch> {
  const config = { region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS };
  const cfn = new CloudFormationClient(config);
  // A stand-in with the parameters the check reads: which copies to watch.
  const body = JSON.stringify({
    Parameters: { SourceStackId: { Type: 'String' }, DBClusterIdentifier: { Type: 'String' } },
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
  });
  const { StackId } = await cfn.send(
    new CreateStackCommand({
      StackName: RECOVERY_STACK,
      TemplateBody: body,
      Parameters: [
        { ParameterKey: 'SourceStackId', ParameterValue: sourceStackId },
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: CLUSTER },
      ],
    }),
  );
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: StackId }));
  const cloudWatch = new CloudWatchClient(config);
  return {
    recoveryStackId: StackId!,
    created: Stacks![0].CreationTime!.getTime(),
    check: async () => {
      const measured = await checkNewestCopy(
        { region: TARGET_REGION, recoveryStackId: StackId! },
        w.clock.now(),
      );
      return measured.ageHours;
    },
    published: async (from, to) => {
      const { Datapoints } = await cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: RECOVERY_METRIC.namespace,
          MetricName: RECOVERY_METRIC.newestCopyAgeHours,
          Dimensions: [{ Name: RECOVERY_METRIC.dimension, Value: RECOVERY_STACK }],
          StartTime: new Date(from),
          EndTime: new Date(to),
          Period: 60,
          Statistics: ['Maximum'],
        }),
      );
      return (Datapoints ?? []).map((d) => ({ at: d.Timestamp!.getTime(), hours: d.Maximum! })).sort((a, b) => a.at - b.at);
    },
  };
}

let restoreEnv: () => void;
beforeEach(() => {
  // The check makes its clients as the Lambda does, from the environment: here, the rehearsal's moto.
  restoreEnv = useIsolatedAwsEnv(world().moto.endpoint);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  restoreEnv();
  jest.restoreAllMocks();
});

async function deploySource(w: RehearsalWorld): Promise<Stack> {
  await w.createEncryptedCluster(CLUSTER);
  const keyArn = await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  return w.createStack({ clusterId: CLUSTER, kmsTargetKey: keyArn });
}

/** The next 00:00 UTC of virtual time. */
const nextMidnight = (now: number) => Math.ceil(now / DAY_MS) * DAY_MS;

describe('the copy-age alarm over simulated days', () => {
  it('stays OK while daily copies arrive, and is met within one check after the allowed staleness once the schedule stops', async () => {
    const w = world();
    const source = await deploySource(w);
    const watch = await startWatching(w, source.stackId);
    const rule = alarmRule(recoveryTemplate(), source);
    expect(rule.threshold).toBe(38); // cron(0 3 * * ? *): 24h gap + 2h snapshot + 12h copy timeout
    expect(source.parameters.ScheduleExpression).toBe('cron(0 3 * * ? *)');

    const start = nextMidnight(w.clock.now());
    const scheduleDays = 3;
    let lastCopy = 0;
    // Hour by hour: the 03:00 run while the schedule lasts, and the hourly check half past every hour.
    for (let hour = 0; lastCopy === 0 || start + hour * HOUR <= lastCopy + rule.threshold * HOUR + 2 * HOUR; hour++) {
      const hourStart = start + hour * HOUR;
      if (hour % 24 === 3 && hour < scheduleDays * 24) {
        await w.clock.advanceTo(hourStart);
        expectStatus(await w.run(source), 'Success');
        const copies = await w.stackSnapshots(TARGET_REGION, source);
        lastCopy = Math.max(...copies.map((copy) => copy.createdAt!.getTime()));
      }
      await w.clock.advanceTo(hourStart + HOUR / 2);
      await watch.check();
    }

    const end = w.clock.now() + 1;
    const states = evaluate(rule, await watch.published(start, end), start, end);
    const due = lastCopy + rule.threshold * HOUR;
    const firstAlarm = states.find((period) => period.state === 'ALARM')!;
    // Never before the allowed staleness has passed: every period up to it is OK.
    expect(states.filter((period) => period.start + rule.periodMs <= due).every((period) => period.state === 'OK')).toBe(true);
    // And met within one check interval after it.
    expect(firstAlarm.start + rule.periodMs).toBeGreaterThan(due);
    expect(firstAlarm.start).toBeLessThanOrEqual(due + rule.periodMs);
    expect(firstAlarm.value).toBeGreaterThan(rule.threshold);
    expect(firstAlarm.value).toBeLessThanOrEqual(rule.threshold + rule.periodMs / HOUR);
    // While copies arrived, the newest was never more than a day and the run's own time old.
    const whileScheduled = states.filter((period) => period.start < start + scheduleDays * DAY_MS && period.start >= start + 4 * HOUR);
    expect(Math.max(...whileScheduled.map((period) => period.value!))).toBeLessThan(24 + 1);
  });

  it('counts a recovery stack that never saw a copy from its creation: OK for the allowed age, then met within one check', async () => {
    const w = world();
    const source = await deploySource(w);
    const watch = await startWatching(w, source.stackId);
    const rule = alarmRule(recoveryTemplate(), source);

    const start = watch.created;
    for (let hour = 0; hour <= rule.threshold + 2; hour++) {
      await w.clock.advanceTo(start + hour * HOUR + HOUR / 2);
      await watch.check();
    }
    const end = w.clock.now() + 1;
    const states = evaluate(rule, await watch.published(start, end), start + HOUR, end);
    const due = start + rule.threshold * HOUR;
    const firstAlarm = states.find((period) => period.state === 'ALARM')!;
    expect(states.filter((period) => period.start + rule.periodMs <= due).every((period) => period.state === 'OK')).toBe(true);
    expect(firstAlarm.start).toBeLessThanOrEqual(due + rule.periodMs);
    expect(firstAlarm.value).toBeGreaterThan(rule.threshold);
  });

  it('alarms when the check itself stops publishing, though copies still arrive', async () => {
    const w = world();
    const source = await deploySource(w);
    const watch = await startWatching(w, source.stackId);
    const rule = alarmRule(recoveryTemplate(), source);

    const start = nextMidnight(w.clock.now());
    await w.clock.advanceTo(start + 3 * HOUR);
    expectStatus(await w.run(source), 'Success');
    for (let hour = 3; hour < 10; hour++) {
      await w.clock.advanceTo(start + hour * HOUR + HOUR / 2);
      await watch.check();
    }
    // From 10:00 the check publishes nothing (its function fails, or its rule is disabled).
    await w.clock.advanceTo(start + 12 * HOUR);

    const states = evaluate(rule, await watch.published(start, w.clock.now()), start + 3 * HOUR, start + 12 * HOUR);
    expect(states.map((period) => period.state)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'ALARM', 'ALARM']);
    expect(states.slice(0, 7).every((period) => period.value! < 8)).toBe(true);
  });
});
