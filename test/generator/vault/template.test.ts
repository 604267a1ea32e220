import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderVaultTemplates, TEMPLATE_BODY_LIMIT_BYTES, TEMPLATE_DIR, VAULT_TEMPLATE_BASENAME } from '../../../generator/main';
import { buildVaultTemplate } from '../../../generator/vault/template';
import { VAULT_ID } from '../../../generator/vault/logical-ids';
import { VAULT_STEP } from '../../../generator/vault/document';
import { VAULT_COPY_NAMES, vaultAutomationPolicy, vaultFunctionPolicy } from '../../../generator/vault/iam';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { automationRolePolicy } from '../../../generator/dr/iam';
import { VAULT_DATA, VAULT_PARAM } from '../../../custom-resource/vault/contract';

const template = buildVaultTemplate('exports.handler=async()=>{}');
const resources = template.Resources;
const json = (value: unknown): string => JSON.stringify(value);

describe('the vault template files', () => {
  const rendered = renderVaultTemplates();

  it.each(['yaml', 'json'] as const)('committed templates/%s is byte-for-byte what the generator writes', (extension) => {
    const committed = fs.readFileSync(path.join(TEMPLATE_DIR, `${VAULT_TEMPLATE_BASENAME}.${extension}`), 'utf8');
    expect(committed).toBe(rendered[extension]);
  });

  it.each(['yaml', 'json'] as const)('%s leaves at least 4,000 of the 51,200 TemplateBody bytes free', (extension) => {
    expect(Buffer.byteLength(rendered[extension])).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT_BYTES - 4000);
  });
});

describe('the vault runbook', () => {
  const runbook = yaml.load(
    (resources[VAULT_ID.document].Properties!.Content as { 'Fn::Sub': string })['Fn::Sub'],
  ) as { mainSteps: { name: string; action: string; nextStep?: string; inputs: { [key: string]: unknown } }[] };
  const step = (name: string) => runbook.mainSteps.find((s) => s.name === name)!;

  it('copies, waits for a slot while the copy step says so and comes back, then prunes', () => {
    expect(runbook.mainSteps.map((s) => s.name)).toEqual([VAULT_STEP.copy, VAULT_STEP.waiting, VAULT_STEP.waitForSlot, VAULT_STEP.prune]);
    expect(json(step(VAULT_STEP.waiting).inputs)).toContain(`"NextStep":"${VAULT_STEP.waitForSlot}"`);
    expect(step(VAULT_STEP.waitForSlot).nextStep).toBe(VAULT_STEP.copy);
  });

  it("copies under the key the preflight resolved, for the listed clusters, tagging with this stack's ARN", () => {
    const payload = step(VAULT_STEP.copy).inputs.InputPayload as { [key: string]: unknown };
    expect(payload.VaultKmsKeyArn).toBe(`\${${VAULT_ID.preflight}.${VAULT_DATA.vaultKeyArn}}`);
    expect(payload.ProtectedClusters).toBe(`\${${VAULT_PARAM.protectedClusters}}`);
    expect(payload.StackId).toBe('${AWS::StackId}');
    expect(payload.TagKeys).toEqual({ ...SNAPSHOT_TAG });
    expect(step(VAULT_STEP.copy).inputs.Script).toContain('copy_db_cluster_snapshot');
  });

  it('prunes by the retention and the minimum per cluster', () => {
    const payload = step(VAULT_STEP.prune).inputs.InputPayload as { [key: string]: unknown };
    expect(payload.RetentionDays).toBe(`\${${VAULT_PARAM.retention}}`);
    expect(payload.MinimumCopiesPerCluster).toBe(`\${${VAULT_PARAM.minimumCopies}}`);
  });
});

describe("the vault's roles can do nothing in another account", () => {
  const statements = [...vaultAutomationPolicy(), ...vaultFunctionPolicy()];

  it("scope every resource to this account, but the copy's sources and their keys, which the preflight names", () => {
    const outside = statements.filter((s) => !json(s.Resource).includes('${AWS::AccountId}') && !json(s.Resource).includes('Fn::GetAtt') && json(s.Resource) !== '["*"]' && !json(s.Resource).includes('AWS::StackId'));
    expect(outside).toEqual([]);
    const fromPreflight = statements.filter((s) => json(s.Resource).includes('Fn::Split'));
    expect(fromPreflight.map((s) => [s.Sid, s.Action])).toEqual([
      ['CopyFromTheProtectedClustersCopies', ['rds:CopyDBClusterSnapshot', 'rds:DescribeDBClusterSnapshots']],
      ['GrantTheProtectedAccountsKeysToRds', ['kms:CreateGrant', 'kms:DescribeKey']],
    ]);
    expect(json(fromPreflight[0].Resource)).toContain(VAULT_DATA.sourceSnapshotArns);
    expect(json(fromPreflight[1].Resource)).toContain(VAULT_DATA.sourceKeyArns);
    expect(json(fromPreflight[1].Condition)).toContain('kms:ViaService');
  });

  it("delete only the snapshots that carry this stack's ownership tag", () => {
    const deleting = statements.filter((s) => s.Action.includes('rds:DeleteDBClusterSnapshot'));
    expect(deleting).toHaveLength(1);
    expect(deleting[0].Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: { Ref: 'AWS::StackId' } } });
  });

  it("create snapshots only tagged with this stack's ownership, named as the vault names its copies, never over another stack's tag", () => {
    const copyInto = statements.find((s) => s.Sid === 'CopyIntoSnapshotsTaggedByThisStack')!;
    expect(copyInto.Condition).toEqual({
      StringEquals: { [`aws:RequestTag/${SNAPSHOT_TAG.stackId}`]: { Ref: 'AWS::StackId' } },
      StringEqualsIfExists: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: { Ref: 'AWS::StackId' } },
    });
    const named = { 'Fn::Sub': `arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:cluster-snapshot:${VAULT_COPY_NAMES}` };
    expect(copyInto.Resource).toEqual([named]);
    expect(statements.find((s) => s.Sid === 'DeleteOnlyThisStacksCopies')!.Resource).toEqual([named]);
  });

  it('never share, unshare or modify a snapshot', () => {
    expect(statements.flatMap((s) => s.Action).filter((a) => /Modify|Attribute|Restore/.test(a))).toEqual([]);
  });
});

describe('the vault alerts', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'vault.md'), 'utf8');
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

  it('are each named on docs/vault.md, which the README lists', () => {
    const alerting = Object.entries(resources)
      .filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' || id === VAULT_ID.runFailedRule)
      .map(([id]) => id);
    expect(alerting.sort()).toEqual([VAULT_ID.copyAgeAlarm, VAULT_ID.scheduleFailedAlarm, VAULT_ID.runFailedRule].sort());
    for (const id of alerting) expect({ id, documented: docs.includes(`\`${id}\``) }).toEqual({ id, documented: true });
    expect(readme).toContain('(docs/vault.md)');
  });

  it("alarm when a cluster's newest copy is older than the preflight's allowance, or when the check stops", () => {
    const alarm = resources[VAULT_ID.copyAgeAlarm].Properties!;
    expect(alarm.Threshold).toEqual({ 'Fn::GetAtt': [VAULT_ID.preflight, VAULT_DATA.allowedCopyAgeHours] });
    expect(alarm.TreatMissingData).toBe('breaching');
    expect(alarm.AlarmActions).toEqual([{ Ref: VAULT_ID.alertTopic }]);
  });

  it("send failed runs and a schedule that cannot start to the topic, whose policy names each publisher", () => {
    expect(json(resources[VAULT_ID.runFailedRule].Properties)).toContain('"Failed","TimedOut","Cancelled"');
    expect(resources[VAULT_ID.scheduleFailedAlarm].Properties!.AlarmActions).toEqual([{ Ref: VAULT_ID.alertTopic }]);
    const policy = json(resources[VAULT_ID.alertTopicPolicy].Properties);
    for (const publisher of [VAULT_ID.runFailedRule, VAULT_ID.copyAgeAlarm, VAULT_ID.scheduleFailedAlarm]) {
      expect(policy).toContain(publisher);
    }
  });
});

describe("the DR stack's role and the vault", () => {
  it("names no resource outside its own account, so it can neither delete nor unshare the vault's copies", () => {
    const statements = automationRolePolicy();
    for (const s of statements) {
      for (const resource of s.Resource) {
        // Its own ARNs (Fn::Sub with its account), or what its preflight resolved in its own account.
        expect(json(resource)).toMatch(/\$\{AWS::AccountId\}|"Fn::GetAtt":\["Preflight"/);
      }
    }
    const share = statements.filter((s) => s.Action.includes('rds:ModifyDBClusterSnapshotAttribute'));
    expect(share.map((s) => s.Condition)).toEqual([{ StringEquals: { [`aws:ResourceTag/${SNAPSHOT_TAG.stackId}`]: { Ref: 'AWS::StackId' } } }]);
  });
});
