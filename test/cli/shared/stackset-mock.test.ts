/**
 * `stackset deploy` on the paths moto cannot produce: failed operations and
 * instances, an operation already in progress, organizational units (moto
 * would need a whole AWS Organization), and the exact calls sent.
 */
import 'aws-sdk-client-mock-jest';
import * as fs from 'fs';
import {
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  StackInstanceSummary,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { planInstanceOperations, parseStackSetInput } from '../../../cli/shared/stackset';
import { runCli, tempDir, useMockedCloudFormation, writeTemp } from '../support';
import { DEFAULT_TEMPLATE } from '../../../cli/shared/validate';

const cfn = useMockedCloudFormation();

const dir = tempDir();
const FLEET = {
  defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr-snapshots' },
  accounts: {
    '111111111111': { DBClusterIdentifier: 'orders-prod' },
    '222222222222': { DBClusterIdentifier: 'billing-prod' },
  },
};
const fleetFile = writeTemp(dir, 'fleet.json', JSON.stringify(FLEET));
const OU = 'ou-ab12-cdef3456';
const SELF = ['stackset', 'deploy', '--stack-set-name', 'aurora-snapshot-dr', '--regions', 'us-east-1', '--parameters-file', fleetFile, '--region', 'us-east-1'];

const notFound = () => Object.assign(new Error('StackSet aurora-snapshot-dr not found'), { name: 'StackSetNotFoundException' });
const instance = (account: string, region: string, status: string, detailed: string, reason?: string): StackInstanceSummary => ({
  Account: account,
  Region: region,
  Status: status as StackInstanceSummary['Status'],
  StackInstanceStatus: { DetailedStatus: detailed as never },
  StatusReason: reason,
});

describe('stackset deploy: failures', () => {
  it('ends with every instance, its status and reason, and exits 1 when an instance failed', async () => {
    const reason =
      "ResourceLogicalId:Preflight, ResourceType:Custom::AuroraSnapshotDrPreflight, ResourceStatusReason:Received response status [FAILED] from custom resource. Message returned: DBClusterIdentifier 'billing-prod' was not found in us-east-1.";
    cfn.on(DescribeStackSetCommand).rejects(notFound());
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-snapshot-dr:1' });
    cfn
      .on(ListStackInstancesCommand)
      .resolvesOnce({ Summaries: [] })
      .resolves({
        Summaries: [
          instance('111111111111', 'us-east-1', 'CURRENT', 'SUCCEEDED'),
          instance('222222222222', 'us-east-1', 'OUTDATED', 'FAILED', reason),
        ],
      });
    cfn.on(CreateStackInstancesCommand, { Accounts: ['111111111111'] }).resolves({ OperationId: 'op-1' });
    cfn.on(CreateStackInstancesCommand, { Accounts: ['222222222222'] }).resolves({ OperationId: 'op-2' });
    cfn.on(DescribeStackSetOperationCommand, { OperationId: 'op-1' }).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn
      .on(DescribeStackSetOperationCommand, { OperationId: 'op-2' })
      .resolvesOnce({ StackSetOperation: { Status: 'RUNNING' } })
      .resolves({ StackSetOperation: { Status: 'FAILED', StatusReason: 'The Operation op-2 has failed to create or update stack instances' } });
    cfn.on(ListStackSetOperationResultsCommand, { OperationId: 'op-1' }).resolves({
      Summaries: [{ Account: '111111111111', Region: 'us-east-1', Status: 'SUCCEEDED' }],
    });
    cfn
      .on(ListStackSetOperationResultsCommand, { OperationId: 'op-2' })
      .resolvesOnce({ Summaries: [{ Account: '222222222222', Region: 'us-east-1', Status: 'RUNNING' }] })
      .resolves({ Summaries: [{ Account: '222222222222', Region: 'us-east-1', Status: 'FAILED', StatusReason: reason }] });

    const { code, output } = await runCli(SELF);

    expect(code).toBe(1);
    const text = output.stdout.join('\n');
    expect(text).toContain('  op-2: RUNNING');
    expect(text).toContain(`  222222222222 us-east-1 FAILED  ${reason}`);
    expect(text).toContain('  Create instance 222222222222 in us-east-1: FAILED: The Operation op-2 has failed to create or update stack instances');
    expect(output.stdout).toContain(`222222222222  us-east-1  OUTDATED  FAILED           ${reason}`);
    expect(output.stderr.join('\n')).toContain('1 of 2 instances are not CURRENT/SUCCEEDED; 1 operation(s) did not succeed.');
  });

  it('waits for its own running operation and submits again when the stack set refuses a second one', async () => {
    // A stack set of the DR template: deploy reads its template to know it is this product's.
    cfn.on(DescribeStackSetCommand).resolves({ StackSet: { StackSetName: 'aurora-snapshot-dr', TemplateBody: fs.readFileSync(DEFAULT_TEMPLATE, 'utf8') } });
    cfn
      .on(ListStackInstancesCommand)
      .resolves({ Summaries: [instance('111111111111', 'us-east-1', 'CURRENT', 'SUCCEEDED'), instance('222222222222', 'us-east-1', 'CURRENT', 'SUCCEEDED')] });
    cfn.on(UpdateStackSetCommand).resolves({ OperationId: 'op-set' });
    cfn
      .on(UpdateStackInstancesCommand)
      .rejectsOnce(Object.assign(new Error('Another Operation on StackSet is in progress'), { name: 'OperationInProgressException' }))
      .resolves({ OperationId: 'op-instance' });
    cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });

    const { code, output } = await runCli(SELF);

    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(cfn).toHaveReceivedCommandTimes(UpdateStackInstancesCommand, 3);
    // The stack set update was waited for before the refused instance update was sent again.
    const calls = cfn.calls().map((c) => c.args[0].constructor.name);
    const refused = calls.indexOf('UpdateStackInstancesCommand');
    expect(calls.slice(refused + 1, refused + 3)).toEqual(['DescribeStackSetOperationCommand', 'ListStackSetOperationResultsCommand']);
    expect(output.stdout).toContain('All 2 instances are CURRENT.');
  });
});

describe('stackset deploy: the calls', () => {
  it('creates a self-managed stack set with CAPABILITY_IAM, managed execution, the roles and the operation preferences', async () => {
    cfn.on(DescribeStackSetCommand).rejects(notFound());
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-snapshot-dr:1' });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op' });
    cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const admin = 'arn:aws:iam::999999999999:role/StackSetAdmin';
    const { code } = await runCli([
      ...SELF,
      '--accounts',
      '111111111111',
      '--administration-role-arn',
      admin,
      '--execution-role-name',
      'StackSetExec',
      '--max-concurrent-count',
      '3',
      '--failure-tolerance-percentage',
      '10',
    ]);
    // This mock lists no instance at the end, which the command reports as a failure.
    expect(code).toBe(1);
    expect(cfn).toHaveReceivedCommandWith(CreateStackSetCommand, {
      StackSetName: 'aurora-snapshot-dr',
      PermissionModel: 'SELF_MANAGED',
      Capabilities: ['CAPABILITY_IAM'],
      AdministrationRoleARN: admin,
      ExecutionRoleName: 'StackSetExec',
      ManagedExecution: { Active: true },
    });
    expect(cfn).toHaveReceivedCommandWith(CreateStackInstancesCommand, {
      Accounts: ['111111111111'],
      Regions: ['us-east-1'],
      OperationPreferences: { MaxConcurrentCount: 3, FailureTolerancePercentage: 10 },
      ParameterOverrides: [
        { ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
        { ParameterKey: 'SourceRegion', ParameterValue: 'us-east-1' },
      ],
    });
    expect(cfn).toHaveReceivedCommandTimes(CreateStackInstancesCommand, 1);
  });

  it('deploys to OUs as a delegated administrator: the accounts of the file with their values, the others with the defaults', async () => {
    const withDefaults = writeTemp(dir, 'ou-fleet.json', JSON.stringify({ ...FLEET, defaults: { ...FLEET.defaults, DBClusterIdentifier: 'app' } }));
    cfn.on(DescribeStackSetCommand).rejects(notFound());
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-snapshot-dr:1' });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op' });
    cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const { output } = await runCli([
      'stackset',
      'deploy',
      '--stack-set-name',
      'aurora-snapshot-dr',
      '--permission-model',
      'SERVICE_MANAGED',
      '--organizational-units',
      OU,
      '--call-as',
      'DELEGATED_ADMIN',
      '--regions',
      'eu-west-1',
      '--parameters-file',
      withDefaults,
      '--region',
      'us-east-1',
    ]);
    expect(cfn).toHaveReceivedCommandWith(CreateStackSetCommand, {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: false },
      CallAs: 'DELEGATED_ADMIN',
    });
    expect(cfn).toHaveReceivedCommandWith(CreateStackInstancesCommand, {
      CallAs: 'DELEGATED_ADMIN',
      DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: ['222222222222'], AccountFilterType: 'INTERSECTION' },
      ParameterOverrides: expect.arrayContaining([{ ParameterKey: 'DBClusterIdentifier', ParameterValue: 'billing-prod' }]),
    });
    expect(cfn).toHaveReceivedCommandWith(CreateStackInstancesCommand, {
      DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: ['111111111111', '222222222222'], AccountFilterType: 'DIFFERENCE' },
      ParameterOverrides: expect.arrayContaining([
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'app' },
        { ParameterKey: 'SourceRegion', ParameterValue: 'eu-west-1' },
      ]),
    });
    expect(cfn).toHaveReceivedCommandTimes(CreateStackInstancesCommand, 3);
    expect(output.stderr.join('\n')).toContain('The stack set has no instances');
  });
});

describe('planInstanceOperations', () => {
  const input = parseStackSetInput({ 'stack-set-name': 'dr', regions: 'us-east-1,eu-west-1', 'parameters-file': fleetFile });

  it('creates missing instances and updates existing ones, one call per account and Region', () => {
    const plan = planInstanceOperations(input, [instance('111111111111', 'eu-west-1', 'CURRENT', 'SUCCEEDED')]);
    expect(plan.map((op) => `${op.action} ${op.who} ${op.region}`)).toEqual([
      'create 111111111111 us-east-1',
      'create 222222222222 us-east-1',
      'update 111111111111 eu-west-1',
      'create 222222222222 eu-west-1',
    ]);
    expect(plan[2].overrides).toEqual({
      TargetRegion: 'us-west-2',
      KMSTargetKey: 'alias/dr-snapshots',
      DBClusterIdentifier: 'orders-prod',
      SourceRegion: 'eu-west-1',
    });
  });
});
