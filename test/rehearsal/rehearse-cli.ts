/**
 * `make rehearse`: what the stack will do, with no AWS account. Starts moto on
 * a free loopback port, creates an encrypted Aurora cluster and the two KMS
 * keys, "creates the stack" (parameters checked, preflight rules applied),
 * runs the runbook from the generated template once and prints the timeline
 * and the snapshots left in both Regions. moto is stopped afterwards, also
 * when anything fails or the user presses Ctrl-C.
 *
 *   npx tsx test/rehearsal/rehearse-cli.ts [--template FILE] [--logs]
 */
import * as path from 'path';
import { MotoClockServer, startMotoClockServer } from '../support/moto-clock-server';
import { formatTimeline } from './format-timeline';
import { RehearsalWorld, rehearsedTemplateFile, SnapshotView, SOURCE_REGION, TARGET_REGION } from './rehearsal-world';

const CLUSTER = 'sample-aurora-cluster';
const TARGET_KEY_ALIAS = 'alias/aurora-dr-copies';
/** moto's snapshots are available at once; these make the waits of a real run visible. */
const SNAPSHOT_TAKES_SECONDS = 4 * 60;
const COPY_TAKES_SECONDS = 20 * 60;

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
