/**
 * What the security scanners (checkov, and cfn-guard with AWS Control Tower's
 * Guard rules) are told to skip in both templates, and that each skip carries
 * its reason. make lint fails a template on any finding a resource does not
 * skip; these tests keep the skips few, deliberate and explained.
 */
import { buildTemplate } from '../../../generator/dr/template';
import { buildRecoveryTemplate } from '../../../generator/recovery/template';
import { CfnResource, GUARD_RULE_OF_CHECK, scannerSkips } from '../../../generator/shared/cfn';

const TEMPLATES = [
  ['the snapshot stack', buildTemplate('exports.handler=async()=>{};')],
  ['the recovery stack', buildRecoveryTemplate('exports.handler=async()=>{};')],
] as const;

type Metadata = {
  checkov?: { skip: { id: string; comment: string }[] };
  guard?: { SuppressedRules: string[]; Reasons?: { [rule: string]: string } };
};
const metadataOf = (resource: CfnResource) => (resource.Metadata ?? {}) as Metadata;

/** Each suppressed guard rule of a resource with the reason written for it, or undefined. */
function guardReasons(resource: CfnResource): [string, string | undefined][] {
  const { checkov, guard } = metadataOf(resource);
  return (guard?.SuppressedRules ?? []).map((rule) => [
    rule,
    guard?.Reasons?.[rule] ?? checkov?.skip.find((skip) => GUARD_RULE_OF_CHECK[skip.id] === rule)?.comment,
  ]);
}

describe('scannerSkips', () => {
  it('suppresses the cfn-guard rule of a skipped checkov check beside it, the check\'s comment its reason', () => {
    expect(scannerSkips({ CKV_AWS_158: 'why not', CKV_AWS_26: 'why not either' })).toEqual({
      checkov: { skip: [{ id: 'CKV_AWS_158', comment: 'why not' }, { id: 'CKV_AWS_26', comment: 'why not either' }] },
      guard: { SuppressedRules: ['cloudwatch_log_group_encrypted_check'] },
    });
  });

  it('writes no guard Metadata when no skipped check has a guard rule', () => {
    expect(scannerSkips({ CKV_AWS_26: 'why not' })).toEqual({ checkov: { skip: [{ id: 'CKV_AWS_26', comment: 'why not' }] } });
  });

  it('gives a guard rule of its own its reason under guard.Reasons, with no checkov skip', () => {
    expect(scannerSkips({}, { some_guard_rule: 'why not' })).toEqual({
      guard: { SuppressedRules: ['some_guard_rule'], Reasons: { some_guard_rule: 'why not' } },
    });
  });
});

describe.each(TEMPLATES)('the scanner skips of %s', (_name, template) => {
  const resources = Object.entries(template.Resources);

  it('give checkov a reason for every check they skip', () => {
    const skips = resources.flatMap(([, resource]) => metadataOf(resource).checkov?.skip ?? []);
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) expect(skip.id).toMatch(/^CKV_AWS_\d+$/);
    expect(skips.filter((skip) => skip.comment.length < 30).map((skip) => skip.id)).toEqual([]);
  });

  it('give every suppressed cfn-guard rule a written reason', () => {
    const suppressed = resources.flatMap(([, resource]) => guardReasons(resource));
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.filter(([, reason]) => (reason?.length ?? 0) < 30).map(([rule]) => rule)).toEqual([]);
  });

  it('skip nothing on the roles, the runbook or the rules: those pass both scanners as they are', () => {
    const guarded = resources.filter(([, r]) => ['AWS::IAM::Role', 'AWS::SSM::Document', 'AWS::Events::Rule'].includes(r.Type));
    expect(guarded.length).toBeGreaterThan(3);
    for (const [id, resource] of guarded) expect([id, metadataOf(resource).checkov, metadataOf(resource).guard]).toEqual([id, undefined, undefined]);
  });

  it('keep every log group for a year, as the Control Tower rule asks, rather than suppress it', () => {
    const logGroups = resources.filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [, resource] of logGroups) expect(resource.Properties?.RetentionInDays as number).toBeGreaterThanOrEqual(365);
  });
});

it('suppresses exactly these cfn-guard rules, so that a new one is a deliberate change', () => {
  const suppressed = TEMPLATES.flatMap(([, template]) =>
    Object.entries(template.Resources).flatMap(([id, resource]) => guardReasons(resource).map(([rule]) => `${id} ${rule}`)),
  );
  expect(suppressed).toEqual([
    'PreflightLogGroup cloudwatch_log_group_encrypted_check',
    'PreflightFunction lambda_inside_vpc_check',
    'RecoveryPreflightLogGroup cloudwatch_log_group_encrypted_check',
    'RecoveryPreflightFunction lambda_inside_vpc_check',
  ]);
});
