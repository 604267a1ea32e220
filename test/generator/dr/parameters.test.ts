import { buildTemplate } from '../../../generator/dr/template';
import { DEFAULTS, PARAM } from '../../../generator/dr/parameters';
import { CfnParameter } from '../../../generator/shared/cfn';
import { scheduleProblem } from '../../../custom-resource/shared/schedule';

const template = buildTemplate('exports.handler=async()=>{};');
const parameter = (name: string): CfnParameter => template.Parameters[name];

/** CloudFormation applies AllowedPattern to the whole value, and Min/MaxLength besides. */
function accepts(name: string, value: string): boolean {
  const p = parameter(name);
  if (p.MinLength !== undefined && value.length < p.MinLength) return false;
  if (p.MaxLength !== undefined && value.length > p.MaxLength) return false;
  return new RegExp(p.AllowedPattern ?? '').test(value);
}

describe('required parameters', () => {
  it('are exactly the four names users pass, with no default', () => {
    for (const name of ['DBClusterIdentifier', 'KMSTargetKey', 'SourceRegion', 'TargetRegion']) {
      expect(parameter(name)).toBeDefined();
      expect(parameter(name).Default).toBeUndefined();
    }
  });

  it('are shown first in the console, in one group, with labels', () => {
    const ui = template.Metadata['AWS::CloudFormation::Interface'] as {
      ParameterGroups: { Parameters: string[] }[];
      ParameterLabels: Record<string, unknown>;
    };
    expect(new Set(ui.ParameterGroups[0].Parameters)).toEqual(
      new Set(['DBClusterIdentifier', 'KMSTargetKey', 'SourceRegion', 'TargetRegion']),
    );
    const grouped = ui.ParameterGroups.flatMap((group) => group.Parameters);
    expect(new Set(grouped)).toEqual(new Set(Object.keys(template.Parameters)));
    expect(Object.keys(ui.ParameterLabels).sort()).toEqual(Object.keys(template.Parameters).sort());
  });
});

describe.each([PARAM.sourceRegion, PARAM.targetRegion])('%s AllowedPattern', (name) => {
  it.each([
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1',
    'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
    'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-central-1', 'ca-west-1',
    'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2',
    'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
    'us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1', 'us-iso-east-1', 'us-iso-west-1',
    'us-isob-east-1', 'us-isof-south-1', 'us-isof-east-1', 'eu-isoe-west-1', 'eusc-de-east-1',
  ])('accepts the real Region code %s', (region) => {
    expect(accepts(name, region)).toBe(true);
  });

  it.each([
    ['upper case', 'US-EAST-1'],
    ['mixed case', 'Us-east-1'],
    ['one upper-case letter', 'us-East-1'],
    ['a leading space', ' us-east-1'],
    ['a trailing space', 'us-east-1 '],
    ['an inner space', 'us east-1'],
    ['underscores', 'us_east_1'],
    ['no number', 'us-east'],
    ['number zero', 'us-east-0'],
    ['an availability zone', 'us-east-1a'],
    ['a made-up direction', 'us-up-1'],
    ['a display name', 'N. Virginia'],
    ['an empty value', ''],
    ['a URL', 'https://us-east-1'],
    ['a trailing newline', 'us-east-1\n'],
  ])('rejects %s (%j)', (_label, value) => {
    expect(accepts(name, value)).toBe(false);
  });

  it('explains the expected lowercase form when it rejects', () => {
    expect(parameter(name).ConstraintDescription).toMatch(/lowercase/);
    expect(parameter(name).ConstraintDescription).toMatch(/[a-z]{2}-[a-z]+-\d/);
  });
});

describe('DBClusterIdentifier AllowedPattern', () => {
  const sixtyThree = 'a' + 'b1-'.repeat(20) + 'cd';
  it('has a 63-character example that is valid', () => expect(sixtyThree).toHaveLength(63));

  it.each(['a', 'A', 'db', 'orders-prod', 'Orders-Prod-2', 'a1-b2-c3', sixtyThree])('accepts %s', (id) => {
    expect(accepts(PARAM.cluster, id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['digit first', '1cluster'],
    ['hyphen first', '-cluster'],
    ['trailing hyphen', 'cluster-'],
    ['double hyphen', 'my--cluster'],
    ['underscore', 'my_cluster'],
    ['dot', 'my.cluster'],
    ['space', 'my cluster'],
    ['64 characters', sixtyThree + 'x'],
    ['an ARN', 'arn:aws:rds:us-east-1:123456789012:cluster:orders'],
  ])('rejects %s (%j)', (_label, id) => {
    expect(accepts(PARAM.cluster, id)).toBe(false);
  });
});

describe('KMSTargetKey AllowedPattern', () => {
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const mrk = 'mrk-1234abcd12ab34cd56ef1234567890ab';
  it.each([
    ['a key id', keyId],
    ['a multi-Region key id', mrk],
    ['a key ARN', `arn:aws:kms:us-west-2:111122223333:key/${keyId}`],
    ['a multi-Region key ARN', `arn:aws:kms:us-west-2:111122223333:key/${mrk}`],
    ['a GovCloud key ARN', `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${keyId}`],
    ['a China key ARN', `arn:aws-cn:kms:cn-north-1:111122223333:key/${keyId}`],
    ['an alias name', 'alias/dr-snapshots'],
    ['a nested alias name', 'alias/team/dr_snapshots-2'],
    ['an alias ARN', 'arn:aws:kms:us-west-2:111122223333:alias/dr-snapshots'],
  ])('accepts %s', (_label, key) => {
    expect(accepts(PARAM.kmsKey, key)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a bare alias word', 'dr-snapshots'],
    ['alias/ alone', 'alias/'],
    ['an upper-case key id', keyId.toUpperCase()],
    ['a truncated key id', keyId.slice(0, -1)],
    ['a key ARN of another service', `arn:aws:s3:::${keyId}`],
    ['a key ARN without account', `arn:aws:kms:us-west-2::key/${keyId}`],
    ['a space inside', `alias/dr snapshots`],
  ])('rejects %s', (_label, key) => {
    expect(accepts(PARAM.kmsKey, key)).toBe(false);
  });
});

describe('optional parameters', () => {
  it('all have defaults, so the console needs only the four required values', () => {
    const optional = Object.entries(template.Parameters).filter(
      ([name]) => !['DBClusterIdentifier', 'KMSTargetKey', 'SourceRegion', 'TargetRegion'].includes(name),
    );
    expect(optional.length).toBeGreaterThan(0);
    for (const [, p] of optional) expect(p.Default).toBeDefined();
  });

  it('default to a daily schedule and retentions that hold far fewer than 100 manual snapshots per Region', () => {
    expect(parameter(PARAM.schedule).Default).toBe(DEFAULTS.schedule);
    // One run a day: retention days + today's snapshot + one in flight.
    expect(Number(parameter(PARAM.sourceRetention).Default) + 2).toBeLessThanOrEqual(50);
    expect(Number(parameter(PARAM.targetRetention).Default) + 2).toBeLessThanOrEqual(50);
  });

  it.each(['cron(0 3 * * ? *)', 'cron(15 */6 * * ? *)', 'rate(1 day)', 'rate(12 hours)', 'rate(30 minutes)'])(
    'ScheduleExpression %s passes the console and the one schedule rule',
    (expression) => {
      expect(accepts(PARAM.schedule, expression)).toBe(true);
      expect(scheduleProblem(expression)).toBeUndefined();
    },
  );

  // The console takes any text: the preflight refuses these with the rule's message before anything is created.
  it.each(['', 'daily', 'rate(0 days)', 'rate(1 week)', 'cron()', 'cron(0 5 * * SUN)', 'at(2026-01-01T00:00:00)'])(
    'ScheduleExpression %j is left to the one schedule rule, which refuses it',
    (expression) => {
      expect(parameter(PARAM.schedule).AllowedPattern).toBeUndefined();
      expect(scheduleProblem(expression)).toEqual(expect.any(String));
    },
  );

  it.each([
    ['', true],
    ['dba-team@example.com', true],
    ['not an address', false],
    ['dba@example', false],
  ])('AlertEmail %j is accepted: %s', (value, ok) => {
    expect(accepts(PARAM.alertEmail, value as string)).toBe(ok);
  });
});
