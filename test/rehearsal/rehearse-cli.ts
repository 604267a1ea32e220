/**
 * `make rehearse`: what the stacks will do, with no AWS account. Starts moto on
 * a free loopback port, creates an encrypted Aurora PostgreSQL cluster
 * configured as production clusters are (custom parameter groups, I/O-Optimized
 * storage, IAM auth, log exports, tags, a password Secrets Manager manages, a
 * non-default port) and the two KMS keys, "creates the stack" (parameters
 * checked, preflight rules applied), runs the runbook from the generated
 * template once and prints the timeline and the snapshots left in both
 * Regions. Then, in the target Region, it creates the recovery stack, runs one
 * restore drill and prints its timeline, the measured RTO and the honest RPO;
 * and last a restore with every call to the source Region failing, printing the
 * restored cluster beside the source attribute by attribute and how to log in.
 * moto is stopped afterwards, also when anything fails or the user presses Ctrl-C.
 *
 *   npx tsx test/rehearsal/rehearse-cli.ts [--template FILE] [--logs]
 */
import * as path from 'path';
import { MotoClockServer, startMotoClockServer } from '../support/moto-clock-server';
import { formatTimeline } from './shared/format-timeline';
import { RehearsalWorld, rehearsedTemplateFile, SnapshotView, SOURCE_REGION, Stack, TARGET_REGION } from './shared/rehearsal-world';
import { RecoveryWorld } from './recovery/recovery-world';
import { worstCaseRpoHours } from '../../custom-resource/shared/staleness';
import { RECOVERY_OUTPUT } from '../../generator/recovery/document';
import { RunReport } from '../../custom-resource/recovery/run/contract';
import { Attributes, SOURCES, attributes, createConfiguredSource } from './recovery/configured-source';

/** The PostgreSQL source of the restore rehearsals. */
const SOURCE = SOURCES[0];
const CLUSTER = SOURCE.cluster;
const TARGET_KEY_ALIAS = 'alias/aurora-dr-copies';
/** moto's snapshots are available at once; these make the waits of a real run visible. */
const SNAPSHOT_TAKES_SECONDS = 4 * 60;
const COPY_TAKES_SECONDS = 20 * 60;
/** A restored cluster, then its writer, as a small cluster might take. */
const RESTORE_CLUSTER_TAKES_SECONDS = 15 * 60;
const RESTORE_WRITER_TAKES_SECONDS = 9 * 60;
/** The drill runs this long after the copy run, as a schedule would space them. */
const DRILL_AFTER_SECONDS = 2 * 3600;

function usage(): never {
  console.error('usage: rehearse-cli.ts [--template FILE] [--logs]');
  process.exit(2);
}

function parseArgs(argv: string[]): { template?: string; logs: boolean } {
  const options: { template?: string; logs: boolean } = { logs: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--template' && argv[i + 1]) options.template = argv[(i += 1)];
    else if (argv[i] === '--logs') options.logs = true;
    else usage();
  }
  return options;
}

function describeSnapshots(region: string, snapshots: SnapshotView[]): string[] {
  const lines = [`  ${region}:`];
  if (snapshots.length === 0) lines.push('    (none)');
  for (const snapshot of snapshots) {
    const owner = snapshot.tags['aurora-snapshot-dr:stack-id'] ? "this stack's" : snapshot.type;
    lines.push(`    ${snapshot.id}  ${snapshot.status}  ${owner}  key ${snapshot.kmsKeyId ?? '-'}`);
  }
  return lines;
}

/** Where the rehearsal writes: the terminal, or a test that reads what it says. */
type Print = (line: string) => void;

export async function rehearse(moto: MotoClockServer, logs: boolean, print: Print = console.log): Promise<boolean> {
  const world = new RehearsalWorld(moto);
  await world.reset(); // one virtual clock for us and moto from the first call on
  const source = await createConfiguredSource(world, SOURCE);
  const targetKeyArn = await world.createKey(TARGET_REGION, TARGET_KEY_ALIAS);
  const stack = await world.createStack({ clusterId: CLUSTER, kmsTargetKey: TARGET_KEY_ALIAS });

  print('Rehearsal of one scheduled run, against moto (no AWS account, nothing leaves 127.0.0.1)');
  print(`  template      ${path.relative(process.cwd(), rehearsedTemplateFile())}`);
  print(`  stack         ${stack.stackId}`);
  print(`  cluster       ${CLUSTER} (${SOURCE.engine} ${SOURCE.version}, encrypted, configured as below) in ${SOURCE_REGION}`);
  print(`  KMSTargetKey  ${TARGET_KEY_ALIAS} → ${targetKeyArn}`);
  const p = stack.parameters;
  print(`  schedule      ${p.ScheduleExpression}; keep ${p.SourceRetentionDays} days in ${SOURCE_REGION}, ${p.TargetRetentionDays} days in ${TARGET_REGION}; copy timeout ${p.CopyTimeoutHours} h`);
  print(
    `  timing        the snapshot takes ${SNAPSHOT_TAKES_SECONDS / 60} min and the copy ${COPY_TAKES_SECONDS / 60} min of virtual time; waits and sleeps cost no real time`,
  );
  print('');

  await moto.setNewSnapshotStatus('create', { region: SOURCE_REGION, status: 'creating', forSeconds: SNAPSHOT_TAKES_SECONDS });
  await moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying', forSeconds: COPY_TAKES_SECONDS });
  const realStart = Date.now();
  const result = await world.run(stack);
  print(formatTimeline(result, { showLogs: logs }));
  print(`(real time: ${((Date.now() - realStart) / 1000).toFixed(1)} s)`);
  print('');
  print('Snapshots afterwards:');
  for (const region of [SOURCE_REGION, TARGET_REGION]) {
    for (const line of describeSnapshots(region, await world.snapshots(region))) print(line);
  }
  if (result.status !== 'Success') return false;
  return drillAndRestore(world, stack, source, logs, print);
}

/** One row per attribute a user would check: the source's value, the restore's, and whether they agree. */
export function fidelityRows(source: Attributes, restored: Attributes): [string, string, string, boolean][] {
  const text = (value: unknown) => (value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value));
  const rows: [string, string, string, boolean][] = [];
  for (const [key, value] of Object.entries(source)) {
    const other = restored[key as keyof Attributes];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const label = key === 'tags' ? 'tag' : key.replace('Parameters', ' parameter');
      const theirs = (other ?? {}) as { [name: string]: unknown };
      for (const name of new Set([...Object.keys(value), ...Object.keys(theirs)])) {
        const [a, b] = [text((value as { [name: string]: unknown })[name]), text(theirs[name])];
        rows.push([`${label} ${name}`, a, b, a === b]);
      }
    } else {
      rows.push([key, text(value), text(other), text(value) === text(other)]);
    }
  }
  return rows;
}

function fidelityTable(rows: [string, string, string, boolean][]): string[] {
  const widths = [0, 1, 2].map((i) => Math.max(...[['attribute', 'source', 'restored'][i], ...rows.map((r) => r[i] as string)].map((t) => t.length)));
  const line = (cells: string[], mark: string) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}  ${mark}`.trimEnd();
  return [line(['attribute', 'source', 'restored'], ''), ...rows.map(([name, a, b, same]) => line([name, a, b], same ? 'same' : 'DIFFERENT'))];
}

/** The recovery stack in the target Region, one drill of the copy just made, and a restore with the source Region down. */
async function drillAndRestore(world: RehearsalWorld, source: Stack, configured: Attributes, logs: boolean, print: Print): Promise<boolean> {
  const recovery = new RecoveryWorld(world);
  const stack = await recovery.createRecoveryStack(source);
  await world.clock.advanceBy(DRILL_AFTER_SECONDS * 1000);
  await world.moto.setRestoreTiming({
    region: TARGET_REGION,
    clusterSeconds: RESTORE_CLUSTER_TAKES_SECONDS,
    instanceSeconds: RESTORE_WRITER_TAKES_SECONDS,
  });
  print('');
  print(`Rehearsal of one restore drill, ${DRILL_AFTER_SECONDS / 3600} h later, by the recovery stack in ${TARGET_REGION}`);
  print(`  stack         ${stack.stackId}`);
  print(`  network       subnet group ${stack.parameters.DBSubnetGroupName}, security group ${stack.parameters.VpcSecurityGroupIds}`);
  print(
    `  timing        the cluster takes ${RESTORE_CLUSTER_TAKES_SECONDS / 60} min and its writer ${RESTORE_WRITER_TAKES_SECONDS / 60} more, in virtual time`,
  );
  print('');
  const result = await recovery.run(stack, { kind: 'drill' });
  print(formatTimeline(result, { showLogs: logs }));
  print('');
  if (result.status === 'Success') {
    const report = JSON.parse(String(result.outputs[RECOVERY_OUTPUT])) as RunReport;
    print(`Measured RTO: ${report.RestoreMinutes} min (restore call to cluster and writer available)`);
    print(`Copy age at drill: ${report.RecoveryPointHours} h (how old the restored copy was; not the RPO)`);
    const worst = worstCaseRpoHours(stack.parameters.SourceScheduleExpression, Number(stack.parameters.CopyTimeoutHours));
    print(`Worst-case RPO: ${worst} h (schedule gap + snapshot wait + copy timeout, until the hourly check has measured the copy time)`);
  }
  const left = await recovery.clusters();
  print(`Clusters left in ${TARGET_REGION}: ${left.length === 0 ? '(none: the drill deleted its own)' : left.map((c) => c.id).join(', ')}`);
  if (result.status !== 'Success') return false;

  print('');
  print(`Rehearsal of a restore on the worst day: every call to ${SOURCE_REGION} fails from here on`);
  await recovery.refuseRegion(SOURCE_REGION);
  const restore = await recovery.run(stack).finally(() => recovery.refuseRegion(undefined));
  print(formatTimeline(restore, { showLogs: logs }));
  if (restore.status !== 'Success') return false;
  const report = JSON.parse(String(restore.outputs[RECOVERY_OUTPUT])) as RunReport;
  print('');
  print(`${report.ClusterId}, restored from ${report.SnapshotId}, beside the source as it was before the outage:`);
  const rows = fidelityRows(configured, await attributes(world.rds[TARGET_REGION], report.ClusterId));
  for (const line of fidelityTable(rows)) print(line);
  print('');
  print(`Endpoint: ${report.Endpoint}`);
  print(`Log in with the master user secret Secrets Manager now keeps in ${TARGET_REGION}, under the target key:`);
  print(`  aws secretsmanager get-secret-value --region ${TARGET_REGION} --secret-id '${report.SecretArn}'`);
  const different = rows.filter((row) => !row[3]).length;
  print(different ? `${different} attribute(s) differ from the source.` : 'Every attribute is as the source had it.');
  return different === 0;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.template) process.env.REHEARSAL_TEMPLATE = options.template;
  const moto = await startMotoClockServer();
  const stopAndExit = (code: number) => {
    void moto.stop().then(() => process.exit(code));
  };
  process.once('SIGINT', () => stopAndExit(130));
  process.once('SIGTERM', () => stopAndExit(143));
  let ok = false;
  try {
    ok = await rehearse(moto, options.logs);
  } catch (error) {
    console.error(`rehearsal could not run: ${(error as Error).stack ?? error}`);
  } finally {
    await moto.stop();
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
