/**
 * `make bench`: sizes against their limits, how long `make template` takes
 * and how much memory it needs (median of several runs, dependencies already
 * installed), and how long a warm `make test` takes (BENCH_SKIP_TEST=1 skips
 * it). Speed and size targets live here, not in timed tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderRecoveryTemplates, renderTemplates, renderVaultTemplates, TEMPLATE_BODY_LIMIT_BYTES } from '../generator/main';
import { VAULT_ID } from '../generator/vault/logical-ids';
import { RECOVERY_ID } from '../generator/recovery/logical-ids';
import { BenchRow } from './rows';
import { benchPreflight } from './preflight';

const ROOT = path.join(__dirname, '..');
const RUNS = 7;
const DOCUMENT_CONTENT_LIMIT_BYTES = 64 * 1024;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** A template file's size and its headroom under the TemplateBody limit. */
const templateRow = (name: string, body: string): BenchRow => {
  const bytes = Buffer.byteLength(body);
  return { measure: `${name} bytes`, value: `${bytes} B (${TEMPLATE_BODY_LIMIT_BYTES - bytes} B free)`, limit: `${TEMPLATE_BODY_LIMIT_BYTES} B (TemplateBody)` };
};

function sizeRows(): BenchRow[] {
  const { yaml, json } = renderTemplates();
  const template = JSON.parse(json);
  const content: string = template.Resources.SnapshotCopyRunbook.Properties.Content['Fn::Sub'];
  return [
    templateRow('DR template (YAML)', yaml),
    templateRow('DR template (JSON)', json),
    {
      measure: 'runbook content bytes (before Fn::Sub)',
      value: `${Buffer.byteLength(content)} B`,
      limit: `${DOCUMENT_CONTENT_LIMIT_BYTES} B (SSM document)`,
    },
    ...recoverySizeRows(),
    ...vaultSizeRows(),
  ];
}

/** The vault stack's template, deployed in the vault account, against the same limits. */
function vaultSizeRows(): BenchRow[] {
  const { yaml, json } = renderVaultTemplates();
  const content: string = JSON.parse(json).Resources[VAULT_ID.document].Properties.Content['Fn::Sub'];
  return [
    templateRow('vault template (YAML)', yaml),
    templateRow('vault template (JSON)', json),
    {
      measure: 'vault runbook content bytes (before Fn::Sub)',
      value: `${Buffer.byteLength(content)} B`,
      limit: `${DOCUMENT_CONTENT_LIMIT_BYTES} B (SSM document)`,
    },
  ];
}

/** The recovery stack's template, deployed in the target Region, against the same limits. */
function recoverySizeRows(): BenchRow[] {
  const { yaml, json } = renderRecoveryTemplates();
  const content: string = JSON.parse(json).Resources[RECOVERY_ID.document].Properties.Content['Fn::Sub'];
  return [
    templateRow('recovery template (YAML)', yaml),
    templateRow('recovery template (JSON)', json),
    {
      measure: 'recovery runbook content bytes (before Fn::Sub)',
      value: `${Buffer.byteLength(content)} B`,
      limit: `${DOCUMENT_CONTENT_LIMIT_BYTES} B (SSM document)`,
    },
  ];
}

/** Runs `make template` into a scratch directory and returns wall ms and the peak RSS of its Node processes. */
function timeMakeTemplate(): { wallMs: number; peakRssKiB: number } {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Date.now()}`);
  const started = process.hrtime.bigint();
  const result = spawnSync('make', ['--no-print-directory', 'template'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'report-rss.js')}`.trim(),
    },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`make template failed:\n${result.stdout}\n${result.stderr}`);
  const peaks = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  fs.rmSync(rssFile, { force: true });
  return { wallMs, peakRssKiB: Math.max(...peaks) };
}

function generatorRows(): BenchRow[] {
  timeMakeTemplate(); // warm the file cache
  const runs = Array.from({ length: RUNS }, timeMakeTemplate);
  return [
    {
      measure: `make template wall time (median of ${RUNS})`,
      value: `${median(runs.map((r) => r.wallMs)).toFixed(0)} ms`,
      limit: 'target < 1000 ms (an AWS CDK app: ~7 s)',
    },
    {
      measure: `make template peak memory (median of ${RUNS})`,
      value: `${(median(runs.map((r) => r.peakRssKiB)) / 1024).toFixed(0)} MiB RSS`,
      limit: 'for scale: an AWS CDK app ~430 MiB',
    },
  ];
}

/**
 * One `make test`, as a developer runs it: wall time, and the CPU time of
 * every process it started (bash's `times` for its children). A first run
 * warms the caches (ts-jest, the Python bytecode, the file cache) and is not
 * counted. The load average shows how busy the machine was meanwhile.
 */
function timeMakeTest(): { wallS: number; cpuS: number; passed: boolean; summary: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync('bash', ['-c', 'make --no-print-directory test > build/bench-make-test.log 2>&1; status=$?; times; exit $status'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  // `times` prints the shell's own user/sys, then its children's: "0m41.120s 0m6.300s".
  const children = result.stdout.trim().split('\n').pop() ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  const log = fs.readFileSync(path.join(ROOT, 'build', 'bench-make-test.log'), 'utf8').trim().split('\n');
  return { wallS, cpuS: seconds, passed: result.status === 0, summary: log[log.length - 1] ?? '' };
}

function testRows(): BenchRow[] {
  if (process.env.BENCH_SKIP_TEST) return [];
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  timeMakeTest(); // warm-up, not counted
  const load = os.loadavg()[0];
  const run = timeMakeTest();
  const cores = os.cpus().length;
  return [
    {
      measure: 'warm make test wall time',
      value: `${run.wallS.toFixed(0)} s (${run.passed ? run.summary : `FAILED: ${run.summary}`})`,
      limit: `target <= 90 s on ${cores} idle cores; load average ${load.toFixed(1)} when it started`,
    },
    {
      measure: 'warm make test CPU time (all processes)',
      value: `${run.cpuS.toFixed(0)} s`,
      limit: `${(run.cpuS / cores).toFixed(0)} s of wall time at best on ${cores} cores`,
    },
  ];
}

function print(rows: BenchRow[]): void {
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((row) => [row.measure, row.value, row.limit][i].length), ['measure', 'value', 'limit'][i].length),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(line(['measure', 'value', 'limit']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line([row.measure, row.value, row.limit]));
}

async function main(): Promise<void> {
  const rows = [...sizeRows(), ...generatorRows(), ...(await benchPreflight()), ...testRows()];
  print(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
