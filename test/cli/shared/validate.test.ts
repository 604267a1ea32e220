import { UsageError } from '../../../cli/shared/args';
import { parseDeployInput } from '../../../cli/shared/deploy';
import { parseParametersFile, readParametersFile } from '../../../cli/shared/parameters-file';
import { parseStackSetInput } from '../../../cli/shared/stackset';
import { parseStatusInput } from '../../../cli/dr/status';
import { displayPath, parameterProblem, regionProblem, templateSizeProblem, DEFAULT_TEMPLATE } from '../../../cli/shared/validate';
import { tempDir, writeTemp } from '../support';

/** The problems a parse function reports, or [] when it accepts the input. */
function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
}

const REQUIRED_DEPLOY = {
  'stack-name': 'orders-prod-dr',
  cluster: 'orders-prod',
  'source-region': 'us-east-1',
  'target-region': 'us-west-2',
  'kms-key': 'alias/dr-snapshots',
};

describe('Region values', () => {
  it.each([['us-east-1'], ['eu-central-2'], ['us-gov-west-1'], ['cn-north-1'], ['us-isob-east-1'], ['eusc-de-east-1']])(
    'accepts %s',
    (region) => expect(regionProblem('--region', region)).toBeUndefined(),
  );
  it.each([
    ['US-EAST-1', "--region 'US-EAST-1' must be lowercase: use us-east-1."],
    ['Eu-West-1', "--region 'Eu-West-1' must be lowercase: use eu-west-1."],
    ['us-east', "--region 'us-east' is not a Region code"],
    ['useast1', "--region 'useast1' is not a Region code"],
    [' us-east-1', 'with no spaces'],
    ['', 'with no spaces'],
  ])('refuses %j', (region, message) => expect(regionProblem('--region', region)).toContain(message));
});

describe('parameter values, checked against the template definitions', () => {
  it.each([
    ['DBClusterIdentifier', 'orders-prod'],
    ['KMSTargetKey', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['KMSTargetKey', 'arn:aws:kms:us-west-2:111111111111:alias/dr'],
    ['ScheduleExpression', 'rate(12 hours)'],
    ['TargetRetentionDays', '90'],
    ['AlertEmail', ''],
    ['AlertEmail', 'dba@example.com'],
  ])('accepts %s = %j', (parameter, value) => expect(parameterProblem('--x', parameter, value)).toBeUndefined());

  it.each([
    ['DBClusterIdentifier', 'Orders-Prod', 'must be lowercase, as RDS stores cluster identifiers: use orders-prod'],
    ['DBClusterIdentifier', 'orders--prod', 'must be an Aurora cluster identifier'],
    ['DBClusterIdentifier', `a${'b'.repeat(63)}`, 'is 64 characters long; DBClusterIdentifier takes at most 63.'],
    ['DBClusterIdentifier', `A${'b'.repeat(70)}`, 'is 71 characters long; DBClusterIdentifier takes at most 63.'],
    ['DBClusterIdentifier', 'arn:aws:rds:us-east-1:111111111111:cluster:orders-prod', 'takes the cluster identifier, not its ARN: use orders-prod.'],
    ['KMSTargetKey', 'my-key', 'must be a KMS key id'],
    ['ScheduleExpression', 'daily', "'daily' must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field."],
    ['ScheduleExpression', 'cron(0 5 * * SUN)', "'cron(0 5 * * SUN)' must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 5 ? * SUN *)."],
    ['ScheduleExpression', 'rate(2 day)', "'rate(2 day)' must be rate(1 day) or rate(N days)."],
    ['SourceRetentionDays', '0', 'must be a whole number of days from 1 to 90'],
    ['CopyTimeoutHours', '1.5', 'must be a whole number of hours from 1 to 48'],
    ['AlertEmail', 'not-an-address', 'must be empty or an e-mail address'],
  ])('refuses %s = %j', (parameter, value, message) => expect(parameterProblem('--x', parameter, value)).toContain(message));
});

describe('template size', () => {
  it('accepts the committed template, which is under 51,200 bytes', () => {
    expect(parseDeployInput(REQUIRED_DEPLOY).template.path).toBe(DEFAULT_TEMPLATE);
  });

  it('refuses a template over the 51,200-byte TemplateBody limit, counting bytes, not characters', () => {
    // 25,601 two-byte characters: 51,202 bytes.
    const body = 'é'.repeat(25_601);
    expect(templateSizeProblem('big.yaml', body)).toContain('big.yaml is 51,202 bytes; CloudFormation takes at most 51,200 bytes');
    expect(templateSizeProblem('ok.yaml', 'x'.repeat(51_200))).toBeUndefined();
  });

  it('reports an oversize or unreadable --template as bad input', () => {
    const dir = tempDir();
    const big = writeTemp(dir, 'big.yaml', `# ${'x'.repeat(60_000)}\n`);
    expect(problemsOf(() => parseDeployInput({ ...REQUIRED_DEPLOY, template: big }))).toEqual([
      expect.stringContaining('is 60,003 bytes; CloudFormation takes at most 51,200 bytes as TemplateBody'),
    ]);
    expect(problemsOf(() => parseDeployInput({ ...REQUIRED_DEPLOY, template: `${dir}/missing.yaml` }))).toEqual([
      `cannot read --template ${displayPath(`${dir}/missing.yaml`)}: no such file.`,
    ]);
  });
});

describe('deploy input', () => {
  it('deploys in the source Region and keeps only the parameters given', () => {
    const input = parseDeployInput({ ...REQUIRED_DEPLOY, schedule: 'rate(1 day)' });
    expect(input.region).toBe('us-east-1');
    expect(input.parameters).toEqual({
      DBClusterIdentifier: 'orders-prod',
      SourceRegion: 'us-east-1',
      TargetRegion: 'us-west-2',
      KMSTargetKey: 'alias/dr-snapshots',
      ScheduleExpression: 'rate(1 day)',
    });
    expect(input.wait).toBe(true);
  });

  it('lists every missing flag in one problem', () => {
    expect(problemsOf(() => parseDeployInput({ 'stack-name': 'x' }))).toEqual([
      'missing required flags --cluster, --source-region, --target-region, --kms-key',
    ]);
  });

  it('refuses a --region other than --source-region', () => {
    expect(problemsOf(() => parseDeployInput({ ...REQUIRED_DEPLOY, region: 'eu-west-1' }))).toEqual([
      expect.stringContaining('--region eu-west-1 differs from --source-region us-east-1'),
    ]);
    expect(problemsOf(() => parseDeployInput({ ...REQUIRED_DEPLOY, region: 'us-east-1' }))).toEqual([]);
  });

  it('refuses the same source and target Region', () => {
    expect(problemsOf(() => parseDeployInput({ ...REQUIRED_DEPLOY, 'target-region': 'us-east-1' }))).toEqual([
      "--target-region 'us-east-1' is the same as --source-region: the copies must go to a different Region.",
    ]);
  });

  it('reports every bad value at once', () => {
    const problems = problemsOf(() =>
      parseDeployInput({ ...REQUIRED_DEPLOY, 'stack-name': '1st', cluster: 'Orders', 'target-region': 'US-WEST-2', 'copy-timeout-hours': '49' }),
    );
    expect(problems).toHaveLength(4);
  });
});

describe('status input', () => {
  it('defaults to the last 5 runs and the SDK chain Region', () => {
    expect(parseStatusInput({ 'stack-name': 'orders-prod-dr' })).toEqual({ stackName: 'orders-prod-dr', region: undefined, executions: 5 });
  });
  it.each([
    [{}, 'missing required flag --stack-name'],
    [{ 'stack-name': 's', region: 'US-EAST-1' }, 'must be lowercase'],
    [{ 'stack-name': 's', executions: '0' }, "--executions '0' must be a whole number from 1 to 50."],
  ])('refuses %j', (values, message) => {
    expect(problemsOf(() => parseStatusInput(values)).join('\n')).toContain(message);
  });
});

describe('parameters file', () => {
  const parse = (value: unknown) => parseParametersFile(JSON.stringify(value), 'fleet.json');

  it('reads defaults and per-account values, numbers as strings', () => {
    expect(
      parse({ defaults: { TargetRegion: 'us-west-2', TargetRetentionDays: 30 }, accounts: { '111111111111': { DBClusterIdentifier: 'orders' } } }),
    ).toEqual({
      fleet: { defaults: { TargetRegion: 'us-west-2', TargetRetentionDays: '30' }, accounts: { '111111111111': { DBClusterIdentifier: 'orders' } } },
      problems: [],
    });
  });

  it.each([
    [{ defaults: { SourceRegion: 'us-east-1' } }, "SourceRegion in defaults: SourceRegion is not set in the file; each stack instance's Region"],
    [{ defaults: { DBClusterId: 'x' } }, 'DBClusterId in defaults: unknown parameter; expected one of DBClusterIdentifier'],
    [{ accounts: { '1111': {} } }, 'accounts."1111": account ids are 12 digits'],
    [{ accounts: { '111111111111': { TargetRegion: 'US-WEST-2' } } }, "TargetRegion in accounts.111111111111 'US-WEST-2' must be lowercase"],
    [{ accounts: [] }, '"accounts" must be an object keyed by 12-digit account id.'],
    [{ account: {} }, '"account": unknown key'],
    [{ defaults: { DBClusterIdentifier: true } }, 'DBClusterIdentifier in defaults must be a string.'],
    [[1], 'must hold a JSON object'],
  ])('refuses %j', (value, message) => {
    const { fleet, problems } = parse(value);
    expect(fleet).toBeUndefined();
    expect(problems.join('\n')).toContain(message);
    expect(problems.every((p) => p.startsWith('--parameters-file fleet.json'))).toBe(true);
  });

  it('refuses text that is not JSON, and a file it cannot read', () => {
    expect(parseParametersFile('{"defaults": ', 'fleet.json').problems[0]).toMatch(/^--parameters-file fleet.json is not valid JSON: /);
    expect(readParametersFile('/nonexistent/fleet.json').problems).toEqual(['cannot read --parameters-file /nonexistent/fleet.json: no such file.']);
  });
});

describe('stackset deploy input', () => {
  const dir = tempDir();
  const fleetFile = (value: unknown) => writeTemp(dir, `fleet-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(value));
  const FLEET = {
    defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr' },
    accounts: { '111111111111': { DBClusterIdentifier: 'orders' }, '222222222222': { DBClusterIdentifier: 'billing' } },
  };
  const base = () => ({ 'stack-set-name': 'aurora-snapshot-dr', regions: 'us-east-1,eu-west-1', 'parameters-file': fleetFile(FLEET) });

  it('deploys self-managed to the accounts of the file by default', () => {
    const input = parseStackSetInput(base());
    expect(input.permissionModel).toBe('SELF_MANAGED');
    expect(input.accounts).toEqual(['111111111111', '222222222222']);
    expect(input.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('passes operation preferences through', () => {
    const input = parseStackSetInput({ ...base(), 'max-concurrent-percentage': '25', 'failure-tolerance-count': '0' });
    expect(input.preferences).toEqual({ MaxConcurrentPercentage: 25, FailureToleranceCount: 0 });
  });

  it.each([
    [{ regions: 'us-east-1,US-WEST-1' }, "--regions 'US-WEST-1' must be lowercase"],
    [{ regions: 'us-west-2' }, 'TargetRegion us-west-2 is also in --regions'],
    [{ accounts: '333333333333' }, 'account 333333333333 has no DBClusterIdentifier'],
    [{ accounts: '12345' }, "--accounts '12345' is not a 12-digit account id."],
    [{ 'permission-model': 'ORGS' }, "--permission-model 'ORGS' must be SELF_MANAGED or SERVICE_MANAGED."],
    [{ 'organizational-units': 'ou-ab12-cdef3456' }, '--organizational-units needs --permission-model SERVICE_MANAGED'],
    [{ 'permission-model': 'SERVICE_MANAGED' }, 'missing required flag --organizational-units'],
    [{ 'max-concurrent-percentage': '10', 'max-concurrent-count': '2' }, 'not both'],
    [{ 'failure-tolerance-percentage': '101' }, "--failure-tolerance-percentage '101' must be a whole number from 0 to 100."],
    [{ 'parameters-file': '/nonexistent.json' }, 'cannot read --parameters-file /nonexistent.json: no such file.'],
    [{ 'administration-role-arn': 'AdminRole' }, 'is not an IAM role ARN'],
  ])('refuses %j', (override, message) => {
    expect(problemsOf(() => parseStackSetInput({ ...base(), ...override })).join('\n')).toContain(message);
  });

  it('with OUs, gives the other accounts an instance only when the defaults name a cluster and a key', () => {
    const ou = { ...base(), 'permission-model': 'SERVICE_MANAGED', 'organizational-units': 'ou-ab12-cdef3456' };
    expect(parseStackSetInput(ou).deployDefaultsToOtherAccounts).toBe(false);
    const withDefaults = fleetFile({ ...FLEET, defaults: { ...FLEET.defaults, DBClusterIdentifier: 'app' } });
    expect(parseStackSetInput({ ...ou, 'parameters-file': withDefaults }).deployDefaultsToOtherAccounts).toBe(true);
    expect(problemsOf(() => parseStackSetInput({ ...ou, 'parameters-file': fleetFile({ defaults: FLEET.defaults }) })).join('\n')).toContain(
      'the parameters file lists no accounts and its defaults lack DBClusterIdentifier',
    );
  });
});
