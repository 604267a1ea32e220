/**
 * The recovery stack's side of `status`, read in the target Region without
 * the source Region: the recovery stacks that watch this source stack's
 * copies (their SourceStackId parameter is its ARN), the state of each one's
 * copy-age alarm, the worst-case RPO its watchdog measured, and its last
 * drill's verdict and figures from the metrics the drills publish. Given a
 * recovery stack itself, `status` prints the same with the newest copy, and
 * calls nothing outside the recovery stack's Region (recoveryStackStatus):
 * the view for the day the source Region is down.
 */
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsForMetricCommand, DescribeAlarmsForMetricCommandInput, GetMetricDataCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { EXIT } from '../shared/commands';
import { Context, describeError } from '../shared/context';
import { reportRecoveryPoint } from '../dr/status';
import { formatHours, utc } from '../shared/progress';
import { RECOVERY_METRIC, RECOVERY_PARAM } from '../../custom-resource/recovery/contract';

/** Drills run weekly by default; this finds the last one of a monthly schedule too. */
export const DRILL_LOOKBACK_DAYS = 90;
const HOUR_SECONDS = 3600;

export interface DrillResult {
  at: Date;
  succeeded: boolean;
  /** The RTO, total and split; a failed drill has none. */
  restoreMinutes?: number;
  clusterRestoreMinutes?: number;
  writerMinutes?: number;
  /** The validation function's login and answer (the RTO's last part), when it said yes. */
  loginMinutes?: number;
  /** The validation function's verdict, 1 or 0; none when the stack names no function. */
  validated?: number;
  /** How old the restored copy's recovery point was when the drill started (not the RPO). */
  copyAgeHours?: number;
  /** How many attributes of the drill's cluster were unlike the configuration captured with its copy. */
  differences?: number;
}

export interface RecoveryFigures {
  drill?: DrillResult;
  /** The newest worst-case RPO the watchdog published, and when. */
  worstCaseRpo?: { hours: number; at: Date };
}

/** What the recovery side adds to the exit code: a problem seen (3) or a part that could not be read (1). */
export type RecoveryFinding = 'ok' | 'problem' | 'unreadable';

const parameterOf = (stack: Stack, key: string) => stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
const outputOf = (stack: Stack, key: string) => stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;

/** Stacks of the target Region whose SourceStackId is this source stack: its recovery stacks (normally one). */
export async function findRecoveryStacks(context: Context, region: string, sourceStackId: string): Promise<Stack[]> {
  const cfn = context.clients.cloudFormation(region);
  const found: Stack[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ NextToken }));
    found.push(...(page.Stacks ?? []).filter((s) => parameterOf(s, RECOVERY_PARAM.sourceStackId) === sourceStackId));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

const dimensions = (recoveryStack: string) => [{ Name: RECOVERY_METRIC.dimension, Value: recoveryStack }];

/** The one alarm on a metric, as its stack made it. */
export async function alarmOn(context: Context, region: string, metric: DescribeAlarmsForMetricCommandInput): Promise<MetricAlarm | undefined> {
  const { MetricAlarms } = await context.clients.cloudWatch(region).send(new DescribeAlarmsForMetricCommand(metric));
  return MetricAlarms?.[0];
}

/** The copy-age alarm of a recovery stack: the one alarm on its NewestCopyAgeHours. */
export const copyAgeAlarm = (context: Context, region: string, recoveryStack: string): Promise<MetricAlarm | undefined> =>
  alarmOn(context, region, { Namespace: RECOVERY_METRIC.namespace, MetricName: RECOVERY_METRIC.newestCopyAgeHours, Dimensions: dimensions(recoveryStack) });

/** The figures of each drill, by query id: the metric and its key in DrillResult. */
const DRILL_FIGURES: [keyof DrillResult, string][] = [
  ['restoreMinutes', RECOVERY_METRIC.drillRestoreMinutes],
  ['clusterRestoreMinutes', RECOVERY_METRIC.drillClusterRestoreMinutes],
  ['writerMinutes', RECOVERY_METRIC.drillWriterMinutes],
  ['loginMinutes', RECOVERY_METRIC.drillLoginMinutes],
  ['validated', RECOVERY_METRIC.drillValidationSucceeded],
  ['copyAgeHours', RECOVERY_METRIC.drillCopyAgeHours],
  ['differences', RECOVERY_METRIC.drillFidelityDifferences],
];

/**
 * The newest drill (DrillSucceeded's newest datapoint, with the figures
 * published in the same hour: a failed drill has none) and the newest
 * worst-case RPO, in one read of CloudWatch in the recovery stack's Region.
 */
export async function recoveryFigures(context: Context, region: string, recoveryStack: string): Promise<RecoveryFigures> {
  const now = context.now();
  const query = (id: string, metric: string, stat: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: RECOVERY_METRIC.namespace, MetricName: metric, Dimensions: dimensions(recoveryStack) },
      Period: HOUR_SECONDS,
      Stat: stat,
    },
  });
  const series: { [id: string]: { at: number; value: number }[] } = {};
  let NextToken: string | undefined;
  do {
    const page = await context.clients.cloudWatch(region).send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - DRILL_LOOKBACK_DAYS * 86_400_000),
        EndTime: now,
        ScanBy: 'TimestampDescending',
        // A failure in the same hour as a success counts: the verdict takes the hour's Minimum.
        MetricDataQueries: [
          query('verdict', RECOVERY_METRIC.drillSucceeded, 'Minimum'),
          ...DRILL_FIGURES.map(([id, metric]) => query(id, metric, 'Maximum')),
          query('worst', RECOVERY_METRIC.worstCaseRpoHours, 'Maximum'),
        ],
        NextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const points = (series[result.Id!] ??= []);
      (result.Timestamps ?? []).forEach((t, i) => points.push({ at: t.getTime(), value: result.Values![i] }));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  const newest = (id: string) => (series[id] ?? []).sort((a, b) => b.at - a.at)[0];
  const worst = newest('worst');
  const figures: RecoveryFigures = worst ? { worstCaseRpo: { hours: worst.value, at: new Date(worst.at) } } : {};
  const verdict = newest('verdict');
  if (verdict) {
    const drill: DrillResult = { at: new Date(verdict.at), succeeded: verdict.value >= 1 };
    for (const [id] of DRILL_FIGURES) {
      const value = series[id]?.find((p) => p.at === verdict.at)?.value;
      if (value !== undefined) (drill[id] as number) = value;
    }
    figures.drill = drill;
  }
  return figures;
}

function alarmLine(alarm: MetricAlarm | undefined): string {
  if (!alarm) return 'Copy-age alarm: not found (a recovery stack from before the copy-age watchdog? Update it).';
  const allowed = alarm.Threshold === undefined ? '' : ` (allowed ${formatHours(alarm.Threshold)})`;
  const line = `Copy-age alarm: ${alarm.StateValue} since ${utc(alarm.StateUpdatedTimestamp)} UTC${allowed}`;
  return alarm.StateValue === 'ALARM' ? `${line}: ${alarm.StateReason}` : line;
}

const figure = (value: number) => +value.toFixed(1);

function drillLine(drill: DrillResult | undefined, stack: Stack): string {
  if (!drill) {
    const schedule = parameterOf(stack, RECOVERY_PARAM.drillSchedule);
    return `Last drill: none in the last ${DRILL_LOOKBACK_DAYS} days (drill schedule: ${schedule ? `${schedule} UTC` : 'off'}).`;
  }
  // The metrics are read by the hour, so the hour is what is known.
  const hour = utc(drill.at).slice(0, 13);
  const when = `Last drill: ${hour}:00-${String((drill.at.getUTCHours() + 1) % 24).padStart(2, '0')}:00 UTC`;
  if (!drill.succeeded) {
    const unlike = drill.differences ? ` (${drill.differences} attributes unlike the source: its run names them)` : '';
    const refused = drill.validated === 0 ? ' (the validation function said no: its run says why)' : '';
    return `${when}, FAILED: the restore did not verify${unlike}${refused}.`;
  }
  const split = [
    ['cluster restore', drill.clusterRestoreMinutes],
    ['writer', drill.writerMinutes],
    ['login', drill.loginMinutes],
  ]
    .filter(([, minutes]) => minutes !== undefined)
    .map(([name, minutes]) => `${name} ${figure(minutes as number)}`);
  const rto =
    drill.restoreMinutes === undefined ? '' : `, RTO ${figure(drill.restoreMinutes)} min${split.length ? ` (${split.join(', ')})` : ''}`;
  const copyAge = drill.copyAgeHours === undefined ? '' : `, copy age at drill ${figure(drill.copyAgeHours)}h`;
  const validated = drill.validated === 1 ? ', validated by the validation function' : '';
  return `${when}, VERIFIED${rto}${copyAge}${validated}.`;
}

function worstCaseLine(worst: RecoveryFigures['worstCaseRpo']): string {
  if (!worst) return 'Worst-case RPO: not measured yet (the hourly check publishes it).';
  return `Worst-case RPO: ${figure(worst.hours)}h (measured ${utc(worst.at).slice(0, 16)} UTC): the most data a disaster can take, from one recovery point until the next copy is available.`;
}

/**
 * Prints the recovery side of `status`. A failure to read it is reported and
 * does not hide the rest; no recovery stack is not a problem (it is optional).
 */
export async function reportRecoveryStacks(context: Context, region: string, sourceStackId: string): Promise<RecoveryFinding> {
  const { out, err } = context.output;
  let stacks: Stack[];
  try {
    stacks = await findRecoveryStacks(context, region, sourceStackId);
  } catch (error) {
    err(`Recovery stack: could not be looked up in ${region}: ${describeError(error, undefined)}`);
    return 'unreadable';
  }
  out('');
  if (stacks.length === 0) {
    out(`Recovery stack in ${region}: none has ${RECOVERY_PARAM.sourceStackId} ${sourceStackId}.`);
    out('  Deploy one to restore with one command, drill restores and be alarmed when copies stop: docs/recovery.md.');
    return 'ok';
  }
  let finding: RecoveryFinding = 'ok';
  for (const stack of stacks) {
    out(`Recovery stack in ${region}: ${stack.StackName} (${stack.StackStatus})`);
    finding = worse(finding, await reportObjectives(context, region, stack));
  }
  return finding;
}

const worse = (a: RecoveryFinding, b: RecoveryFinding): RecoveryFinding => (a === 'unreadable' || b === 'unreadable' ? 'unreadable' : a === 'problem' ? a : b);

/** The copy-age alarm, the worst-case RPO and the last drill of one recovery stack, from CloudWatch in its Region. */
async function reportObjectives(context: Context, region: string, stack: Stack): Promise<RecoveryFinding> {
  const { out, err } = context.output;
  const name = stack.StackName!;
  let alarm: MetricAlarm | undefined;
  let figures: RecoveryFigures;
  try {
    [alarm, figures] = await Promise.all([copyAgeAlarm(context, region, name), recoveryFigures(context, region, name)]);
  } catch (error) {
    err(`Recovery stack ${name}: its alarm and drill metrics could not be read from CloudWatch in ${region}: ${describeError(error, undefined)}`);
    return 'unreadable';
  }
  const { drill, worstCaseRpo } = figures;
  out(`  ${alarmLine(alarm)}`);
  out(`  ${worstCaseLine(worstCaseRpo)}`);
  out(`  ${drillLine(drill, stack)}`);
  if (alarm?.StateValue !== 'ALARM' && (drill === undefined || drill.succeeded)) return 'ok';
  const runbook = outputOf(stack, 'RecoveryRunbookName');
  out('  What each alarm means and what to check first: docs/alarms.md.');
  if (drill && !drill.succeeded && runbook) {
    out(`  The drill's run: aws ssm describe-automation-executions --region ${region} --filters Key=DocumentNamePrefix,Values=${runbook}`);
  }
  return 'problem';
}

/**
 * `status` of a recovery stack: the newest copy and its recovery point, the
 * worst-case RPO, the copy-age alarm and the last drill, every call in the
 * recovery stack's own Region, so it answers while the source Region is down.
 */
export async function recoveryStackStatus(context: Context, stack: Stack, region: string): Promise<number> {
  const { out, err } = context.output;
  const parameter = (key: string) => parameterOf(stack, key) ?? '';
  const sourceStackId = parameter(RECOVERY_PARAM.sourceStackId);
  const cluster = parameter(RECOVERY_PARAM.cluster);
  out(`Recovery stack ${stack.StackName} in ${region}: ${stack.StackStatus}`);
  out(`Protects  ${cluster}, copied by ${sourceStackId} (its Region is not called)`);
  out(`Runbook   ${outputOf(stack, 'RecoveryRunbookName') ?? '(no RecoveryRunbookName output: the stack is not complete)'}`);
  out('');
  let stale = false;
  let unreadable = false;
  try {
    stale = await reportRecoveryPoint(context, {
      region,
      sourceStackId,
      cluster,
      schedule: parameter(RECOVERY_PARAM.sourceSchedule),
      copyTimeoutHours: Number(parameter(RECOVERY_PARAM.copyTimeout)),
      maxCopyAgeHours: Number(parameter(RECOVERY_PARAM.maxCopyAge)),
      stackCreated: stack.CreationTime,
      owner: 'the source stack',
    });
  } catch (error) {
    err(`Recovery point: the copies could not be read from RDS in ${region}: ${describeError(error, undefined)}`);
    unreadable = true;
  }
  out('');
  out('Recovery objectives:');
  const objectives = await reportObjectives(context, region, stack);
  if (stale || objectives === 'problem') return EXIT.stale;
  return unreadable || objectives === 'unreadable' ? EXIT.failed : EXIT.ok;
}
