/**
 * The documentation's sample sessions stay true: every template size they
 * quote is the committed file's size, every path the CLI prints is relative
 * to where the user stands, and the bad-input session prints what the page
 * says it prints.
 */
import * as fs from 'fs';
import * as path from 'path';
import { displayPath } from '../../../cli/shared/validate';
import { REPO_ROOT, runCli, useIsolatedAwsEnv } from '../support';

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

/** Each `$ command` of the console blocks of a page with the lines it printed, up to the next `$`. */
function sessions(page: string): { command: string; output: string[] }[] {
  const found: { command: string; output: string[] }[] = [];
  for (const block of read(page).matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = block[1].replace(/\\\n\s+/g, '').split('\n');
    for (const line of lines) {
      if (line.startsWith('$ ')) found.push({ command: line.slice(2), output: [] });
      else if (found.length > 0 && line !== '') found[found.length - 1].output.push(line);
    }
  }
  return found;
}

/** Split a sample command line into argv the way a POSIX shell would for these simple cases. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
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
    const session = sessions('docs/cli.md');
    const at = session.findIndex((s) => s.output.some((line) => line.startsWith('Nothing was sent to AWS')));
    expect(at).toBeGreaterThanOrEqual(0);
    const [program, ...argv] = shellWords(session[at].command);
    expect(program).toBe('aurora-snapshot-dr');
    const { code, output } = await runCli(argv);
    expect(output.stderr).toEqual(session[at].output);
    expect(session[at + 1]).toEqual({ command: 'echo $?', output: [String(code)] });
  });
});
