/**
 * The recovery stack's side of `status`, read in the target Region without
 * the source Region: the recovery stacks that watch this source stack's
 * copies (their SourceStackId parameter is its ARN), the state of each one's
 * copy-age alarm, and its last drill's verdict and figures from the metrics
 * the drills publish.
 */
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsForMetricCommand, GetMetricDataCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { Context, describeError } from '../shared/context';
import { formatHours, utc } from '../shared/progress';
import { RECOVERY_METRIC, RECOVERY_PARAM } from '../../custom-resource/recovery/contract';

/** Drills run weekly by default; this finds the last one of a monthly schedule too. */
export const DRILL_LOOKBACK_DAYS = 90;
const HOUR_SECONDS = 3600;

export interface DrillResult {
  at: Date;
  succeeded: boolean;
  restoreMinutes?: number;
  recoveryPointHours?: number;
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

/** The copy-age alarm of a recovery stack: the one alarm on its NewestCopyAgeHours. */
export async function copyAgeAlarm(context: Context, region: string, recoveryStack: string): Promise<MetricAlarm | undefined> {
  const { MetricAlarms } = await context.clients.cloudWatch(region).send(
    new DescribeAlarmsForMetricCommand({
      Namespace: RECOVERY_METRIC.namespace,
      MetricName: RECOVERY_METRIC.newestCopyAgeHours,
      Dimensions: dimensions(recoveryStack),
    }),
  );
  return MetricAlarms?.[0];
}

/** The newest drill: DrillSucceeded's newest datapoint, and the RTO and RPO published with it (a failed drill has none). */
export async function lastDrill(context: Context, region: string, recoveryStack: string): Promise<DrillResult | undefined> {
  const now = context.now();
  const query = (id: string, metric: string, stat: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: RECOVERY_METRIC.namespace, MetricName: metric, Dimensions: dimensions(recoveryStack) },
      Period: HOUR_SECONDS,
      Stat: stat,
    },
  });
  const series: { [id: string]: { at: number; value: number }[] } = { verdict: [], rto: [], rpo: [] };
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
          query('rto', RECOVERY_METRIC.drillRestoreMinutes, 'Maximum'),
          query('rpo', RECOVERY_METRIC.drillRecoveryPointHours, 'Maximum'),
        ],
        NextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      (result.Timestamps ?? []).forEach((t, i) => series[result.Id!]?.push({ at: t.getTime(), value: result.Values![i] }));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  const newest = series.verdict.sort((a, b) => b.at - a.at)[0];
  if (!newest) return undefined;
  const sameHour = (points: { at: number; value: number }[]) => points.find((p) => p.at === newest.at)?.value;
  return { at: new Date(newest.at), succeeded: newest.value >= 1, restoreMinutes: sameHour(series.rto), recoveryPointHours: sameHour(series.rpo) };
}

function alarmLine(alarm: MetricAlarm | undefined): string {
  if (!alarm) return 'Copy-age alarm: not found (a recovery stack from before the copy-age watchdog? Update it).';
  const allowed = alarm.Threshold === undefined ? '' : ` (allowed ${formatHours(alarm.Threshold)})`;
  const line = `Copy-age alarm: ${alarm.StateValue} since ${utc(alarm.StateUpdatedTimestamp)} UTC${allowed}`;
  return alarm.StateValue === 'ALARM' ? `${line}: ${alarm.StateReason}` : line;
}

function drillLine(drill: DrillResult | undefined, stack: Stack): string {
  if (!drill) {
    const schedule = parameterOf(stack, RECOVERY_PARAM.drillSchedule);
    return `Last drill: none in the last ${DRILL_LOOKBACK_DAYS} days (drill schedule: ${schedule ? `${schedule} UTC` : 'off'}).`;
  }
  // The metrics are read by the hour, so the hour is what is known.
  const hour = utc(drill.at).slice(0, 13);
  const when = `Last drill: ${hour}:00-${String((drill.at.getUTCHours() + 1) % 24).padStart(2, '0')}:00 UTC`;
  if (!drill.succeeded) return `${when}, FAILED: the restore did not verify.`;
  const rto = drill.restoreMinutes === undefined ? '' : `, restore ${+drill.restoreMinutes.toFixed(1)} min (RTO)`;
  const rpo = drill.recoveryPointHours === undefined ? '' : `, recovery point ${+drill.recoveryPointHours.toFixed(1)}h old (RPO)`;
  return `${when}, VERIFIED${rto}${rpo}.`;
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
    const name = stack.StackName!;
    out(`Recovery stack in ${region}: ${name} (${stack.StackStatus})`);
    let alarm: MetricAlarm | undefined;
    let drill: DrillResult | undefined;
    try {
      [alarm, drill] = await Promise.all([copyAgeAlarm(context, region, name), lastDrill(context, region, name)]);
    } catch (error) {
      err(`Recovery stack ${name}: its alarm and drill metrics could not be read from CloudWatch in ${region}: ${describeError(error, undefined)}`);
      finding = 'unreadable';
      continue;
    }
    out(`  ${alarmLine(alarm)}`);
    out(`  ${drillLine(drill, stack)}`);
    const troubled = alarm?.StateValue === 'ALARM' || (drill !== undefined && !drill.succeeded);
    if (troubled) {
      const runbook = outputOf(stack, 'RecoveryRunbookName');
      out('  What each alarm means and what to check first: docs/alarms.md.');
      if (drill && !drill.succeeded && runbook) {
        out(`  The drill's run: aws ssm describe-automation-executions --region ${region} --filters Key=DocumentNamePrefix,Values=${runbook}`);
      }
      if (finding === 'ok') finding = 'problem';
    }
  }
  return finding;
}
