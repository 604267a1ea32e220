/**
 * `stackset deploy --recovery`: the recovery stack fleet-wide, one instance
 * per account in the disaster-recovery Regions, each with the values of its
 * own source stack. CloudFormation is an aws-sdk-client-mock stand-in.
 */
import 'aws-sdk-client-mock-jest';
import {
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
} from '@aws-sdk/client-cloudformation';
import { parseStackSetInput, stackSetParameters } from '../../../cli/shared/stackset';
import { RECOVERY_PRODUCT } from '../../../cli/shared/stack-products';
import { recoveryParameters } from '../../../generator/recovery/parameters';
import { runCli, tempDir, useMockedCloudFormation, writeTemp } from '../support';

const cfn = useMockedCloudFormation();
const dir = tempDir();
const stackOf = (account: string, name: string) =>
  `arn:aws:cloudformation:us-east-1:${account}:stack/${name}/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f`;
const FLEET = {
  defaults: { KMSTargetKey: 'alias/dr-snapshots', DBSubnetGroupName: 'dr-private', DrillScheduleExpression: 'cron(0 6 ? * SAT *)' },
  accounts: {
    '111111111111': { DBClusterIdentifier: 'orders-prod', SourceStackId: stackOf('111111111111', 'orders-dr'), VpcSecurityGroupIds: 'sg-0aaaaaaaaaaaaaaaa' },
    '222222222222': { DBClusterIdentifier: 'billing-prod', SourceStackId: stackOf('222222222222', 'billing-dr'), VpcSecurityGroupIds: 'sg-0bbbbbbbbbbbbbbbb' },
  },
};
const fleetFile = writeTemp(dir, 'recovery-fleet.json', JSON.stringify(FLEET));
const ARGS = ['stackset', 'deploy', '--recovery', '--stack-set-name', 'aurora-dr-recovery', '--regions', 'us-west-2', '--parameters-file', fleetFile, '--region', 'us-east-1'];

describe('stackset deploy --recovery', () => {
  it('deploys the recovery template with each account\'s own values, no SourceRegion, in the DR Regions', async () => {
    cfn.on(DescribeStackSetCommand).rejects(Object.assign(new Error('not found'), { name: 'StackSetNotFoundException' }));
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-dr-recovery:1' });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op' });
    cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });

    await runCli(ARGS);

    const created = cfn.commandCalls(CreateStackSetCommand)[0].args[0].input;
    expect(created.TemplateBody).toContain('Aurora snapshot DR recovery');
    // Every stack set value passes the recovery template's own constraints.
    for (const { ParameterKey, ParameterValue } of created.Parameters!) {
      const spec = recoveryParameters[ParameterKey!];
      expect(spec).toBeDefined();
      if (spec.AllowedPattern) expect(new RegExp(spec.AllowedPattern).test(ParameterValue!)).toBe(true);
    }
    expect(created.Parameters!.map((p) => p.ParameterKey)).not.toContain('SourceRegion');
    expect(cfn).toHaveReceivedCommandWith(CreateStackInstancesCommand, {
      Accounts: ['222222222222'],
      Regions: ['us-west-2'],
      ParameterOverrides: expect.arrayContaining([
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'billing-prod' },
        { ParameterKey: 'SourceStackId', ParameterValue: stackOf('222222222222', 'billing-dr') },
        { ParameterKey: 'DBSubnetGroupName', ParameterValue: 'dr-private' },
      ]),
    });
  });

  it('reads the parameters file against the recovery template', () => {
    const input = parseStackSetInput({ recovery: true, 'stack-set-name': 'r', regions: 'us-west-2', 'parameters-file': fleetFile });
    expect(input.product).toBe(RECOVERY_PRODUCT);
    expect(input.template.path).toBe(RECOVERY_PRODUCT.defaultTemplate);
    expect(stackSetParameters(input).find((p) => p.ParameterKey === 'SourceStackId')?.ParameterValue).toMatch(/^arn:aws:cloudformation:/);
  });

  it.each([
    [{ defaults: { SourceRegion: 'us-east-1' }, accounts: FLEET.accounts }, 'SourceRegion in defaults: unknown parameter'],
    [{ defaults: FLEET.defaults, accounts: { '111111111111': { DBClusterIdentifier: 'orders-prod' } } }, 'account 111111111111 has no SourceStackId'],
    [{ defaults: { ...FLEET.defaults, VpcSecurityGroupIds: 'default' }, accounts: FLEET.accounts }, "VpcSecurityGroupIds in defaults 'default' must be security group ids"],
    // The recovery stack restores in its own Region: a key ARN of another Region cannot encrypt there.
    [
      { defaults: { ...FLEET.defaults, KMSTargetKey: 'arn:aws:kms:eu-west-1:111111111111:alias/dr' }, accounts: FLEET.accounts },
      "account 111111111111: KMSTargetKey 'arn:aws:kms:eu-west-1:111111111111:alias/dr' is an alias in eu-west-1, but the copies are encrypted in --regions us-west-2",
    ],
    // Copies come from the source stack's Region: the pair must be one Aurora can copy between.
    [
      {
        defaults: FLEET.defaults,
        accounts: { '111111111111': { ...FLEET.accounts['111111111111'], SourceStackId: stackOf('111111111111', 'orders-dr').replace('us-east-1', 'cn-north-1').replace(':aws:', ':aws-cn:') } },
      },
      'Aurora cannot copy snapshots to or from the China Regions',
    ],
  ])('refuses a recovery parameters file that the recovery stack would refuse: %p', async (fleet, problem) => {
    const file = writeTemp(dir, `bad-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(fleet));
    const { code, output } = await runCli([...ARGS.slice(0, 8), file, '--region', 'us-east-1']);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain(problem);
    expect(cfn).not.toHaveReceivedAnyCommand();
  });
});
