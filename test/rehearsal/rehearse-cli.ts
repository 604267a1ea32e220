/**
 * `make rehearse`: what the stacks will do, with no AWS account. Starts moto on
 * a free loopback port, creates an encrypted Aurora cluster and the two KMS
 * keys, "creates the stack" (parameters checked, preflight rules applied),
 * runs the runbook from the generated template once and prints the timeline
 * and the snapshots left in both Regions. Then, in the target Region, it
 * creates the recovery stack and runs one restore drill from the recovery
 * template, printing its timeline and the measured RTO and RPO. moto is
 * stopped afterwards, also when anything fails or the user presses Ctrl-C.
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

const CLUSTER = 'sample-aurora-cluster';
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

async function rehearse(moto: MotoClockServer, logs: boolean): Promise<boolean> {
  const world = new RehearsalWorld(moto);
  await world.reset(); // one virtual clock for us and moto from the first call on
  await world.createEncryptedCluster(CLUSTER);
  const targetKeyArn = await world.createKey(TARGET_REGION, TARGET_KEY_ALIAS);
  const stack = await world.createStack({ clusterId: CLUSTER, kmsTargetKey: TARGET_KEY_ALIAS });

  console.log('Rehearsal of one scheduled run, against moto (no AWS account, nothing leaves 127.0.0.1)');
  console.log(`  template      ${path.relative(process.cwd(), rehearsedTemplateFile())}`);
  console.log(`  stack         ${stack.stackId}`);
  console.log(`  cluster       ${CLUSTER} (aurora-postgresql, encrypted) in ${SOURCE_REGION}`);
  console.log(`  KMSTargetKey  ${TARGET_KEY_ALIAS} → ${targetKeyArn}`);
  const p = stack.parameters;
  console.log(`  schedule      ${p.ScheduleExpression}; keep ${p.SourceRetentionDays} days in ${SOURCE_REGION}, ${p.TargetRetentionDays} days in ${TARGET_REGION}; copy timeout ${p.CopyTimeoutHours} h`);
  console.log(
    `  timing        the snapshot takes ${SNAPSHOT_TAKES_SECONDS / 60} min and the copy ${COPY_TAKES_SECONDS / 60} min of virtual time; waits and sleeps cost no real time`,
  );
  console.log('');

  await moto.setNewSnapshotStatus('create', { region: SOURCE_REGION, status: 'creating', forSeconds: SNAPSHOT_TAKES_SECONDS });
  await moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying', forSeconds: COPY_TAKES_SECONDS });
  const realStart = Date.now();
  const result = await world.run(stack);
  console.log(formatTimeline(result, { showLogs: logs }));
  console.log(`(real time: ${((Date.now() - realStart) / 1000).toFixed(1)} s)`);
  console.log('');
  console.log('Snapshots afterwards:');
  for (const region of [SOURCE_REGION, TARGET_REGION]) {
    for (const line of describeSnapshots(region, await world.snapshots(region))) console.log(line);
  }
  if (result.status !== 'Success') return false;
  return drill(world, stack, logs);
}

/** The recovery stack in the target Region, and one drill of the copy just made. */
async function drill(world: RehearsalWorld, source: Stack, logs: boolean): Promise<boolean> {
  const recovery = new RecoveryWorld(world);
  const stack = await recovery.createRecoveryStack(source);
  await world.clock.advanceBy(DRILL_AFTER_SECONDS * 1000);
  await world.moto.setRestoreTiming({
    region: TARGET_REGION,
    clusterSeconds: RESTORE_CLUSTER_TAKES_SECONDS,
    instanceSeconds: RESTORE_WRITER_TAKES_SECONDS,
  });
  console.log('');
  console.log(`Rehearsal of one restore drill, ${DRILL_AFTER_SECONDS / 3600} h later, by the recovery stack in ${TARGET_REGION}`);
  console.log(`  stack         ${stack.stackId}`);
  console.log(`  network       subnet group ${stack.parameters.DBSubnetGroupName}, security group ${stack.parameters.VpcSecurityGroupIds}`);
  console.log(
    `  timing        the cluster takes ${RESTORE_CLUSTER_TAKES_SECONDS / 60} min and its writer ${RESTORE_WRITER_TAKES_SECONDS / 60} more, in virtual time`,
  );
  console.log('');
  const result = await recovery.run(stack, { kind: 'drill' });
  console.log(formatTimeline(result, { showLogs: logs }));
  console.log('');
  if (result.status === 'Success') {
    const report = JSON.parse(String(result.outputs[RECOVERY_OUTPUT])) as RunReport;
    console.log(`Measured RTO: ${report.RestoreMinutes} min (restore call to cluster and writer available)`);
    console.log(`Copy age at drill: ${report.RecoveryPointHours} h (how old the restored copy was; not the RPO)`);
    const worst = worstCaseRpoHours(stack.parameters.SourceScheduleExpression, Number(stack.parameters.CopyTimeoutHours));
    console.log(`Worst-case RPO: ${worst} h (schedule gap + snapshot wait + copy timeout, until the hourly check has measured the copy time)`);
  }
  const left = await recovery.clusters();
  console.log(`Clusters left in ${TARGET_REGION}: ${left.length === 0 ? '(none: the drill deleted its own)' : left.map((c) => c.id).join(', ')}`);
  return result.status === 'Success';
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

void main();
