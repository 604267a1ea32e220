/**
 * What the user sees while a command waits and when it ends: one line per
 * stack event, the first resource that failed, tables and ages. Pure
 * formatting, so it is tested without AWS.
 */
import { StackEvent } from '@aws-sdk/client-cloudformation';

/** Where a command writes. stdout carries progress and results; stderr carries errors. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `2026-11-30 03:00:04` in UTC: the timestamps of CloudFormation, SSM and RDS all read the same. */
export function utc(date: Date | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') : '-';
}

/** One line per stack event: time, status, resource (type), reason. */
export function formatStackEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${(event.ResourceStatus ?? '').padEnd(34)}  ${event.LogicalResourceId} (${event.ResourceType})${reason}`;
}

/**
 * CloudFormation cancels the resources that were in progress when another
 * failed; their events say so and are not the cause.
 */
const CONSEQUENTIAL = /^Resource (creation|update) cancelled$/;

/**
 * The first event, oldest first, of a resource that failed for its own
 * reason. A failed resource's event beats the stack's own summary event,
 * which only says that "The following resource(s) failed".
 */
export function firstFailure(eventsOldestFirst: StackEvent[]): StackEvent | undefined {
  const failed = eventsOldestFirst.filter(
    (e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason && !CONSEQUENTIAL.test(e.ResourceStatusReason),
  );
  return failed.find((e) => e.ResourceType !== 'AWS::CloudFormation::Stack' || e.PhysicalResourceId !== e.StackId) ?? failed[0];
}

/** The failing resource and its reason, the reason verbatim: the preflight's reason is written for the user. */
export function describeFailure(event: StackEvent): string[] {
  return [`${event.LogicalResourceId} (${event.ResourceType}) ${event.ResourceStatus}:`, `  ${event.ResourceStatusReason}`];
}

/** Left-aligned columns; the last column is not padded, so long reasons do not push trailing spaces. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `3d 4h`, `5h 12m`, `7m`: precise enough for a recovery point, short enough for a table. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${rest}m`;
  return `${rest}m`;
}

/** Hours as the user thinks of them: `38h`, `1h 30m`. */
export function formatHours(hours: number): string {
  return Number.isInteger(hours) ? `${hours}h` : formatDuration(hours * 3_600_000);
}
