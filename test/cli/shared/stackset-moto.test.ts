/**
 * `stackset deploy` against moto server. moto runs every stack set operation
 * at once and successfully, and creates self-managed instances as real stacks
 * in the target accounts, so this checks the calls, the per-instance values
 * and the final table on the real wire protocol.
 */
import {
  CloudFormationClient,
  DescribeStackInstanceCommand,
  DescribeStackSetCommand,
  Parameter,
} from '@aws-sdk/client-cloudformation';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, writeTemp } from '../support';

let moto: MotoServer;
let restoreEnv: () => void;
const dir = tempDir();
const template = writeTemp(dir, 'small.yaml', SMALL_TEMPLATE);
const fleet = writeTemp(
  dir,
  'fleet.json',
  JSON.stringify({
    defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr-snapshots' },
    accounts: {
      '111111111111': { DBClusterIdentifier: 'orders-prod' },
      '222222222222': { DBClusterIdentifier: 'billing-prod', ScheduleExpression: 'rate(12 hours)' },
    },
  }),
);

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => moto.reset());

const ARGS = [
  'stackset',
  'deploy',
  '--stack-set-name',
  'aurora-snapshot-dr',
  '--region',
  'us-east-1',
  '--regions',
  'us-east-1,eu-west-1',
  '--parameters-file',
  fleet,
  '--template',
  template,
  '--max-concurrent-percentage',
  '50',
  '--failure-tolerance-count',
  '0',
];

const asMap = (parameters: Parameter[] = []) => Object.fromEntries(parameters.map((p) => [p.ParameterKey, p.ParameterValue]));

describe('stackset deploy against moto', () => {
  it('creates the stack set and one instance per account and Region, each with its own values, and ends with the table', async () => {
    const { code, output } = await runCli(ARGS);
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain('Creating stack set aurora-snapshot-dr (SELF_MANAGED)');
    expect(text).toMatch(/^Create instance 222222222222 in eu-west-1: operation [0-9a-f-]{36}$/m);
    expect(text).toMatch(/^ {2}222222222222 eu-west-1 SUCCEEDED$/m);
    const tableStart = output.stdout.findIndex((line) => line.startsWith('ACCOUNT'));
    expect(output.stdout.slice(tableStart, tableStart + 5)).toEqual([
      'ACCOUNT       REGION     STATUS   DETAILED STATUS  REASON',
      '111111111111  eu-west-1  CURRENT  SUCCEEDED',
      '111111111111  us-east-1  CURRENT  SUCCEEDED',
      '222222222222  eu-west-1  CURRENT  SUCCEEDED',
      '222222222222  us-east-1  CURRENT  SUCCEEDED',
    ]);
    expect(text).toContain('All 4 instances are CURRENT.');

    const cfn = new CloudFormationClient({ region: 'us-east-1' });
    const instance = await cfn.send(
      new DescribeStackInstanceCommand({ StackSetName: 'aurora-snapshot-dr', StackInstanceAccount: '222222222222', StackInstanceRegion: 'eu-west-1' }),
    );
    expect(asMap(instance.StackInstance?.ParameterOverrides)).toEqual({
      DBClusterIdentifier: 'billing-prod',
      KMSTargetKey: 'alias/dr-snapshots',
      SourceRegion: 'eu-west-1',
      TargetRegion: 'us-west-2',
      ScheduleExpression: 'rate(12 hours)',
    });
    const { StackSet } = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'aurora-snapshot-dr' }));
    // The stack set holds the defaults and placeholders; no instance runs with a placeholder.
    expect(asMap(StackSet?.Parameters)).toEqual({
      DBClusterIdentifier: 'set-per-account',
      KMSTargetKey: 'alias/dr-snapshots',
      SourceRegion: 'us-east-1',
      TargetRegion: 'us-west-2',
      ScheduleExpression: 'cron(0 3 * * ? *)',
    });
  });

  it('updates the stack set and the existing instances on a second run', async () => {
    expect((await runCli(ARGS)).code).toBe(0);
    const { code, output } = await runCli([...ARGS.slice(0, 7), 'us-east-1', ...ARGS.slice(8)]);
    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain('Stack set aurora-snapshot-dr exists: updating it');
    expect(text).toMatch(/^Update stack set aurora-snapshot-dr \(template and values of every instance\): operation /m);
    expect(text).toMatch(/^Update instance 111111111111 in us-east-1: operation /m);
    expect(text).not.toMatch(/^Create instance/m);
    expect(text).toContain('All 4 instances are CURRENT.');
  });

  it('deploys only the accounts given with --accounts', async () => {
    const { code, output } = await runCli([...ARGS, '--accounts', '111111111111']);
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).not.toContain('222222222222');
    expect(output.stdout).toContain('All 2 instances are CURRENT.');
  });
});
