/**
 * The documentation's sample sessions stay true: every template size they
 * quote is the committed file's size, every path the CLI prints is relative
 * to where the user stands, and the bad-input session prints what the page
 * says it prints.
 */
import * as fs from 'fs';
import * as path from 'path';
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
