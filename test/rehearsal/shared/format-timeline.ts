/**
 * An execution's timeline as a person reads it: one line per step run, with
 * virtual time since the start, what went in that matters and what came out.
 * Used by `make rehearse` and by the scenarios when a run is not what they
 * expected, so a failing test shows the run it saw.
 */
import { ExecutionResult, TimelineEntry } from './runbook-runner';

const MAX_VALUE = 110;

function clip(text: string, max = MAX_VALUE): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "+2h05m10s" from seconds. */
export function formatElapsed(seconds: number): string {
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [d ? `${d}d` : '', d || h ? `${h}h` : '', `${String(m).padStart(d || h ? 2 : 1, '0')}m`, `${String(rest).padStart(2, '0')}s`];
  return `+${parts.join('')}`;
}

function inputsWorthShowing(entry: TimelineEntry): string[] {
  const inputs = (entry.inputs ?? {}) as { [key: string]: unknown };
  if (entry.action === 'aws:executeScript') {
    const payload = (inputs.InputPayload ?? {}) as { [key: string]: unknown };
    return Object.entries(payload)
      .filter(([key]) => key !== 'TagKeys' && key !== 'Metric')
      .map(([key, value]) => `${key}=${show(value)}`);
  }
  if (entry.action === 'aws:sleep') return [`${inputs.Duration ?? inputs.Timestamp}`];
  if (entry.action === 'aws:branch') return [];
  return Object.entries(inputs).map(([key, value]) => `${key}=${show(value)}`);
}

export function formatTimeline(result: ExecutionResult, options: { showLogs?: boolean } = {}): string {
  const start = Date.parse(result.startedAt);
  const lines: string[] = [];
  lines.push(`execution ${result.executionId}`);
  if (result.assumeRole) lines.push(`  assumes ${result.assumeRole} (recorded; moto does not check roles)`);
  lines.push('');
  const width = Math.max(...result.timeline.map((entry) => entry.step.length), 4);
  result.timeline.forEach((entry, index) => {
    const at = formatElapsed((Date.parse(entry.startedAt) - start) / 1000).padStart(10);
    const mark = entry.status === 'Success' ? 'ok  ' : entry.status === 'TimedOut' ? 'TIME' : entry.status === 'Cancelled' ? 'STOP' : 'FAIL';
    const attempts = entry.attempts > 1 ? ` (${entry.attempts} attempts)` : '';
    const took = entry.durationVirtual >= 1 ? ` took ${formatElapsed(entry.durationVirtual).slice(1)}` : '';
    lines.push(`${String(index + 1).padStart(3)} ${at}  ${mark} ${entry.step.padEnd(width)}  ${entry.action}${attempts}${took}`);
    const inputs = inputsWorthShowing(entry);
    if (inputs.length > 0) lines.push(`${' '.repeat(21)}in:  ${clip(inputs.join(', '))}`);
    for (const [name, value] of Object.entries(entry.outputs)) {
      lines.push(`${' '.repeat(21)}out: ${name} = ${clip(show(value))}`);
    }
    if (entry.error) lines.push(`${' '.repeat(21)}error: ${entry.error}`);
    if (entry.next && entry.action === 'aws:branch') lines.push(`${' '.repeat(21)}→ ${entry.next}`);
    if (options.showLogs && entry.log) {
      for (const logLine of entry.log.trimEnd().split('\n')) lines.push(`${' '.repeat(21)}| ${logLine}`);
    }
  });
  lines.push('');
  const elapsed = formatElapsed((Date.parse(result.endedAt) - start) / 1000);
  lines.push(`status: ${result.status} after ${elapsed.slice(1)} of virtual time, ${result.timeline.length} step runs`);
  if (result.failureMessage) lines.push(`failure: ${result.failureMessage}`);
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
