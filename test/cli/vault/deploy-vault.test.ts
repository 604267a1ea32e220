/**
 * `deploy-vault` and `stackset deploy --vault`: the vault stack in the vault
 * account, in the DR Region. CloudFormation is an aws-sdk-client-mock stand-in.
 */
import 'aws-sdk-client-mock-jest';
import {
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackEventsCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
} from '@aws-sdk/client-cloudformation';
import { parseStackSetInput } from '../../../cli/shared/stackset';
import { VAULT_PRODUCT } from '../../../cli/shared/stack-products';
import { vaultParameters } from '../../../generator/vault/parameters';
import { runCli, tempDir, useMockedCloudFormation, writeTemp } from '../support';

const cfn = useMockedCloudFormation();
const dir = tempDir();
const VAULT_ID = 'arn:aws:cloudformation:us-west-2:999999999999:stack/aurora-snapshot-dr-vault/0b0b0b0b-0000-11ef-0000-0a1b2c3d4e5f';
const ARGS = ['deploy-vault', '--region', 'us-west-2', '--kms-key', 'alias/vault', '--protected-clusters', '111122223333:orders-prod,444455556666:billing'];

describe('deploy-vault', () => {
  it('creates the vault stack in --region from the vault template with the values given', async () => {
    const notFound = Object.assign(new Error('Stack with id aurora-snapshot-dr-vault does not exist'), { name: 'ValidationError' });
    cfn.on(DescribeStacksCommand, { StackName: 'aurora-snapshot-dr-vault' }).rejects(notFound);
    cfn.on(CreateStackCommand).resolves({ StackId: VAULT_ID });
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfn.on(DescribeStacksCommand, { StackName: VAULT_ID }).resolves({
      Stacks: [{ StackName: 'aurora-snapshot-dr-vault', StackId: VAULT_ID, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }],
    });

    const { code } = await runCli([...ARGS, '--retention-days', '14']);

    expect(code).toBe(0);
    const create = cfn.commandCalls(CreateStackCommand)[0];
    expect(await (create.thisValue as { config: { region(): Promise<string> } }).config.region()).toBe('us-west-2');
    expect(create.args[0].input.StackName).toBe('aurora-snapshot-dr-vault');
    expect(create.args[0].input.TemplateBody).toContain('Aurora snapshot DR vault');
    expect(Object.fromEntries(create.args[0].input.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toEqual({
      VaultKmsKey: 'alias/vault',
      ProtectedClusters: '111122223333:orders-prod,444455556666:billing',
      RetentionDays: '14',
    });
  });

  it.each<[string, string[], string]>([
    ['a pair without an account', ['--protected-clusters', 'orders-prod'], "--protected-clusters 'orders-prod' must be account:cluster pairs separated by commas"],
    ['a pair listed twice', ['--protected-clusters', '111122223333:orders-prod,111122223333:orders-prod'], 'ProtectedClusters "111122223333:orders-prod" is listed twice'],
    [
      'more copies than the snapshot quota holds',
      ['--protected-clusters', '111122223333:a,111122223333:b,111122223333:c', '--retention-days', '40'],
      '3 clusters x 41 copies (RetentionDays 40 at 1 runs a day, MinimumCopiesPerCluster 3) keep up to 123 manual snapshots in us-west-2, over the default quota of 100',
    ],
    ['a retention out of range', ['--retention-days', '0'], "--retention-days '0' must be a whole number from 1 to 3650."],
  ])('refuses %s before any AWS call, naming the value and the fix', async (_, flags, problem) => {
    const args = [...ARGS];
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i]);
      if (at >= 0) args.splice(at, 2);
      args.push(flags[i], flags[i + 1]);
    }
    const { code, output } = await runCli(args);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain(problem);
    expect(cfn).not.toHaveReceivedAnyCommand();
  });

  it('needs --region: the vault goes to the DR Region, which nothing else names', async () => {
    const { code, output } = await runCli(ARGS.filter((_, i) => i !== 1 && i !== 2));
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toMatch(/--region/);
  });
});

describe('stackset deploy --vault', () => {
  const fleet = { defaults: { VaultKmsKey: 'alias/vault' }, accounts: { '999999999999': { ProtectedClusters: '111122223333:orders-prod' } } };
  const fleetFile = writeTemp(dir, 'vault-fleet.json', JSON.stringify(fleet));
  const args = ['stackset', 'deploy', '--vault', '--stack-set-name', 'aurora-dr-vault', '--regions', 'us-west-2', '--parameters-file', fleetFile, '--region', 'us-east-1'];

  it('deploys the vault template to the vault account, with its values, in the DR Region', async () => {
    cfn.on(DescribeStackSetCommand).rejects(Object.assign(new Error('not found'), { name: 'StackSetNotFoundException' }));
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-dr-vault:1' });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op' });
    cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: 'SUCCEEDED' } });
    cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });

    await runCli(args);

    const created = cfn.commandCalls(CreateStackSetCommand)[0].args[0].input;
    expect(created.TemplateBody).toContain('Aurora snapshot DR vault');
    for (const { ParameterKey, ParameterValue } of created.Parameters!) {
      const spec = vaultParameters[ParameterKey!];
      expect(spec).toBeDefined();
      if (spec.AllowedPattern) expect(new RegExp(spec.AllowedPattern).test(ParameterValue!)).toBe(true);
    }
    expect(cfn).toHaveReceivedCommandWith(CreateStackInstancesCommand, {
      Accounts: ['999999999999'],
      Regions: ['us-west-2'],
      ParameterOverrides: expect.arrayContaining([{ ParameterKey: 'ProtectedClusters', ParameterValue: '111122223333:orders-prod' }]),
    });
  });

  it('reads the parameters file against the vault template, and refuses --vault with --recovery', () => {
    const input = parseStackSetInput({ vault: true, 'stack-set-name': 'v', regions: 'us-west-2', 'parameters-file': fleetFile });
    expect(input.product).toBe(VAULT_PRODUCT);
    expect(() => parseStackSetInput({ vault: true, recovery: true, 'stack-set-name': 'v', regions: 'us-west-2', 'parameters-file': fleetFile })).toThrow(
      /--vault and --recovery name two different stacks/,
    );
  });

  it('refuses a vault key ARN of another Region than the instances', async () => {
    const bad = writeTemp(dir, 'vault-bad.json', JSON.stringify({ ...fleet, defaults: { VaultKmsKey: 'arn:aws:kms:eu-west-1:999999999999:alias/vault' } }));
    const { code, output } = await runCli([...args.slice(0, 8), bad, '--region', 'us-east-1']);
    expect(code).toBe(2);
    expect(output.stderr.join('\n')).toContain("VaultKmsKey 'arn:aws:kms:eu-west-1:999999999999:alias/vault' is an alias in eu-west-1");
  });
});
