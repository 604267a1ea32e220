/**
 * No takeover, against moto: `deploy`, `deploy-recovery` and `stackset deploy`
 * refuse a stack or stack set that is not this product's, or is its other
 * kind, and `deploy` refuses to repoint a stack unless told to, showing the
 * change set first. Each refusal leaves the stack as it was: its template, its
 * resources and its parameters are read before and after.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import * as fs from 'fs';
import * as path from 'path';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { consoleSessions, DEPLOY_ARGS, REPO_ROOT, runCli, shellWords, SMALL_TEMPLATE, tempDir, useIsolatedAwsEnv, withFlags, writeTemp } from '../support';

let moto: MotoServer;
let restoreEnv: () => void;
const dir = tempDir();
const drTemplate = writeTemp(dir, 'small.yaml', SMALL_TEMPLATE);
const RECOVERY_TEMPLATE = path.join(REPO_ROOT, 'templates', 'aurora-snapshot-dr-recovery.yaml');

/** Somebody else's stack: a queue and a topic that CloudFormation would delete if the DR template replaced its template. */
const UNRELATED_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  JobsQueue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: payments-api-jobs}
  EventsTopic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: payments-api-events}
`;

/** The DR stand-in with the output deploy-recovery reads its parameters from. */
const SOURCE_TEMPLATE = `${SMALL_TEMPLATE}  RecoveryStackParameters:
    Value: !Sub '"SourceStackId=\${AWS::StackId}" "DBClusterIdentifier=\${DBClusterIdentifier}" "KMSTargetKey=\${KMSTargetKey}"'
`;

const DR_PARAMETERS = {
  DBClusterIdentifier: 'orders-prod',
  KMSTargetKey: 'alias/dr-snapshots',
  SourceRegion: 'us-east-1',
  TargetRegion: 'us-west-2',
  // Given at create: moto answers UsePreviousValue for a defaulted parameter with HTTP 500 (real CloudFormation does not).
  ScheduleExpression: 'cron(0 3 * * ? *)',
  CopyTimeoutHours: '12',
};

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => moto.reset());

const client = (region: string) => new CloudFormationClient({ region });

async function createStack(region: string, name: string, body: string, parameters: { [key: string]: string } = {}) {
  await client(region).send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: body,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
}

/** What a refusal must leave alone: the template, every resource and every parameter of the stack, and no change set. */
async function stackState(region: string, name: string) {
  const cfn = client(region);
  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: name }));
  const { StackResourceSummaries } = await cfn.send(new ListStackResourcesCommand({ StackName: name }));
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
  const { Summaries } = await cfn.send(new ListChangeSetsCommand({ StackName: name }));
  return {
    template: TemplateBody,
    resources: (StackResourceSummaries ?? []).map((r) => [r.LogicalResourceId, r.ResourceType, r.PhysicalResourceId, r.ResourceStatus]),
    parameters: Object.fromEntries((Stacks?.[0].Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue])),
    status: Stacks?.[0].StackStatus,
    changeSets: Summaries ?? [],
  };
}

describe('deploy refuses a stack that is not the DR stack, changing nothing', () => {
  it('refuses an unrelated stack (a queue and a topic) named by --stack-name', async () => {
    await createStack('us-east-1', 'payments-api', UNRELATED_TEMPLATE);
    const before = await stackState('us-east-1', 'payments-api');
    expect(before.resources.map(([id]) => id).sort()).toEqual(['EventsTopic', 'JobsQueue']);
    const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--stack-name', 'payments-api', '--template', drTemplate]));
    expect(code).toBe(1);
    expect(output.stderr).toEqual([
      'Stack payments-api in us-east-1 is not an aurora-snapshot-dr stack: its template has no Custom::AuroraSnapshotDr...Preflight resource (it holds AWS::SNS::Topic, AWS::SQS::Queue).',
      'Deploying over it would make CloudFormation delete what it holds. Nothing was changed. Give another --stack-name, or delete it first if it is really meant to go.',
    ]);
    expect(await stackState('us-east-1', 'payments-api')).toEqual(before);
  });

  it('refuses the recovery template over a DR stack', async () => {
    await createStack('us-east-1', 'orders-prod-dr', SMALL_TEMPLATE, DR_PARAMETERS);
    const before = await stackState('us-east-1', 'orders-prod-dr');
    const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--template', RECOVERY_TEMPLATE]));
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain(
      'Stack orders-prod-dr in us-east-1 is the DR stack, and templates/aurora-snapshot-dr-recovery.yaml is the template of the recovery stack.',
    );
    expect(output.stderr.join('\n')).toContain('Deploying one over the other would make CloudFormation delete the resources of the DR stack. Nothing was changed.');
    expect(await stackState('us-east-1', 'orders-prod-dr')).toEqual(before);
  });
});

describe('deploy refuses to repoint a DR stack without --allow-repoint', () => {
  beforeEach(() => createStack('us-east-1', 'orders-prod-dr', SMALL_TEMPLATE, DR_PARAMETERS));

  it.each([
    ['another --cluster', ['--cluster', 'billing-prod'], 'DBClusterIdentifier: orders-prod -> billing-prod'],
    ['another --target-region', ['--target-region', 'eu-west-1'], 'TargetRegion: us-west-2 -> eu-west-1'],
    ['another --kms-key', ['--kms-key', 'alias/other-key'], 'KMSTargetKey: alias/dr-snapshots -> alias/other-key'],
  ])('refuses %s, naming the change and the flag', async (_, flags, change) => {
    const before = await stackState('us-east-1', 'orders-prod-dr');
    const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--template', drTemplate, ...flags]));
    expect(code).toBe(1);
    expect(output.stderr).toContain('Stack orders-prod-dr in us-east-1 would be repointed:');
    expect(output.stderr).toContain(`  ${change}`);
    expect(output.stderr.join('\n')).toContain('run the same command with --allow-repoint');
    expect(await stackState('us-east-1', 'orders-prod-dr')).toEqual(before);
  });

  it('with --allow-repoint shows what CloudFormation will replace, and deletes the change set when nobody says yes', async () => {
    const before = await stackState('us-east-1', 'orders-prod-dr');
    // Jest's stdin is not a terminal: nobody can answer, so the change set must not run.
    const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--template', drTemplate, '--cluster', 'billing-prod', '--allow-repoint']));
    expect(code).toBe(1);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/^Change set aurora-snapshot-dr-repoint-\d+ of orders-prod-dr: what CloudFormation will do\.$/m);
    expect(text).toMatch(/^ACTION +RESOURCE +TYPE +REPLACEMENT$/m);
    expect(text).toMatch(/^Modify +AlertTopic +AWS::SNS::Topic +True$/m);
    expect(text).toContain('1 resource(s) will be deleted or replaced (a new one made, the old one deleted): AlertTopic.');
    expect(output.stderr.join('\n')).toMatch(/Not executed: change set aurora-snapshot-dr-repoint-\d+ was deleted and nothing was changed\./);
    expect(await stackState('us-east-1', 'orders-prod-dr')).toEqual(before);
  });

  it('with --allow-repoint --yes executes the change set it showed', async () => {
    const { code, output } = await runCli(withFlags(DEPLOY_ARGS, ['--template', drTemplate, '--cluster', 'billing-prod', '--allow-repoint', '--yes']));
    expect(output.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toMatch(/^Modify +AlertTopic +AWS::SNS::Topic +True$/m);
    expect(output.stdout).toContain('Stack orders-prod-dr is UPDATE_COMPLETE.');
    expect((await stackState('us-east-1', 'orders-prod-dr')).parameters.DBClusterIdentifier).toBe('billing-prod');
  });

  it('updates what does not repoint (the schedule) without asking', async () => {
    const { code } = await runCli(withFlags(DEPLOY_ARGS, ['--template', drTemplate, '--schedule', 'rate(12 hours)']));
    expect(code).toBe(0);
    expect((await stackState('us-east-1', 'orders-prod-dr')).parameters.ScheduleExpression).toBe('rate(12 hours)');
  });
});

describe('deploy-recovery refuses a stack that is not a recovery stack, changing nothing', () => {
  const ARGS = ['deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1', '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0'];
  beforeEach(() => createStack('us-east-1', 'orders-prod-dr', SOURCE_TEMPLATE, DR_PARAMETERS));

  it('refuses an unrelated stack in the DR Region', async () => {
    await createStack('us-west-2', 'payments-api', UNRELATED_TEMPLATE);
    const before = await stackState('us-west-2', 'payments-api');
    const { code, output } = await runCli([...ARGS, '--stack-name', 'payments-api']);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain('Stack payments-api in us-west-2 is not an aurora-snapshot-dr stack');
    expect(await stackState('us-west-2', 'payments-api')).toEqual(before);
  });

  it('refuses a DR stack in the DR Region', async () => {
    await createStack('us-west-2', 'inventory-dr', SMALL_TEMPLATE, { ...DR_PARAMETERS, SourceRegion: 'us-west-2', TargetRegion: 'us-east-1' });
    const before = await stackState('us-west-2', 'inventory-dr');
    const { code, output } = await runCli([...ARGS, '--stack-name', 'inventory-dr']);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain(
      'Stack inventory-dr in us-west-2 is the DR stack, and templates/aurora-snapshot-dr-recovery.yaml is the template of the recovery stack.',
    );
    expect(await stackState('us-west-2', 'inventory-dr')).toEqual(before);
  });
});

describe('deploy-recovery refuses to repoint a recovery stack without --allow-repoint', () => {
  /** A recovery stand-in: the real template's preflight type, never created in moto, and the parameters it repoints by. */
  const RECOVERY_STAND_IN = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  SourceStackId: {Type: String}
  DBClusterIdentifier: {Type: String}
  KMSTargetKey: {Type: String}
Conditions:
  NeverInTheEmulator: !Equals [!Ref 'AWS::Region', 'nowhere']
Resources:
  Preflight:
    Type: Custom::AuroraSnapshotDrRecoveryPreflight
    Condition: NeverInTheEmulator
    Properties: {ServiceToken: preflight}
  AlertTopic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !Sub '\${DBClusterIdentifier}-recovery-alerts'}
`;

  it('refuses a recovery stack made for another source stack, naming the SourceStackId change', async () => {
    await createStack('us-east-1', 'orders-prod-dr', SOURCE_TEMPLATE, DR_PARAMETERS);
    const oldSource = 'arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod-dr/00000000-0000-0000-0000-000000000000';
    await createStack('us-west-2', 'orders-prod-dr-recovery', RECOVERY_STAND_IN, {
      SourceStackId: oldSource,
      DBClusterIdentifier: 'orders-prod',
      KMSTargetKey: 'alias/dr-snapshots',
    });
    const before = await stackState('us-west-2', 'orders-prod-dr-recovery');
    const { code, output } = await runCli([
      'deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1',
      '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0',
    ]);
    expect(code).toBe(1);
    expect(output.stderr).toContain('Stack orders-prod-dr-recovery in us-west-2 would be repointed:');
    expect(output.stderr.find((line) => line.startsWith('  SourceStackId: '))).toMatch(
      new RegExp(`^  SourceStackId: ${oldSource} -> arn:aws:cloudformation:us-east-1:123456789012:stack/orders-prod-dr/[0-9a-f-]{36}$`),
    );
    expect(await stackState('us-west-2', 'orders-prod-dr-recovery')).toEqual(before);
  });
});

describe('stackset deploy refuses a stack set that is not this product\'s', () => {
  it('leaves its template as it was', async () => {
    const cfn = client('us-east-1');
    await cfn.send(new CreateStackSetCommand({ StackSetName: 'payments-api', TemplateBody: UNRELATED_TEMPLATE }));
    const fleet = writeTemp(dir, 'fleet.json', JSON.stringify({ defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr-snapshots' }, accounts: { '111111111111': { DBClusterIdentifier: 'orders-prod' } } }));
    const { code, output } = await runCli([
      'stackset', 'deploy', '--stack-set-name', 'payments-api', '--region', 'us-east-1', '--regions', 'us-east-1',
      '--parameters-file', fleet, '--template', drTemplate,
    ]);
    expect(code).toBe(1);
    expect(output.stderr[0]).toBe(
      'Stack set payments-api in us-east-1 is not an aurora-snapshot-dr stack: its template has no Custom::AuroraSnapshotDr...Preflight resource (it holds AWS::SNS::Topic, AWS::SQS::Queue).',
    );
    expect(output.stderr[1]).toContain('Give another --stack-set-name');
    const { StackSet } = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'payments-api' }));
    expect(StackSet?.TemplateBody).toBe(UNRELATED_TEMPLATE);
  });
});

describe('the no-takeover sessions of docs/cli.md', () => {
  const sessions = consoleSessions(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cli.md'), 'utf8')).filter(
    (s) => s.command.includes('--stack-name payments-api') || s.command.includes('--cluster billing-prod'),
  );
  /** The change set's name carries the time it was made, and the table's columns are as wide as its rows. */
  const timeless = (line: string) => line.replace(/repoint-\d+/g, 'repoint-N').replace(/ {2,}/g, '  ');

  it('finds the three sessions, so this check cannot pass by finding none', () => {
    expect(sessions).toHaveLength(3);
  });

  it.each(sessions.map((s) => [s.command, s.output] as const))('runs `%s` as the page shows', async (command, shown) => {
    // payments-api is somebody else's queue and topic; orders-prod-dr protects orders-prod.
    await createStack('us-east-1', 'payments-api', UNRELATED_TEMPLATE);
    await createStack('us-east-1', 'orders-prod-dr', SMALL_TEMPLATE, DR_PARAMETERS);
    const before = await stackState('us-east-1', 'orders-prod-dr');
    const [program, ...argv] = shellWords(command);
    expect(program).toBe('aurora-snapshot-dr');
    const { code, output } = await runCli(argv);
    expect(code).toBe(1);
    const printed = [...output.stdout, ...output.stderr].map(timeless);
    // The page's lines in order; "..." stands for the change set's rows, which depend on the template CloudFormation
    // compares (moto holds a stand-in), and the question is asked only on a terminal, which a test has not.
    const expected = shown.filter((line) => line !== '...' && !line.includes('Type yes to go ahead')).map(timeless);
    expect(expected.filter((line) => !printed.includes(line))).toEqual([]);
    const at = expected.map((line) => printed.indexOf(line));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(await stackState('us-east-1', 'orders-prod-dr')).toEqual(before);
  });
});
