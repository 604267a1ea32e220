/**
 * `deploy` against moto server: the real CloudFormation wire protocol, with
 * the SDK's default credential and endpoint chain (AWS_ENDPOINT_URL points at
 * moto on 127.0.0.1). moto creates stacks synchronously and has no
 * AWS::SSM::Document, so these use a small stand-in template.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { displayPath } from '../../../cli/shared/validate';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { BIN, DEPLOY_ARGS, isolatedAwsEnv, REFUSED_TEMPLATE, REPO_ROOT, runCli, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, withFlags, writeTemp } from '../support';

let moto: MotoServer;
let restoreEnv: () => void;
let template: string;
let refused: string;
const dir = tempDir();

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
  template = writeTemp(dir, 'small.yaml', SMALL_TEMPLATE);
  refused = writeTemp(dir, 'refused.yaml', REFUSED_TEMPLATE);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => moto.reset());

const deployArgs = (extra: string[] = []) => withFlags([...DEPLOY_ARGS, '--template', template], extra);

async function stackParameters(): Promise<{ [key: string]: string }> {
  const cfn = new CloudFormationClient({ region: 'us-east-1' });
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'orders-prod-dr' }));
  return Object.fromEntries((Stacks?.[0].Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
}

describe('deploy against moto', () => {
  it('creates the stack in the source Region, prints its events and outputs, and exits 0', async () => {
    const { code, output } = await runCli(deployArgs());
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    // Shown as the user would type it from where they stand, wherever the clone and the temp dir are.
    expect(text).toContain(`Creating stack orders-prod-dr in us-east-1 from ${displayPath(template)} (`);
    expect(text).toMatch(/^\d\d:\d\d:\d\d {2}CREATE_IN_PROGRESS +orders-prod-dr \(AWS::CloudFormation::Stack\) {2}User Initiated$/m);
    expect(text).toMatch(/CREATE_COMPLETE +orders-prod-dr/);
    expect(text).toContain('Stack orders-prod-dr is CREATE_COMPLETE.');
    expect(text).toMatch(/^AlertTopicArn +arn:aws:sns:us-east-1:123456789012:orders-prod-us-east-1-alerts$/m);
    expect(await stackParameters()).toEqual({
      DBClusterIdentifier: 'orders-prod',
      KMSTargetKey: 'alias/dr-snapshots',
      SourceRegion: 'us-east-1',
      TargetRegion: 'us-west-2',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      CopyTimeoutHours: '12',
    });
  });

  it('counts "no updates to perform" as success on a second identical deploy', async () => {
    expect((await runCli(deployArgs())).code).toBe(0);
    const { code, output } = await runCli(deployArgs());
    expect(code).toBe(0);
    expect(output.stdout).toContain('No changes: stack orders-prod-dr already has this template and these parameters.');
  });

  it('updates an existing stack, prints only the new events, and keeps values not given on the command line', async () => {
    // Both optional values given at create: moto answers UsePreviousValue for a defaulted parameter with HTTP 500 (real CloudFormation does not).
    expect((await runCli(deployArgs(['--schedule', 'rate(12 hours)', '--copy-timeout-hours', '6']))).code).toBe(0);
    const { code, output } = await runCli(deployArgs(['--copy-timeout-hours', '8']));
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain('Updating stack orders-prod-dr in us-east-1 (CREATE_COMPLETE)');
    expect(text).toMatch(/UPDATE_COMPLETE +orders-prod-dr/);
    expect(text).not.toMatch(/CREATE_(IN_PROGRESS|COMPLETE) +orders-prod-dr/);
    const parameters = await stackParameters();
    expect(parameters.CopyTimeoutHours).toBe('8');
    expect(parameters.ScheduleExpression).toBe('rate(12 hours)');
  });

  it('with --no-wait, starts the create and exits 0 without following it', async () => {
    const { code, output } = await runCli(deployArgs(['--no-wait']));
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toContain('Started. Follow it with: aurora-snapshot-dr status --stack-name orders-prod-dr --region us-east-1');
    expect(output.stdout.join('\n')).not.toContain('CREATE_COMPLETE');
  });

  it('ends with CloudFormation\'s own error and exit 1 when CreateStack is refused', async () => {
    const { code, output } = await runCli(deployArgs(['--template', refused]));
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toMatch(/^aurora-snapshot-dr deploy: InvalidParameter: Topic names must be made up of/m);
  });

  it('works as a spawned command with the SDK chain: exit 0 on create, and the stack is there', () => {
    const result = spawnSync(process.execPath, [BIN, ...deployArgs()], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...isolatedAwsEnv(moto.endpoint) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Stack orders-prod-dr is CREATE_COMPLETE.');
  });
});

describe('credentials and Region from a named profile', () => {
  it('status --profile uses the profile\'s Region and credentials', async () => {
    expect((await runCli(deployArgs())).code).toBe(0);
    const config = writeTemp(dir, 'config', '[profile dr-ops]\nregion = us-east-1\n[profile elsewhere]\nregion = eu-west-1\n');
    const credentials = writeTemp(dir, 'credentials', '[dr-ops]\naws_access_key_id = testing\naws_secret_access_key = testing\n[elsewhere]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const env: NodeJS.ProcessEnv = { ...isolatedAwsEnv(moto.endpoint), AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const status = (profile: string) =>
      spawnSync(process.execPath, [BIN, 'status', '--stack-name', 'orders-prod-dr', '--profile', profile], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
    // moto has no automation executions, so the runs section fails; the stack lookup shows which Region was used.
    expect(status('dr-ops').stdout).toContain('Stack     orders-prod-dr in us-east-1: CREATE_COMPLETE');
    const elsewhere = status('elsewhere');
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain('Stack orders-prod-dr was not found in eu-west-1.');
    expect(fs.existsSync(path.join(dir, 'config'))).toBe(true);
  });
});
