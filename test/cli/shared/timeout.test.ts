/**
 * --timeout of the commands whose wait main.ts bounds (cli/shared/waiting.ts):
 * `deploy-recovery` and `stackset deploy`, on a virtual clock. Each stops
 * waiting at the time given, exits 1, and says what goes on and how to follow it.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { RunOptions } from '../../../cli/main';
import { runCli, tempDir, useMockedCloudFormation } from '../support';

const POLL_MS = 5000;
const SOURCE_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/orders-prod-dr/8f0e4a60-0000-11ef-0000-0a1b2c3d4e5f';
const RECOVERY_ID = 'arn:aws:cloudformation:us-west-2:111111111111:stack/orders-prod-dr-recovery/0b0b0b0b-0000-11ef-0000-0a1b2c3d4e5f';

function virtualTime(): Pick<RunOptions, 'now' | 'sleep' | 'pollIntervalMs'> & { sleeps(): number } {
  let now = Date.parse('2026-12-07T09:00:00Z');
  let sleeps = 0;
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      sleeps += 1;
    },
    pollIntervalMs: POLL_MS,
    sleeps: () => sleeps,
  };
}

const cfn = useMockedCloudFormation();

it('deploy-recovery stops waiting at --timeout, exits 1 and says how to follow the stack operation', async () => {
  const source = {
    StackName: 'orders-prod-dr',
    StackId: SOURCE_ID,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(),
    Parameters: [{ ParameterKey: 'TargetRegion', ParameterValue: 'us-west-2' }],
    Outputs: [{ OutputKey: 'RecoveryStackParameters', OutputValue: `"SourceStackId=${SOURCE_ID}" "DBClusterIdentifier=orders-prod"` }],
  } as Stack;
  cfn.on(DescribeStacksCommand).callsFake((input) => {
    if (input.StackName === 'orders-prod-dr') return { Stacks: [source] };
    if (input.StackName === 'orders-prod-dr-recovery') throw Object.assign(new Error('Stack with id orders-prod-dr-recovery does not exist'), { name: 'ValidationError' });
    return { Stacks: [{ StackName: 'orders-prod-dr-recovery', StackId: RECOVERY_ID, StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }] };
  });
  cfn.on(CreateStackCommand).resolves({ StackId: RECOVERY_ID });
  cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  const time = virtualTime();
  const { code, output } = await runCli(
    ['deploy-recovery', '--source-stack', 'orders-prod-dr', '--source-region', 'us-east-1', '--subnet-group', 'dr-private', '--security-groups', 'sg-0123456789abcdef0', '--timeout', '20'],
    time,
  );
  expect(code).toBe(1);
  expect(output.stderr).toEqual([
    'aurora-snapshot-dr deploy-recovery: stopped waiting after --timeout 20 min.',
    'The stack operation goes on in CloudFormation. Follow it with: aurora-snapshot-dr status --stack-name orders-prod-dr-recovery --region us-west-2',
    'or: aws cloudformation describe-stack-events --region us-west-2 --stack-name orders-prod-dr-recovery',
  ]);
  expect(time.sleeps()).toBe((20 * 60_000) / POLL_MS);
});

it('stackset deploy stops waiting at --timeout, exits 1 and says how to follow the operations already started', async () => {
  const fleet = path.join(tempDir(), 'fleet.json');
  fs.writeFileSync(fleet, JSON.stringify({ defaults: { TargetRegion: 'us-west-2', KMSTargetKey: 'alias/dr' }, accounts: { '111111111111': { DBClusterIdentifier: 'orders-prod' } } }));
  cfn.on(DescribeStackSetCommand).rejects(Object.assign(new Error('StackSet aurora-snapshot-dr not found'), { name: 'StackSetNotFoundException' }));
  cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'aurora-snapshot-dr:1' });
  cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
  cfn.on(CreateStackInstancesCommand).resolves({ OperationId: 'op-1' });
  cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { OperationId: 'op-1', Status: 'RUNNING' } });
  cfn.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
  const time = virtualTime();
  const argv = ['stackset', 'deploy', '--stack-set-name', 'aurora-snapshot-dr', '--regions', 'us-east-1', '--parameters-file', fleet, '--region', 'us-east-1', '--timeout', '60'];
  const { code, output } = await runCli(argv, time);
  expect(code).toBe(1);
  expect(output.stderr).toEqual([
    'aurora-snapshot-dr stackset deploy: stopped waiting after --timeout 60 min.',
    'The stack set operations already started go on in CloudFormation. Follow them with:',
    '  aws cloudformation list-stack-set-operations --stack-set-name aurora-snapshot-dr --region us-east-1',
    '  aws cloudformation list-stack-instances --stack-set-name aurora-snapshot-dr --region us-east-1',
  ]);
  expect(time.sleeps()).toBe((60 * 60_000) / POLL_MS);
});
