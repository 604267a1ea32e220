/**
 * The recovery side of `status` on its own, with mocked clients: paging
 * through many stacks and many datapoints, which figures belong to the last
 * drill, and the newest worst-case RPO.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { findRecoveryStacks, recoveryFigures } from '../../../cli/recovery/status';
import { Context } from '../../../cli/shared/context';
import { captureOutput, useIsolatedAwsEnv } from '../support';
import { RECOVERY_METRIC } from '../../../custom-resource/recovery/contract';

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

describe('the last drill and the worst-case RPO', () => {
  it("takes the newest verdict across pages, with the RTO split and copy age of that drill's hour only", async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'verdict', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [1] },
          { Id: 'restoreMinutes', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [19] },
          { Id: 'copyAgeHours', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [2] },
          { Id: 'worst', Timestamps: [new Date('2026-12-01T11:30:00Z')], Values: [25.5] },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'verdict', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [1] },
          { Id: 'restoreMinutes', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [23] },
          { Id: 'clusterRestoreMinutes', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [14] },
          { Id: 'writerMinutes', Timestamps: [new Date('2026-11-29T05:00:00Z')], Values: [8.5] },
          { Id: 'copyAgeHours', Timestamps: [], Values: [] },
          { Id: 'worst', Timestamps: [new Date('2026-12-01T10:30:00Z')], Values: [38] },
        ],
      });
    expect(await recoveryFigures(context(), 'us-west-2', 'orders-recovery')).toEqual({
      drill: { at: new Date('2026-11-29T05:00:00Z'), succeeded: true, restoreMinutes: 23, clusterRestoreMinutes: 14, writerMinutes: 8.5 },
      worstCaseRpo: { hours: 25.5, at: new Date('2026-12-01T11:30:00Z') },
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('more');
    const metrics = cloudWatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.MetricName);
    expect(metrics).toEqual([
      RECOVERY_METRIC.drillSucceeded,
      RECOVERY_METRIC.drillRestoreMinutes,
      RECOVERY_METRIC.drillClusterRestoreMinutes,
      RECOVERY_METRIC.drillWriterMinutes,
      RECOVERY_METRIC.drillLoginMinutes,
      RECOVERY_METRIC.drillValidationSucceeded,
      RECOVERY_METRIC.drillCopyAgeHours,
      RECOVERY_METRIC.drillFidelityDifferences,
      RECOVERY_METRIC.worstCaseRpoHours,
    ]);
  });

  it('counts an hour with a failed drill as failed, and shows no figures for it', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'verdict', Timestamps: [new Date('2026-11-29T05:00:00Z'), new Date('2026-11-22T05:00:00Z')], Values: [0, 1] },
        { Id: 'restoreMinutes', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [19] },
        { Id: 'copyAgeHours', Timestamps: [new Date('2026-11-22T05:00:00Z')], Values: [2] },
      ],
    });
    expect(await recoveryFigures(context(), 'us-west-2', 'orders-recovery')).toEqual({
      drill: { at: new Date('2026-11-29T05:00:00Z'), succeeded: false },
    });
  });

  it('finds neither when nothing was published in the window', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'verdict', Timestamps: [], Values: [] }] });
    expect(await recoveryFigures(context(), 'us-west-2', 'orders-recovery')).toEqual({});
  });
});
