/** Reading the runbook out of the generated template, as CloudFormation would hand it to SSM. */
import { generatedTemplateFile } from './rehearsal-world';
import { IntrinsicError, loadTemplate, resolveAutomationDocument, resolveSub, StackValues } from './intrinsics';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/dr/11111111-2222-3333-4444-555555555555';
const KEY_ARN = 'arn:aws:kms:us-west-2:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const values = (parameters: StackValues['parameters'] = {}): StackValues => ({
  parameters: { DBClusterIdentifier: 'prod-db', KMSTargetKey: 'alias/dr', SourceRegion: 'us-east-1', TargetRegion: 'us-west-2', ...parameters },
  pseudo: { 'AWS::StackId': STACK_ID, 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws' },
  attributes: { 'AutomationRole.Arn': 'arn:aws:iam::123456789012:role/dr-automation', 'Preflight.TargetKeyArn': KEY_ARN },
});

describe('runbook from the generated template', () => {
  const template = loadTemplate(generatedTemplateFile());

  it('resolves every reference of the Content to the stack\'s values', () => {
    const { text, document } = resolveAutomationDocument(template, values());
    expect(text).not.toMatch(/\$\{/);
    const parameters = (document as { parameters: { [name: string]: { default: unknown } } }).parameters;
    expect(parameters.TargetKmsKeyArn.default).toBe(KEY_ARN);
    expect(parameters.DBClusterIdentifier.default).toBe('prod-db');
    expect(text).toContain(STACK_ID);
  });

  it.each([
    [{ DBClusterIdentifier: 'a'.repeat(64) }, /MaxLength 63/],
    [{ SourceRetentionDays: 0 }, /MinValue 1/],
    [{ TargetRegion: 'US-WEST-2' }, /AllowedPattern/],
    [{ NoSuchParameter: 'x' }, /not declared/],
  ])('refuses stack parameters CloudFormation would refuse: %j', (parameters, message) => {
    expect(() => resolveAutomationDocument(template, values(parameters))).toThrow(message);
  });

  it('refuses a reference it has no value for instead of leaving it empty', () => {
    const partial = values();
    delete partial.attributes['Preflight.TargetKeyArn'];
    expect(() => resolveAutomationDocument(template, partial)).toThrow(/Fn::GetAtt Preflight\.TargetKeyArn/);
  });

  it('keeps ${!Literal} literal and uses Fn::Sub local variables', () => {
    expect(resolveSub(['${!Keep} ${Local}', { Local: 'x' }], template, values())).toBe('${Keep} x');
    expect(() => resolveSub('${Nothing}', template, values())).toThrow(IntrinsicError);
  });
});
