/**
 * The names the CLI advises are the names it creates: `deploy-recovery`
 * against moto, then every command it advises, run as printed. CloudFormation,
 * RDS and CloudWatch are moto's; Systems Manager automation, which moto does
 * not implement, is an aws-sdk-client-mock stand-in. moto has no
 * AWS::SSM::Document or Lambda-backed custom resource, so both stacks are
 * stand-ins with the real templates' parameters and the outputs the CLI reads.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, tempDir, useIsolatedAwsEnv, writeTemp } from '../support';
import { DR_STAND_IN, RECOVERY_STAND_IN } from '../stand-in-stacks';

let moto: MotoServer;
let restoreEnv: () => void;
const ssm = mockClient(SSMClient);
const dir = tempDir();

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  ssm.restore();
  restoreEnv?.();
  await moto?.stop();
});

/** Each `aurora-snapshot-dr ...` line of the output, as argv. */
const advised = (lines: string[]) =>
  lines.flatMap((line) => {
    const at = line.indexOf('aurora-snapshot-dr ');
    return at === -1 ? [] : [line.slice(at + 'aurora-snapshot-dr '.length).trim().split(/\s+/)];
  });

it('deploy-recovery advises drill, status and restore with the stack names and Regions it used, and each runs', async () => {
  await new CloudFormationClient({ region: 'us-east-1' }).send(
    new CreateStackCommand({
      StackName: 'orders-prod-dr',
      TemplateBody: DR_STAND_IN,
      Parameters: [
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: 'orders-prod' },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
        { ParameterKey: 'SourceRegion', ParameterValue: 'us-east-1' },
        { ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' },
      ],
    }),
  );
  const template = writeTemp(dir, 'recovery.yaml', RECOVERY_STAND_IN);
  const deployed = await runCli([
    'deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1',
    '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0', '--template', template,
  ]);
  expect(deployed.output.stderr).toEqual([]);
  expect(deployed.code).toBe(0);
  expect(deployed.output.stdout).toContain('Stack orders-prod-dr-recovery is CREATE_COMPLETE.');
  const commands = advised(deployed.output.stdout.slice(deployed.output.stdout.indexOf('Next:')));
  expect(commands).toEqual([
    ['drill', '--stack-name', 'orders-prod-dr-recovery', '--region', 'us-west-2'],
    ['status', '--stack-name', 'orders-prod-dr', '--region', 'us-east-1'],
    ['restore', '--stack-name', 'orders-prod-dr-recovery', '--region', 'us-west-2'],
  ]);

  const execution = 'f00dfeed-1111-4222-8333-444444444444';
  ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: [] });
  ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: execution });
  ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: { AutomationExecutionId: execution, AutomationExecutionStatus: 'Success', StepExecutions: [] } });
  for (const argv of commands) {
    const { code, output } = await runCli(argv[0] === 'restore' ? [...argv, '--yes'] : argv);
    // status: a stack younger than a copy interval with no copy yet is "NONE YET", exit 0.
    expect({ argv, code, stderr: output.stderr }).toEqual({ argv, code: 0, stderr: [] });
  }
  expect(ssm.commandCalls(StartAutomationExecutionCommand).map((call) => call.args[0].input.DocumentName)).toEqual([
    'orders-prod-dr-recovery-RecoveryRunbook',
    'orders-prod-dr-recovery-RecoveryRunbook',
  ]);
});
