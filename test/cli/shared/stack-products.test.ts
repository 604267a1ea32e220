import 'aws-sdk-client-mock-jest';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import * as fs from 'fs';
import * as path from 'path';
import { deploy, parseDeployInput } from '../../../cli/shared/deploy';
import { RECOVERY_PRODUCT, SOURCE_PRODUCT, VAULT_PRODUCT, templateIdentity } from '../../../cli/shared/stack-products';
import { Context } from '../../../cli/shared/context';
import { sdkClients } from '../../../cli/shared/clients';
import { captureOutput, REPO_ROOT, runCli, SMALL_TEMPLATE, tempDir, useMockedCloudFormation } from '../support';

const template = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'templates', name), 'utf8');

describe('templateIdentity: which stack of this product a template is, by its preflight resource type', () => {
  it.each([
    ['aurora-snapshot-dr.yaml', 'the DR stack', SOURCE_PRODUCT],
    ['aurora-snapshot-dr.json', 'the DR stack', SOURCE_PRODUCT],
    ['aurora-snapshot-dr-recovery.yaml', 'the recovery stack', RECOVERY_PRODUCT],
    ['aurora-snapshot-dr-recovery.json', 'the recovery stack', RECOVERY_PRODUCT],
  ])('knows templates/%s as %s', (file, kind, product) => {
    const identity = templateIdentity(template(file));
    expect(identity.kind).toBe(kind);
    expect(identity.product).toBe(product);
  });

  it('knows the vault stack by its preflight, and names a kind it does not know by the same rule', () => {
    const vault = 'Resources:\n  Preflight:\n    Type: Custom::AuroraSnapshotDrVaultPreflight\n    Properties: {ServiceToken: x}\n';
    expect(templateIdentity(vault)).toEqual({ kind: 'the vault stack', product: VAULT_PRODUCT, resourceTypes: ['Custom::AuroraSnapshotDrVaultPreflight'] });
    const later = 'Resources:\n  Preflight:\n    Type: Custom::AuroraSnapshotDrArchivePreflight\n    Properties: {ServiceToken: x}\n';
    expect(templateIdentity(later)).toEqual({ kind: 'the archive stack', product: undefined, resourceTypes: ['Custom::AuroraSnapshotDrArchivePreflight'] });
  });

  it.each([
    ['a queue and a topic', 'Resources:\n  Q: {Type: AWS::SQS::Queue}\n  T: {Type: AWS::SNS::Topic}\n', ['AWS::SNS::Topic', 'AWS::SQS::Queue']],
    ['a custom resource of another product', '{"Resources": {"P": {"Type": "Custom::AuroraSnapshotDrPreflightCopy"}}}', ['Custom::AuroraSnapshotDrPreflightCopy']],
    ['text that is no template', 'not: [a template', []],
  ])('finds no kind in %s', (_, body, types) => {
    expect(templateIdentity(body)).toEqual({ resourceTypes: types });
  });
});

describe('deploy --allow-repoint asks before it executes the change set', () => {
  const cfn = useMockedCloudFormation();
  const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
  const SET_ID = 'arn:aws:cloudformation:us-east-1:111111111111:changeSet/x/1';
  const dir = tempDir();
  const file = path.join(dir, 'small.yaml');
  fs.writeFileSync(file, SMALL_TEMPLATE);

  beforeEach(() => {
    const stack = {
      StackName: 'orders-prod-dr',
      StackId: STACK_ID,
      StackStatus: 'CREATE_COMPLETE' as const,
      CreationTime: new Date(),
      Parameters: [{ ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' }],
    };
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: SMALL_TEMPLATE });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: SET_ID, StackId: STACK_ID });
    cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolves({
        Status: 'CREATE_COMPLETE',
        Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'AlertTopic', ResourceType: 'AWS::SNS::Topic', Replacement: 'True' } }],
      });
  });

  const run = async (answer: boolean) => {
    const questions: string[] = [];
    const input = parseDeployInput({
      'stack-name': 'orders-prod-dr', cluster: 'billing-prod', 'source-region': 'us-east-1', 'target-region': 'us-west-2',
      'kms-key': 'alias/dr-snapshots', template: file, 'allow-repoint': true, 'no-wait': true,
    });
    const output = captureOutput();
    const context: Context = {
      clients: sdkClients(undefined), output, sleep: async () => undefined, now: () => new Date(), pollIntervalMs: 0, setInterruptAdvice: () => undefined,
    };
    const code = await deploy({ ...input, confirm: async (question) => (questions.push(question), answer) }, context);
    return { code, questions, output };
  };

  it('executes it on a yes, once it has shown it', async () => {
    const { code, questions, output } = await run(true);
    expect(code).toBe(0);
    expect(questions).toEqual([expect.stringMatching(/^Execute change set aurora-snapshot-dr-repoint-\d+\? Type yes to go ahead: $/)]);
    expect(output.stdout.join('\n')).toMatch(/^Modify +AlertTopic +AWS::SNS::Topic +True$/m);
    expect(cfn).toHaveReceivedCommandWith(ExecuteChangeSetCommand, { ChangeSetName: SET_ID });
    expect(cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
  });

  it('deletes it on anything else, and exits 1', async () => {
    const { code } = await run(false);
    expect(code).toBe(1);
    expect(cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: SET_ID });
    expect(cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });
});

describe('deploy checks the DR schedule against the snapshot quota with the values the stack will have', () => {
  const cfn = useMockedCloudFormation();
  const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
  const ARGS = ['deploy', '--stack-name', 'orders-prod-dr', '--cluster', 'orders-prod', '--source-region', 'us-east-1', '--target-region', 'us-west-2', '--kms-key', 'alias/dr-snapshots', '--schedule', 'rate(1 hour)', '--no-wait'];

  it('refuses an hourly schedule on create, where the default retention of 7 days applies, before any change', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id orders-prod-dr does not exist'), { name: 'ValidationError' }));
    const { code, output } = await runCli(ARGS);
    expect(code).toBe(2);
    expect(output.stderr).toContain(
      'aurora-snapshot-dr deploy: ScheduleExpression "rate(1 hour)" (24 runs a day) with SourceRetentionDays 7 keeps up to 169 manual snapshots in us-east-1, over the default quota of 100: lower SourceRetentionDays to 4 or run less often.',
    );
    expect(cfn).not.toHaveReceivedCommand(CreateStackCommand);
  });

  it('takes it on update when the stack keeps 3 days, as its preflight would', async () => {
    const kept = [
      { ParameterKey: 'SourceRetentionDays', ParameterValue: '3' },
      { ParameterKey: 'TargetRetentionDays', ParameterValue: '3' },
    ];
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'orders-prod-dr', StackId: STACK_ID, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Parameters: kept }] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: fs.readFileSync(path.join(REPO_ROOT, 'templates', 'aurora-snapshot-dr.yaml'), 'utf8') });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const { code, output } = await runCli(ARGS);
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(cfn).toHaveReceivedCommand(UpdateStackCommand);
  });
});
