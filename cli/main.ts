/**
 * `aurora-snapshot-dr`: command dispatch, help, and the one place that turns
 * errors into messages and exit codes. cli/bin.js runs this file.
 */
import { commandHelp, FlagValues, parseFlags, programHelp, UsageError } from './shared/args';
import { noRegionProblem, profileProblem, sdkDefaultRegion } from './shared/aws-config';
import { AwsClients, sdkClients } from './shared/clients';
import { CommandSpec, DEPLOY, DEPLOY_RECOVERY, DEPLOY_VAULT, DRILL, EXIT, PROGRAM, RESTORE, STACKSET_DEPLOY, STATUS, TEARDOWN } from './shared/commands';
import { Context, describeError, POLL_INTERVAL_MS, realSleep } from './shared/context';
import { deploy, parseDeployInput } from './shared/deploy';
import { Output, processOutput } from './shared/progress';
import { terminalConfirm } from './shared/confirm';
import { parseTimeout, sleepWithin, WaitDeadlinePassed } from './shared/waiting';
import { parseStackSetInput, stackSetDeploy } from './shared/stackset';
import { parseTeardownInput, teardown } from './shared/teardown';
import { parseStatusInput, status } from './dr/status';
import { deployRecovery, parseDeployRecoveryInput } from './recovery/deploy-recovery';
import { drill, parseDrillInput } from './recovery/drill';
import { parseRestoreInput, restore } from './recovery/restore';
import { deployVault, parseDeployVaultInput } from './vault/deploy-vault';

/** What run() needs from outside; every field has the real default. Tests pass their own. */
export interface RunOptions {
  output?: Output;
  clients?: (profile: string | undefined) => AwsClients;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  pollIntervalMs?: number;
  /** Where SIGINT (Ctrl-C) comes from, and how the process ends on it; tests pass their own. */
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  exit?: (code: number) => void;
  /** Asks the user a yes/no question; undefined: no terminal to ask on. Default: stdin and stderr when both are a TTY. */
  confirm?: ((question: string) => Promise<boolean>) | null;
}

/** The shell's convention for a command ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** A command whose flags were checked: the Region it calls (undefined: the SDK chain's), and how to run it. */
export interface PreparedCommand {
  region: string | undefined;
  /** --timeout, for the commands whose every wait it bounds here (see cli/shared/waiting.ts). */
  timeoutMinutes?: number;
  start(context: Context): Promise<number>;
}

export interface Route {
  spec: CommandSpec;
  /** Check the flags, no AWS call; throws a UsageError listing every problem. */
  prepare(values: FlagValues): PreparedCommand;
}

/**
 * A route whose flags parse to an input; the Region it calls is the input's own unless `regionOf` says otherwise.
 * A spec with a --timeout flag gets it bounded here, with its problems listed beside the parser's, unless the
 * command bounds its wait itself (`ownTimeout`).
 */
function commandRoute<T extends { region?: string }>(
  spec: CommandSpec,
  parse: (values: FlagValues) => T,
  run: (input: T, context: Context) => Promise<number>,
  regionOf: (input: T) => string | undefined = (input) => input.region,
  ownTimeout = false,
): Route {
  const bounded = !ownTimeout && spec.flags.some((flag) => flag.name === 'timeout');
  return {
    spec,
    prepare(values) {
      const problems: string[] = [];
      const timeoutMinutes = bounded ? parseTimeout(values, problems) : undefined;
      let input: T;
      try {
        input = parse(values);
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError([...error.problems, ...problems], spec);
        throw error;
      }
      if (problems.length > 0) throw new UsageError(problems, spec);
      return { region: regionOf(input), timeoutMinutes, start: (context) => run(input, context) };
    },
  };
}

const ROUTES: Route[] = [
  // deploy follows its stack with its own deadline (cli/shared/deploy.ts).
  commandRoute(DEPLOY, parseDeployInput, deploy, undefined, true),
  commandRoute(STACKSET_DEPLOY, parseStackSetInput, stackSetDeploy),
  commandRoute(STATUS, parseStatusInput, status),
  // The source stack is read first, in its own Region.
  commandRoute(DEPLOY_RECOVERY, parseDeployRecoveryInput, deployRecovery, (input) => input.region ?? input.sourceRegion),
  commandRoute(DEPLOY_VAULT, parseDeployVaultInput, deployVault),
  commandRoute(RESTORE, parseRestoreInput, restore),
  commandRoute(DRILL, parseDrillInput, drill),
  commandRoute(TEARDOWN, parseTeardownInput, teardown),
];

/**
 * The user's AWS setup, checked before any call: the profile exists, and
 * there is a Region (a command's own, or the SDK chain's). Bad input, so a
 * UsageError, not a failure halfway through.
 */
async function checkAwsSetup(spec: CommandSpec, profile: string | undefined, region: string | undefined): Promise<void> {
  const problem = await profileProblem(profile);
  if (problem) throw new UsageError([problem], spec);
  if (region === undefined && (await sdkDefaultRegion(profile)) === undefined) {
    throw new UsageError([noRegionProblem(profile)], spec);
  }
}

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

/** A command line checked as run() checks it before any AWS call; throws the UsageError run() would report. */
export function prepareCommand(argv: string[]): PreparedCommand {
  const found = route(argv);
  if (!found.route) throw new UsageError([`unknown command '${found.unknown}'`]);
  return found.route.prepare(parseFlags(found.route.spec, found.rest));
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
  let interruptAdvice: string[] | undefined;
  const signals = options.signals ?? process;
  const onInterrupt = () => {
    output.err('');
    output.err(`${PROGRAM} ${spec.name}: interrupted${interruptAdvice ? '; stopped watching' : ''}.`);
    for (const line of interruptAdvice ?? []) output.err(line);
    (options.exit ?? process.exit)(EXIT_INTERRUPTED);
  };
  signals.on('SIGINT', onInterrupt);
  try {
    const values = parseFlags(spec, found.rest);
    profile = values.profile as string | undefined;
    const prepared = found.route.prepare(values);
    await checkAwsSetup(spec, profile, prepared.region);
    const now = options.now ?? (() => new Date());
    const sleep = options.sleep ?? realSleep;
    const { timeoutMinutes } = prepared;
    const context: Context = {
      clients: (options.clients ?? sdkClients)(profile),
      output,
      sleep: timeoutMinutes === undefined ? sleep : sleepWithin(sleep, now, now().getTime(), timeoutMinutes, () => interruptAdvice),
      now,
      pollIntervalMs: options.pollIntervalMs ?? POLL_INTERVAL_MS,
      setInterruptAdvice: (lines) => (interruptAdvice = lines),
      confirm: options.confirm === undefined ? terminalConfirm() : options.confirm ?? undefined,
    };
    return await prepared.start(context);
  } catch (error) {
    if (error instanceof WaitDeadlinePassed) {
      output.err(`${PROGRAM} ${spec.name}: stopped waiting after --timeout ${error.minutes} min.`);
      for (const line of error.advice ?? ['Nothing was under way when the time ran out.']) output.err(line);
      return EXIT.failed;
    }
    if (error instanceof UsageError) {
      for (const problem of error.problems) output.err(`${PROGRAM} ${spec.name}: ${problem}`);
      output.err(`Nothing was sent to AWS. Run '${PROGRAM} ${spec.name} --help' for usage.`);
      return EXIT.usage;
    }
    output.err(`${PROGRAM} ${spec.name}: ${describeError(error, profile)}`);
    return EXIT.failed;
  } finally {
    signals.off('SIGINT', onInterrupt);
  }
}
