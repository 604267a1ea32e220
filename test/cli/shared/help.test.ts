import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { commandHelp, programHelp } from '../../../cli/shared/args';
import { COMMANDS, PARAMETER_FLAGS } from '../../../cli/shared/commands';
import { parameters } from '../../../generator/dr/parameters';
import { BIN, REPO_ROOT, isolatedAwsEnv, runCli } from '../support';

describe('help text', () => {
  it('lists every command in the program help', () => {
    const help = programHelp();
    for (const command of COMMANDS) expect(help).toMatch(new RegExp(`^  ${command.name} +${command.summary.split(" ")[0]}`, "m"));
    expect(help).toMatch(/--profile and --region/);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('documents every flag of %s, each with a description', (_name, command) => {
    const help = commandHelp(command);
    for (const flag of command.flags) {
      expect(flag.description.trim().length).toBeGreaterThan(10);
      expect(help).toMatch(new RegExp(`^  --${flag.name}\\b`, 'm'));
      expect(help).toContain(flag.description.split(' ').slice(0, 3).join(' '));
    }
    expect(help).toContain('--profile NAME');
    expect(help).toContain('--region REGION');
    expect(help).toContain('Exit codes:');
  });

  it('shows a command help for `<command> --help` and `help <command>`, with exit code 0', async () => {
    for (const argv of [['deploy', '--help'], ['help', 'deploy'], ['stackset', 'deploy', '--help'], ['stackset'], ['status', '-h']]) {
      const { code, output } = await runCli(argv);
      expect(code).toBe(0);
      expect(output.stdout.join('\n')).toMatch(/^Usage: aurora-snapshot-dr (deploy|stackset deploy|status) /);
    }
  });

  it('answers an unknown command with the list of commands and exit code 2', async () => {
    const { code, output } = await runCli(['undeploy']);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain("unknown command 'undeploy'. Commands: deploy, stackset deploy, status, deploy-recovery, deploy-vault, restore, drill, teardown.");
  });

  it('prints the program help on stderr with exit code 2 when no command is given', async () => {
    const { code, output } = await runCli([]);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain('Usage: aurora-snapshot-dr <command>');
  });
});

describe('deploy flags and the real template', () => {
  it('has a flag for every parameter of the template, and no flag for a parameter it lacks', () => {
    expect(PARAMETER_FLAGS.map((f) => f.parameter).sort()).toEqual(Object.keys(parameters).sort());
  });

  it('marks exactly the parameters without a default as required flags', () => {
    for (const flag of PARAMETER_FLAGS) expect(flag.required).toBe(parameters[flag.parameter].Default === undefined);
  });

  it('names the committed template as the default and it exists', () => {
    expect(commandHelp(COMMANDS[0])).toContain('templates/aurora-snapshot-dr.yaml');
    expect(fs.existsSync(path.join(REPO_ROOT, 'templates', 'aurora-snapshot-dr.yaml'))).toBe(true);
  });
});

describe('the installed command, run as a user runs it', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...isolatedAwsEnv() },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('is the bin of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'aurora-snapshot-dr': 'cli/bin.js' });
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('prints help and exits 0 for --help', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: aurora-snapshot-dr <command>');
    expect(result.stderr).toBe('');
  });

  it('refuses bad input with every problem and exit code 2, before any AWS call', () => {
    const result = cli(['deploy', '--stack-name', 'orders-dr', '--cluster', 'orders', '--source-region', 'US-EAST-1', '--target-region', 'us-west-2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing required flag --kms-key');
    expect(result.stderr).toContain("--source-region 'US-EAST-1' must be lowercase: use us-east-1.");
    expect(result.stderr).toContain('Nothing was sent to AWS.');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with a readable line when AWS cannot be reached', () => {
    const result = cli(['status', '--stack-name', 'orders-dr', '--region', 'us-east-1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^aurora-snapshot-dr status: .+/m);
  });
});
