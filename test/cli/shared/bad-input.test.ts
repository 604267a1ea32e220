/**
 * Bad input is exit 2 and nothing reaches AWS: every command's values, the
 * user's AWS setup (profile, Region) and the template are checked first. The
 * clients are mocked so a test can see that no call was made at all.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { DEPLOY_ARGS, runCli, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, withFlags, writeTemp } from '../support';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const ssm = mockClient(SSMClient);
let restoreEnv: () => void;
beforeAll(() => (restoreEnv = useIsolatedAwsEnv()));
afterAll(() => {
  for (const mock of [cfn, rds, ssm]) mock.restore();
  restoreEnv();
});
beforeEach(() => {
  for (const mock of [cfn, rds, ssm]) mock.reset();
});

const dir = tempDir();
const awsCalls = () => cfn.calls().length + rds.calls().length + ssm.calls().length;

/** Runs the CLI and expects it to refuse with exit 2, no AWS call, and one problem matching `problem`. */
async function expectRefused(argv: string[], problem: RegExp | string): Promise<string[]> {
  const { code, output } = await runCli(argv);
  expect(output.stderr.some((line) => (typeof problem === 'string' ? line.includes(problem) : problem.test(line)))).toBe(true);
  expect(output.stderr[output.stderr.length - 1]).toMatch(/^Nothing was sent to AWS\./);
  expect(code).toBe(2);
  expect(awsCalls()).toBe(0);
  return output.stderr;
}

const STACKSET = (file: string, regions = 'us-east-1') => [
  'stackset', 'deploy', '--stack-set-name', 'aurora-snapshot-dr', '--regions', regions, '--parameters-file', file, '--region', 'us-east-1',
];
const fleetFile = (fleet: unknown) => writeTemp(dir, `fleet-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(fleet));

describe('a KMS key ARN of another Region than the target Region', () => {
  it.each([
    ['a key ARN', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'a key in us-east-1'],
    ['an alias ARN', 'arn:aws:kms:eu-west-1:111111111111:alias/dr-snapshots', 'an alias in eu-west-1'],
  ])('deploy refuses %s', async (_kind, key, where) => {
    await expectRefused(withFlags(DEPLOY_ARGS, ['--kms-key', key]), `--kms-key '${key}' is ${where}, but the copies are encrypted in --target-region us-west-2`);
  });

  it('deploy accepts a key ARN of the target Region, and a key id or alias name (the preflight looks those up there)', async () => {
    for (const key of ['arn:aws:kms:us-west-2:111111111111:alias/dr-snapshots', 'alias/dr-snapshots', '1234abcd-12ab-34cd-56ef-1234567890ab']) {
      cfn.reset();
      cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('gone'), { name: 'AccessDenied' }));
      const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--kms-key', key]));
      expect({ key, code, asked: cfn.calls().length > 0 }).toEqual({ key, code: 1, asked: true });
      expect(output.stderr.join('\n')).not.toMatch(/Nothing was sent/);
    }
  });

  it('stackset deploy refuses one in the parameters file, per account, whether it comes from the defaults or the account', async () => {
    const file = fleetFile({
      defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'arn:aws:kms:us-east-1:111111111111:alias/dr' },
      accounts: {
        '111111111111': { DBClusterIdentifier: 'orders-prod' },
        '222222222222': { DBClusterIdentifier: 'billing-prod', KMSTargetKey: 'arn:aws:kms:us-west-2:222222222222:alias/dr' },
        '333333333333': { DBClusterIdentifier: 'stock-prod', TargetRegion: 'eu-west-1', KMSTargetKey: 'arn:aws:kms:us-west-2:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      },
    });
    const stderr = await expectRefused(STACKSET(file), "account 111111111111: KMSTargetKey 'arn:aws:kms:us-east-1:111111111111:alias/dr' is an alias in us-east-1, but the copies are encrypted in TargetRegion us-west-2");
    expect(stderr.join('\n')).toContain("account 333333333333: KMSTargetKey 'arn:aws:kms:us-west-2:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab' is a key in us-west-2, but the copies are encrypted in TargetRegion eu-west-1");
    expect(stderr.join('\n')).not.toContain('account 222222222222');
  });
});

describe('Region pairs Aurora cannot copy between, by the preflight\'s own rule', () => {
  it.each([
    ['China', 'cn-north-1', 'cn-northwest-1', 'Aurora cannot copy snapshots to or from the China Regions'],
    ['into China', 'us-east-1', 'cn-north-1', 'Aurora cannot copy snapshots to or from the China Regions'],
    ['across partitions', 'us-gov-west-1', 'us-west-2', 'a snapshot copy stays inside one partition, so pick a TargetRegion of aws-us-gov'],
  ])('deploy refuses %s', async (_case, source, target, message) => {
    await expectRefused(withFlags(DEPLOY_ARGS, ['--source-region', source, '--target-region', target]), message);
  });

  it('deploy accepts the two GovCloud Regions', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('gone'), { name: 'AccessDenied' }));
    const { code } = await runCli(withFlags(DEPLOY_ARGS, ['--source-region', 'us-gov-west-1', '--target-region', 'us-gov-east-1']));
    expect(code).toBe(1);
    expect(cfn.calls().length).toBeGreaterThan(0);
  });

  it('stackset deploy refuses a TargetRegion of the file that no Region of --regions can copy to', async () => {
    const file = fleetFile({ defaults: { TargetRegion: 'cn-north-1', KMSTargetKey: 'alias/dr' }, accounts: { '111111111111': { DBClusterIdentifier: 'orders-prod' } } });
    await expectRefused(STACKSET(file, 'us-east-1,eu-west-1'), /^aurora-snapshot-dr stackset deploy: account 111111111111 in --regions eu-west-1: SourceRegion "eu-west-1" and TargetRegion "cn-north-1": Aurora cannot copy/);
  });
});

describe('the AWS setup: profile and Region', () => {
  const config = writeTemp(dir, 'config', '[default]\nregion = us-east-1\n[profile dr-ops]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n');
  const credentials = writeTemp(dir, 'credentials', '[keys-only]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
  });
  afterEach(() => {
    for (const key of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_REGION']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('refuses a --profile that is in neither file, naming both files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) and the profiles there', async () => {
    const stderr = await expectRefused(['status', '--stack-name', 'orders-prod-dr', '--profile', 'prdo'], "--profile 'prdo': no such profile");
    expect(stderr[0]).toBe(
      `aurora-snapshot-dr status: --profile 'prdo': no such profile in the AWS config file (${config}) or credentials file (${credentials}). ` +
        'Profiles there: default, dr-ops, keys-only. Create it with: aws configure --profile prdo (or aws configure sso --profile prdo).',
    );
    expect(stderr.join('\n')).not.toMatch(/or pass --profile/);
  });

  it('refuses an AWS_PROFILE that does not exist the same way', async () => {
    process.env.AWS_PROFILE = 'staging';
    await expectRefused(['status', '--stack-name', 'orders-prod-dr', '--region', 'us-east-1'], "AWS_PROFILE 'staging': no such profile");
  });

  it('does not take an sso-session section for a profile', async () => {
    await expectRefused(['status', '--stack-name', 'orders-prod-dr', '--profile', 'corp'], "--profile 'corp': no such profile");
  });

  it.each([
    ['a profile of the config file', 'dr-ops'],
    ['a profile of the credentials file only', 'keys-only'],
  ])('accepts %s and goes on to AWS', async (_case, profile) => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { code } = await runCli(['status', '--stack-name', 'orders-prod-dr', '--profile', profile, '--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(cfn.calls().length).toBeGreaterThan(0);
  });

  it('refuses a command with no Region from the flags, AWS_REGION or the profile', async () => {
    await expectRefused(
      ['status', '--stack-name', 'orders-prod-dr', '--profile', 'keys-only'],
      `no AWS Region: pass --region, set AWS_REGION, or add "region = ..." to the profile keys-only in ${config}.`,
    );
    await expectRefused(
      STACKSET(fleetFile({ defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr' }, accounts: { '111111111111': { DBClusterIdentifier: 'a' } } })).slice(0, -2).concat(['--profile', 'keys-only']),
      'no AWS Region',
    );
  });

  it('takes the Region of the profile, or AWS_REGION, as the SDK does', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    expect((await runCli(['status', '--stack-name', 'orders-prod-dr', '--profile', 'dr-ops'])).code).toBe(1);
    process.env.AWS_REGION = 'us-west-2';
    expect((await runCli(['status', '--stack-name', 'orders-prod-dr', '--profile', 'keys-only'])).code).toBe(1);
    expect(cfn.calls().length).toBe(2);
  });
});

describe('the template', () => {
  it.each([
    ['a parameters file', 'fleet.json', JSON.stringify({ defaults: {}, accounts: {} }), 'is not a CloudFormation template: it has no Resources section'],
    ['a Markdown page', 'README.md', '# Notes\n\n- item: [x\n', 'is not a CloudFormation template: it is neither JSON nor YAML'],
    ['broken JSON', 'broken.json', '{"Resources": {', 'is not a CloudFormation template: it is neither JSON nor YAML'],
    ['an unknown format version', 'old.yaml', "AWSTemplateFormatVersion: '2011-01-01'\nResources: {T: {Type: AWS::SNS::Topic}}\n", "AWSTemplateFormatVersion '2011-01-01' is not one CloudFormation knows"],
  ])('refuses %s', async (_case, name, text, message) => {
    await expectRefused(withFlags(DEPLOY_ARGS, ['--template', writeTemp(dir, name, text)]), message);
  });

  it('accepts a template written with short-form intrinsics (!Sub, !Ref)', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { code } = await runCli(withFlags(DEPLOY_ARGS, ['--template', writeTemp(dir, 'short.yaml', SMALL_TEMPLATE)]));
    expect(code).toBe(1);
    expect(cfn.calls().length).toBeGreaterThan(0);
  });
});

describe('flags and identifiers', () => {
  it('refuses a flag given twice with different values, and takes the same value twice', async () => {
    await expectRefused(
      [...DEPLOY_ARGS, '--cluster', 'billing-prod'],
      "--cluster is given 2 times with different values ('orders-prod', 'billing-prod'); give it once.",
    );
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    expect((await runCli([...DEPLOY_ARGS, '--cluster', 'orders-prod'])).code).toBe(1);
  });

  it('lists every problem of the command line in one run, a repeated flag, an unknown one and a bad schedule among them', async () => {
    const { code, output } = await runCli([
      ...withFlags(DEPLOY_ARGS, ['--schedule', 'cron(0 5 * * SUN)', '--target-region', 'US-WEST-2']),
      '--cluster',
      'billing-prod',
      '--colour',
      'blue',
      '--no-wait=yes',
      '--timeout',
    ]);
    expect(code).toBe(2);
    expect(cfn.calls()).toHaveLength(0);
    const problems = output.stderr.filter((line) => line.startsWith('aurora-snapshot-dr deploy: '));
    expect(problems).toEqual([
      'aurora-snapshot-dr deploy: --timeout needs a value',
      'aurora-snapshot-dr deploy: unknown flag --colour',
      'aurora-snapshot-dr deploy: --no-wait does not take a value',
      "aurora-snapshot-dr deploy: unexpected argument 'blue': every value is given with a flag, e.g. --stack-name NAME",
      "aurora-snapshot-dr deploy: --cluster is given 2 times with different values ('orders-prod', 'billing-prod'); give it once.",
      "aurora-snapshot-dr deploy: --target-region 'US-WEST-2' must be lowercase: use us-west-2.",
      "aurora-snapshot-dr deploy: --schedule 'cron(0 5 * * SUN)' must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 5 ? * SUN *).",
    ]);
  });

  it('refuses a cluster ARN given as the identifier and suggests the identifier', async () => {
    await expectRefused(
      withFlags(DEPLOY_ARGS, ['--cluster', 'arn:aws:rds:us-east-1:111111111111:cluster:orders-prod']),
      '--cluster takes the cluster identifier, not its ARN: use orders-prod.',
    );
  });

  it('refuses an over-long cluster identifier and stack name, saying the length', async () => {
    const stderr = await expectRefused(
      withFlags(DEPLOY_ARGS, ['--cluster', `orders-${'x'.repeat(60)}`, '--stack-name', `dr-${'x'.repeat(130)}`]),
      `is 67 characters long; DBClusterIdentifier takes at most 63.`,
    );
    expect(stderr.join('\n')).toContain('is 133 characters long; a stack name takes at most 128.');
  });

  it('refuses a cluster ARN in the parameters file too', async () => {
    const file = fleetFile({
      defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr' },
      accounts: { '111111111111': { DBClusterIdentifier: 'arn:aws:rds:us-east-1:111111111111:cluster:orders-prod' } },
    });
    await expectRefused(STACKSET(file), 'DBClusterIdentifier in accounts.111111111111 takes the cluster identifier, not its ARN: use orders-prod.');
  });
});
