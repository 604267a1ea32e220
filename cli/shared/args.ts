/** Command-line parsing with node's util.parseArgs, and help text, both from the specs in commands.ts. */
import { parseArgs } from 'util';
import { COMMANDS, CommandSpec, EXIT, FlagSpec, PROGRAM } from './commands';

/** Bad input, found before any AWS call. Every problem is listed, not only the first. */
export class UsageError extends Error {
  constructor(
    readonly problems: string[],
    readonly command?: CommandSpec,
  ) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

export type FlagValues = { [name: string]: string | boolean | undefined };

/**
 * Problems of the command line itself (unknown flags, flags without their
 * value, stray arguments, a flag repeated with different values), kept with
 * the values parseFlags returned. missingRequired, which every command's
 * input check calls first, puts them in front of its own, so one run lists
 * every problem of the line.
 */
const lineProblems = new WeakMap<FlagValues, string[]>();

/**
 * Parse the arguments after the command name. Nothing is refused here: what
 * is wrong with the line is kept for missingRequired, so a repeated or unknown
 * flag does not hide the other problems.
 */
export function parseFlags(command: CommandSpec, argv: string[]): FlagValues {
  const types = new Map(command.flags.map((flag) => [flag.name, flag.type]));
  const problems: string[] = [];
  // A string flag followed by another flag (or by nothing) has lost its value; parseArgs would take the next flag as it.
  const args = argv.filter((arg, i) => {
    const missing = types.get(arg.slice(2)) === 'string' && arg.startsWith('--') && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'));
    if (missing) problems.push(`${arg} needs a value`);
    return !missing;
  });
  const options: { [name: string]: { type: 'string' | 'boolean' } } = {};
  for (const flag of command.flags) options[flag.name] = { type: flag.type };
  const parsed = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values = parsed.values as FlagValues;
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (!types.has(token.name)) {
      problems.push(`unknown flag ${token.rawName}`);
      delete values[token.name];
    } else if (types.get(token.name) === 'boolean' && token.inlineValue) {
      problems.push(`${token.rawName} does not take a value`);
      values[token.name] = true;
    }
  }
  if (parsed.positionals.length > 0) {
    const stray = parsed.positionals.map((p) => `'${p}'`).join(', ');
    problems.push(`unexpected argument${parsed.positionals.length > 1 ? 's' : ''} ${stray}: every value is given with a flag, e.g. --stack-name NAME`);
  }
  problems.push(...repeatedFlagProblems(parsed.tokens ?? []));
  lineProblems.set(values, problems);
  return values;
}

/**
 * parseArgs keeps the last of a flag given twice; a user who wrote two
 * different values meant one of them, and deploying the other would be a
 * guess. The same value twice (a pasted line) is harmless.
 */
function repeatedFlagProblems(tokens: { kind: string; name?: string; value?: string }[]): string[] {
  const values = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.name) continue;
    const seen = values.get(token.name) ?? [];
    seen.push(token.value ?? '');
    values.set(token.name, seen);
  }
  return [...values.entries()]
    .filter(([, given]) => new Set(given).size > 1)
    .map(([name, given]) => `--${name} is given ${given.length} times with different values (${given.map((v) => `'${v}'`).join(', ')}); give it once.`);
}

/** One problem naming every required flag that was not given, or none. */
export function missingRequired(command: CommandSpec, values: FlagValues): string[] {
  const line = lineProblems.get(values) ?? [];
  const missing = command.flags
    .filter((flag) => flag.required && (values[flag.name] === undefined || values[flag.name] === ''))
    .map((flag) => `--${flag.name}`);
  if (missing.length === 0) return [...line];
  return [...line, `missing required flag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`];
}

const WIDTH = 100;

function wrap(text: string, indent: number, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l);
}

/** A long example command broken before its flags, with shell continuations, so it still pastes. */
function shellLines(command: string, indent: number): string[] {
  const words = command.split(/ (?=--)/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent + line.length + word.length + 3 > WIDTH) {
      lines.push(`${line} \\`);
      line = `    ${word}`;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l);
}

function flagUsage(flag: FlagSpec): string {
  return flag.type === 'boolean' ? `--${flag.name}` : `--${flag.name} ${flag.value ?? 'VALUE'}`;
}

export function commandHelp(command: CommandSpec): string {
  const required = command.flags.filter((f) => f.required).map(flagUsage).join(' ');
  const out = [`Usage: ${PROGRAM} ${command.name} ${required} [options]`, '', ...wrap(command.description, 0), ''];
  for (const [title, flags] of [
    ['Required flags:', command.flags.filter((f) => f.required)],
    ['Options:', command.flags.filter((f) => !f.required)],
  ] as const) {
    if (flags.length === 0) continue;
    out.push(title);
    for (const flag of flags) {
      out.push(`  ${flagUsage(flag)}`);
      out.push(...wrap(flag.description, 6));
    }
    out.push('');
  }
  out.push('Examples:');
  for (const example of command.examples) out.push(...shellLines(example, 2));
  out.push('', exitCodeHelp());
  return out.join('\n');
}

function exitCodeHelp(): string {
  return [
    'Exit codes:',
    `  ${EXIT.ok}  success`,
    `  ${EXIT.failed}  the operation failed, or AWS refused a call`,
    `  ${EXIT.usage}  bad input; nothing was sent to AWS`,
    `  ${EXIT.stale}  status only: the newest copy in the target Region is stale, or there is none`,
  ].join('\n');
}

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [flags]`,
    '',
    ...wrap(
      'Deploys, checks and runs the two stacks that protect an Aurora cluster: the DR stack in its Region, which copies its snapshots to a disaster-recovery Region, and the recovery stack there, which drills and restores them. One cluster, or a fleet with stack sets.',
      0,
    ),
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => {
      const [first, ...rest] = wrap(c.summary, width + 4);
      return [`  ${c.name.padEnd(width)}  ${first.trimStart()}`, ...rest];
    }),
    '',
    'Credentials and Region come from the AWS SDK chain; every command takes --profile and --region.',
    `Run '${PROGRAM} <command> --help' for the flags of a command.`,
    '',
    'Options:',
    '  --help     Show this help and exit.',
    '  --version  Print the version and exit.',
    '',
    exitCodeHelp(),
  ].join('\n');
}
