/**
 * The documentation's sample sessions stay true: every template size they
 * quote is the committed file's size, every path the CLI prints is relative
 * to where the user stands, the bad-input session prints what the page
 * says it prints, every aurora-snapshot-dr command shown is accepted by the
 * CLI's own parser and names stacks as the CLI names them, every aws command
 * is an operation of the AWS CLI with options it has, every output named
 * exists, and the on-call policy is a valid policy of existing actions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { prepareCommand } from '../../../cli/main';
import { displayPath } from '../../../cli/shared/validate';
import { maxRunsPerDay, scheduleProblem, snapshotsHeld } from '../../../custom-resource/shared/schedule';
import { consoleSessions, REPO_ROOT, runCli, shellWords, useIsolatedAwsEnv } from '../support';

const PAGES = ['README.md', ...fs.readdirSync(path.join(REPO_ROOT, 'docs')).map((name) => `docs/${name}`)].filter((page) =>
  page.endsWith('.md'),
);
const read = (page: string) => fs.readFileSync(path.join(REPO_ROOT, page), 'utf8');

/** `templates/x.yaml (46,523 bytes)` as deploy and stackset deploy print it, with where it was found. */
function quotedSizes(): { page: string; file: string; bytes: number }[] {
  return PAGES.flatMap((page) =>
    [...read(page).matchAll(/(templates\/[\w.-]+) \(([\d,]+) bytes\)/g)].map((match) => ({
      page,
      file: match[1],
      bytes: Number(match[2].replace(/,/g, '')),
    })),
  );
}

describe('the documentation\'s figures', () => {
  it('quotes at least one template size, so this check cannot pass by finding none', () => {
    expect(quotedSizes().length).toBeGreaterThan(0);
  });

  it.each(quotedSizes().map((quote) => [quote.page, quote.file, quote.bytes] as const))(
    '%s quotes %s at %d bytes, its size today',
    (_page, file, bytes) => {
      expect(bytes).toBe(fs.statSync(path.join(REPO_ROOT, file)).size);
    },
  );
});

describe('paths as the user would type them', () => {
  it.each([
    ['/work/project', '/work/project/templates/a.yaml', 'templates/a.yaml'],
    ['/work/project/docs', '/work/project/templates/a.yaml', '../templates/a.yaml'],
    ['/home/me', '/opt/lib/node_modules/aurora-snapshot-dr/templates/a.yaml', '/opt/lib/node_modules/aurora-snapshot-dr/templates/a.yaml'],
    ['/work/project', 'fleet.json', 'fleet.json'],
  ])('from %s, %s is printed as %s', (cwd, file, shown) => {
    expect(displayPath(file, cwd)).toBe(shown);
  });
});

describe('the bad-input session of docs/cli.md', () => {
  let restoreEnv: () => void;
  beforeAll(() => (restoreEnv = useIsolatedAwsEnv()));
  afterAll(() => restoreEnv());

  it('prints exactly what the page shows, and exit code 2', async () => {
    const session = consoleSessions(read('docs/cli.md'));
    const at = session.findIndex((s) => s.output.some((line) => line.startsWith('Nothing was sent to AWS')));
    expect(at).toBeGreaterThanOrEqual(0);
    const [program, ...argv] = shellWords(session[at].command);
    expect(program).toBe('aurora-snapshot-dr');
    const { code, output } = await runCli(argv);
    expect(output.stderr).toEqual(session[at].output);
    expect(session[at + 1]).toEqual({ command: 'echo $?', output: [String(code)] });
  });
});

describe('the schedule table of docs/parameters.md', () => {
  const rows = [...read('docs/parameters.md').matchAll(/^\| `((?:cron|rate)\([^`]*\))` \| (taken|refused)(?:: (.*))? \|$/gm)].map((m) => ({
    expression: m[1],
    verdict: m[2],
    why: m[3]?.replace(/\\\|/g, '|'),
  }));

  it('has rows of both verdicts, so this check cannot pass by finding none', () => {
    expect(rows.filter((r) => r.verdict === 'taken').length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.verdict === 'refused').length).toBeGreaterThan(0);
  });

  it.each(rows.map((r) => [r.expression, r.verdict, r.why] as const))('%s is %s by the one rule, with the reason the page gives', (expression, verdict, why) => {
    expect(scheduleProblem(expression)).toBe(verdict === 'taken' ? undefined : why);
  });

  it('gives the quota figure the rule computes for rate(1 hour) and 7 days', () => {
    const quoted = /`rate\(1 hour\)` with the default\s+`SourceRetentionDays` of 7 keeps up to (\d+) snapshots/.exec(read('docs/parameters.md'));
    expect(Number(quoted?.[1])).toBe(snapshotsHeld(7, maxRunsPerDay('rate(1 hour)')!));
  });
});

/** The lines of every sh and console block of a page, continuation lines joined, prompts and comments dropped. */
function blockLines(page: string): string[] {
  return [...read(page).matchAll(/```(?:sh|console)\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.replace(/\s+#\s.*$/, '').trim()),
  );
}

const PROGRAM_LINE = /(?:^|^\$ |: )aurora-snapshot-dr ([a-z][\w-]*(?: [a-z][\w-]*)?(?: .*)?)$/;

/** Every aurora-snapshot-dr command line the pages show (typed, or advised in a command's output), with its page. */
function documentedCommands(): { page: string; argv: string[]; badInput: boolean }[] {
  return PAGES.flatMap((page) => {
    const bad = new Set(consoleSessions(read(page)).filter((s) => s.output.some((line) => line.startsWith('Nothing was sent to AWS'))).map((s) => s.command));
    return blockLines(page).flatMap((line) => {
      const match = PROGRAM_LINE.exec(line);
      if (!match || /^[a-z-]+( deploy)?:/.test(match[1])) return [];
      return [{ page, argv: shellWords(match[1]), badInput: bad.has(line.replace(/^\$ /, '')) }];
    });
  });
}

describe('every aurora-snapshot-dr command of the documentation', () => {
  let restoreEnv: () => void;
  let cwd: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-snapshot-dr-docs-'));
  beforeAll(() => {
    restoreEnv = useIsolatedAwsEnv();
    cwd = process.cwd();
    // The parameters file the stack set examples name: the one docs/cli.md shows.
    const fleet = /### The parameters file[\s\S]*?```json\n([\s\S]*?)```/.exec(read('docs/cli.md'))![1];
    fs.writeFileSync(path.join(work, 'fleet.json'), fleet);
    process.chdir(work);
  });
  afterAll(() => {
    process.chdir(cwd);
    restoreEnv();
  });

  const commands = documentedCommands();
  it('finds the commands of every page that has some', () => {
    const pages = new Set(commands.map((c) => c.page));
    for (const page of ['README.md', 'docs/cli.md', 'docs/recovery.md', 'docs/failing-back.md', 'docs/changing-the-key.md', 'docs/teardown.md']) {
      expect(pages).toContain(page);
    }
  });

  it.each(commands.filter((c) => !c.badInput).map((c) => [c.page, c.argv.join(' '), c.argv] as const))('%s: %s is accepted as written', (_page, _line, argv) => {
    expect(() => prepareCommand(argv)).not.toThrow();
  });

  it("names recovery stacks as deploy-recovery names them: the DR stack's name with -recovery", () => {
    const drStacks = commands.filter((c) => c.argv[0] === 'deploy').map((c) => c.argv[c.argv.indexOf('--stack-name') + 1]);
    const created = new Set(drStacks.map((name) => `${name}-recovery`));
    const used = commands.filter((c) => ['restore', 'drill'].includes(c.argv[0])).map((c) => c.argv[c.argv.indexOf('--stack-name') + 1]);
    expect(used.length).toBeGreaterThan(3);
    for (const name of used) expect(created).toContain(name);
    for (const page of PAGES) expect(read(page)).not.toMatch(/orders-prod-recovery/);
  });
});

/** botocore's model of an AWS service, as the AWS CLI reads it (.venv, from requirements.txt). */
const BOTOCORE = path.join(REPO_ROOT, '.venv', 'lib', 'python3.11', 'site-packages', 'botocore', 'data');
function serviceModel(service: string): { operations: { [name: string]: { input?: { shape: string } } }; shapes: { [name: string]: { members?: object } } } | undefined {
  const dir = path.join(BOTOCORE, service);
  if (!fs.existsSync(dir)) return undefined;
  const version = fs.readdirSync(dir).sort().pop()!;
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, version, 'service-2.json.gz'))).toString('utf8'));
}
const squash = (name: string) => name.replace(/-/g, '').toLowerCase();

/** AWS CLI commands that are the CLI's own, not an API operation (aws cloudformation deploy, aws ... wait ...). */
const CLI_CUSTOMIZATIONS = /^aws (cloudformation (deploy|package)|\S+ wait) /;
/** Options of the AWS CLI itself, on every command. */
const GLOBAL_OPTIONS = new Set(['region', 'profile', 'query', 'output', 'no-cli-pager']);

describe('every aws command of the documentation', () => {
  const lines = PAGES.flatMap((page) =>
    blockLines(page)
      .map((line) => line.replace(/^\$ /, ''))
      .filter((line) => line.startsWith('aws '))
      .map((line) => [page, line] as const),
  );
  it('finds some', () => expect(lines.length).toBeGreaterThan(10));

  it.each(lines)('%s: %s is an operation of the AWS CLI, with options it has', (_page, line) => {
    const words = shellWords(line);
    const model = serviceModel(words[1]);
    expect(model).toBeDefined();
    if (CLI_CUSTOMIZATIONS.test(line)) return;
    const operation = Object.keys(model!.operations).find((name) => squash(name) === squash(words[2]));
    expect(operation).toBeDefined();
    const input = model!.operations[operation!].input;
    const members = Object.keys((input && model!.shapes[input.shape].members) ?? {}).map(squash);
    for (const option of words.filter((w) => w.startsWith('--')).map((w) => w.slice(2))) {
      if (GLOBAL_OPTIONS.has(option)) continue;
      expect([option, members.includes(squash(option)) || members.includes(squash(option.replace(/^no-/, '')))]).toEqual([option, true]);
    }
  });
});

describe('names the documentation gives AWS things', () => {
  const outputs = new Set(
    fs
      .readdirSync(path.join(REPO_ROOT, 'templates'))
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => Object.keys((JSON.parse(read(`templates/${name}`)) as { Outputs: object }).Outputs)),
  );
  const quoted = PAGES.flatMap((page) => [...read(page).matchAll(/`(\w+)` output/g)].map((m) => [page, m[1]] as const));
  it('quotes some outputs', () => expect(quoted.length).toBeGreaterThan(3));
  it.each(quoted)('%s: the %s output exists in a template', (_page, name) => {
    expect(outputs).toContain(name);
  });

  it("gives the package's tarball its real name", () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    const named = PAGES.flatMap((page) => [...read(page).matchAll(/aurora-snapshot-dr-([\d.]+)\.tgz/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    for (const v of named) expect(v).toBe(version);
  });
});

describe('the on-call policy, docs/operator-policy.json', () => {
  const policy = JSON.parse(read('docs/operator-policy.json')) as {
    Version: string;
    Statement: { Sid: string; Effect: string; Action: string[]; Resource: string | string[]; Condition?: object }[];
  };
  /** Permissions that are no API operation (Service Authorization Reference: "permission only"). */
  const PERMISSION_ONLY = new Set(['iam:PassRole']);

  it('is an identity policy of the current language version, every statement named, allowing, with a resource', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
    for (const statement of policy.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.Effect).toBe('Allow');
      expect(statement.Action.length).toBeGreaterThan(0);
      expect(statement.Resource).toBeDefined();
      // A statement on every resource is bounded to the DR Region.
      if (statement.Resource === '*') expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'us-west-2' } });
    }
  });

  it.each(policy.Statement.flatMap((s) => s.Action.map((action) => [s.Sid, action] as const)))('%s: %s is an action of its service', (_sid, action) => {
    expect(action).not.toContain('*');
    if (PERMISSION_ONLY.has(action)) return;
    const [service, name] = action.split(':');
    const model = serviceModel(service);
    expect(model).toBeDefined();
    expect(Object.keys(model!.operations)).toContain(name);
  });
});

describe('the Node.js versions the documentation states', () => {
  it('are two, each with its role: the CLI needs what package.json engines says, make uses the Lambda runtime', () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(engines.node).toBe('>=22');
    const versions = new Set(PAGES.flatMap((page) => [...read(page).matchAll(/Node\.js (\d+)/g)].map((m) => m[1])));
    expect(versions).toEqual(new Set(['22', '24']));
    for (const page of PAGES) {
      for (const m of read(page).matchAll(/Node\.js 22[^.]*/g)) expect(m[0]).toMatch(/^Node\.js 22 or later/);
    }
    expect(read('README.md')).toContain('the command-line tool needs Node.js 22 or later');
  });
});
