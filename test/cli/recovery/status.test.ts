/**
 * The recovery side of `status` on its own, with mocked clients: paging
 * through many stacks and many datapoints, and which figures belong to the
 * last drill.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { findRecoveryStacks, lastDrill } from '../../../cli/recovery/status';
import { Context } from '../../../cli/shared/context';
import { captureOutput, useIsolatedAwsEnv } from '../support';

const cfn = mockClient(CloudFormationClient);
const cloudWatch = mockClient(CloudWatchClient);
let restoreEnv: () => void;
beforeAll(() => (restoreEnv = useIsolatedAwsEnv()));
afterAll(() => {
  cfn.restore();
  cloudWatch.restore();
  restoreEnv();
});
beforeEach(() => {
  cfn.reset();
  cloudWatch.reset();
});

const SOURCE = 'arn:aws:cloudformation:us-east-1:111122223333:stack/orders-prod-dr/1';
const NOW = new Date('2026-12-01T12:00:00Z');
const context = (): Context => ({
  clients: {
    cloudFormation: (region?: string) => new CloudFormationClient({ region }),
    cloudWatch: (region: string) => new CloudWatchClient({ region }),
    rds: () => {
      throw new Error('not used');
    },
    ssm: () => {
      throw new Error('not used');
    },
  },
  output: captureOutput(),
  sleep: async () => undefined,
  now: () => NOW,
  pollIntervalMs: 0,
  setInterruptAdvice: () => undefined,
});
const stack = (name: string, sourceStackId?: string): Stack => ({
  StackName: name,
  StackStatus: 'CREATE_COMPLETE',
  CreationTime: NOW,
  Parameters: sourceStackId === undefined ? [] : [{ ParameterKey: 'SourceStackId', ParameterValue: sourceStackId }],
});

describe('finding the recovery stacks of a source stack', () => {
  it('reads every page of the Region\'s stacks and keeps those whose SourceStackId is the source stack', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack('web'), stack('orders-recovery', SOURCE)], NextToken: 'page-2' })
      .resolvesOnce({ Stacks: [stack('billing-recovery', SOURCE.replace('orders', 'billing')), stack('orders-recovery-2', SOURCE)] });
    const found = await findRecoveryStacks(context(), 'us-west-2', SOURCE);
    expect(found.map((s) => s.StackName)).toEqual(['orders-recovery', 'orders-recovery-2']);
    expect(cfn.commandCalls(DescribeStacksCommand)[1].args[0].input).toEqual({ NextToken: 'page-2' });
  });
});

describe('the last drill', () => {
  it("takes the newest verdict across pages, with the RTO and RPO of that drill's hour only", async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'verdict', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [1] },
          { Id: 'rto', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [19] },
          { Id: 'rpo', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [2] },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'verdict', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [1] },
          { Id: 'rto', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [23] },
          { Id: 'rpo', Timestamps: [], Values: [] },
        ],
      });
    expect(await lastDrill(context(), 'us-west-2', 'orders-recovery')).toEqual({
      at: new Date('2026-11-29T05:00:00Z'),
      succeeded: true,
      restoreMinutes: 23,
      recoveryPointHours: undefined,
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('more');
  });

  it('counts an hour with a failed drill as failed, and shows no figures for it', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'verdict', Timestamps: [new Date('2026-11-29T05:00:00Z'), new Date('2026-11-22T05:00:00Z')], Values: [0, 1] },
        { Id: 'rto', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [19] },
        { Id: 'rpo', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [2] },
      ],
    });
    expect(await lastDrill(context(), 'us-west-2', 'orders-recovery')).toEqual({
      at: new Date('2026-11-29T05:00:00Z'),
      succeeded: false,
      restoreMinutes: undefined,
      recoveryPointHours: undefined,
    });
  });

  it('finds none when no drill published in the window', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'verdict', Timestamps: [], Values: [] }] });
    expect(await lastDrill(context(), 'us-west-2', 'orders-recovery')).toBeUndefined();
  });
});
