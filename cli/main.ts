/**
 * `aurora-snapshot-dr`: command dispatch, help, and the one place that turns
 * errors into messages and exit codes. cli/bin.js runs this file.
 */
import { commandHelp, parseFlags, programHelp, UsageError } from './args';
import { AwsClients, sdkClients } from './clients';
import { CommandSpec, DEPLOY, DEPLOY_RECOVERY, DRILL, EXIT, PROGRAM, RESTORE, STACKSET_DEPLOY, STATUS } from './commands';
import { Context, describeError, POLL_INTERVAL_MS, realSleep } from './context';
import { deploy, parseDeployInput } from './deploy';
import { Output, processOutput } from './progress';
import { parseStackSetInput, stackSetDeploy } from './stackset';
import { parseStatusInput, status } from './status';
import { deployRecovery, parseDeployRecoveryInput } from './deploy-recovery';
import { drill, parseDrillInput } from './drill';
import { parseRestoreInput, restore } from './restore';

/** What run() needs from outside; every field has the real default. Tests pass their own. */
export interface RunOptions {
  output?: Output;
  clients?: (profile: string | undefined) => AwsClients;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  pollIntervalMs?: number;
}

interface Route {
  spec: CommandSpec;
  /** Check the flags (no AWS call) and run the command. */
  run(values: ReturnType<typeof parseFlags>, context: Context): Promise<number>;
}

const ROUTES: Route[] = [
  { spec: DEPLOY, run: (values, context) => deploy(parseDeployInput(values), context) },
  { spec: STACKSET_DEPLOY, run: (values, context) => stackSetDeploy(parseStackSetInput(values), context) },
  { spec: STATUS, run: (values, context) => status(parseStatusInput(values), context) },
  { spec: DEPLOY_RECOVERY, run: (values, context) => deployRecovery(parseDeployRecoveryInput(values), context) },
  { spec: RESTORE, run: (values, context) => restore(parseRestoreInput(values), context) },
  { spec: DRILL, run: (values, context) => drill(parseDrillInput(values), context) },
];

/** Find the command at the start of argv: `deploy`, `stackset deploy`, `status`. */
function route(argv: string[]): { route?: Route; rest: string[]; unknown?: string } {
  for (const candidate of ROUTES) {
    const words = candidate.spec.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { route: candidate, rest: argv.slice(words.length) };
  }
  // `stackset` alone, or followed by a flag such as --help, means its only subcommand's help.
  if (argv[0] === 'stackset' && (argv.length === 1 || argv[1].startsWith('-'))) {
    return { route: ROUTES.find((r) => r.spec === STACKSET_DEPLOY), rest: argv.length === 1 ? ['--help'] : argv.slice(1) };
  }
  return { rest: argv, unknown: argv[0] };
}

export async function run(argv: string[], options: RunOptions = {}): Promise<number> {
  const output = options.output ?? processOutput;
  if (argv.length === 0) {
    output.err(programHelp());
    return EXIT.usage;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
    output.out(programHelp());
    return EXIT.ok;
  }
  if (argv[0] === '--version') {
    output.out(`${PROGRAM} ${(require('../package.json') as { version: string }).version}`);
    return EXIT.ok;
  }
  const helpFor = argv[0] === 'help';
  const found = route(helpFor ? argv.slice(1) : argv);
  if (!found.route) {
    output.err(`${PROGRAM}: unknown command '${found.unknown}'. Commands: ${ROUTES.map((r) => r.spec.name).join(', ')}.`);
    output.err(`Run '${PROGRAM} --help' for usage.`);
    return EXIT.usage;
  }
  const { spec } = found.route;
  if (helpFor || found.rest.includes('--help') || found.rest.includes('-h')) {
    output.out(commandHelp(spec));
    return EXIT.ok;
  }

  let profile: string | undefined;
  try {
    const values = parseFlags(spec, found.rest);
    profile = values.profile as string | undefined;
    const context: Context = {
      clients: (options.clients ?? sdkClients)(profile),
      output,
      sleep: options.sleep ?? realSleep,
      now: options.now ?? (() => new Date()),
      pollIntervalMs: options.pollIntervalMs ?? POLL_INTERVAL_MS,
    };
    return await found.route.run(values, context);
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) output.err(`${PROGRAM} ${spec.name}: ${problem}`);
      output.err(`Nothing was sent to AWS. Run '${PROGRAM} ${spec.name} --help' for usage.`);
      return EXIT.usage;
    }
    output.err(`${PROGRAM} ${spec.name}: ${describeError(error, profile)}`);
    return EXIT.failed;
  }
}
