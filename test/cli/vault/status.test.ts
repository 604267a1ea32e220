/**
 * `status` of a vault stack: each protected cluster's newest vault copy and its
 * age (the vault's copies on moto, in the vault's Region), judged against the
 * copy-age alarm's threshold (CloudWatch from aws-sdk-client-mock, so each
 * state can be shown), and what it does to the exit code.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsForMetricCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CreateDBClusterCommand, CreateDBClusterSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { VAULT_METRIC } from '../../../custom-resource/vault/contract';
import { MotoServer, startMotoServer } from '../../support/moto-server';
import { runCli, useIsolatedAwsEnv } from '../support';

const cloudWatch = mockClient(CloudWatchClient);
let moto: MotoServer;
let restoreEnv: () => void;
const REGION = 'us-west-2';
const VAULT = 'aurora-dr-vault';
const STATUS = ['status', '--stack-name', VAULT, '--region', REGION];
const HOUR = 3_600_000;
const PROTECTED = '111122223333:orders-prod,444455556666:billing';

/** A stand-in for the vault stack moto can create: the parameters status reads. */
const VAULT_TEMPLATE = JSON.stringify({
  Parameters: { VaultKmsKey: { Type: 'String' }, ProtectedClusters: { Type: 'String' } },
  Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } },
});

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useIsolatedAwsEnv(moto.endpoint);
});
afterAll(async () => {
  cloudWatch.restore();
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  cloudWatch.reset();
});

const alarm = (state: string): MetricAlarm => ({
  AlarmName: 'aurora-dr-vault-CopyAgeAlarm-1A2B3C',
  StateValue: state as MetricAlarm['StateValue'],
  StateUpdatedTimestamp: new Date('2026-12-01T10:00:00Z'),
  Threshold: 72,
});

/** The vault stack, and a vault copy of orders-prod of the stack (or another stack), tagged as copy_shares.py tags them. */
async function vaultWithCopy(owner?: string): Promise<{ stackId: string; copied: Date }> {
  const { StackId } = await new CloudFormationClient({ region: REGION }).send(
    new CreateStackCommand({
      StackName: VAULT,
      TemplateBody: VAULT_TEMPLATE,
      Parameters: [
        { ParameterKey: 'VaultKmsKey', ParameterValue: 'alias/vault' },
        { ParameterKey: 'ProtectedClusters', ParameterValue: PROTECTED },
      ],
    }),
  );
  const rds = new RDSClient({ region: REGION });
  await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'stand-in', Engine: 'aurora-postgresql', MasterUsername: 'postgres', MasterUserPassword: 'not-a-real-password-1' }));
  const share = `arn:aws:rds:${REGION}:111122223333:cluster-snapshot:orders-prod-dr-202612010300-0a1b2c3d`;
  const { DBClusterSnapshot } = await rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: 'stand-in',
      DBClusterSnapshotIdentifier: 'orders-prod-dr-202612010300-0a1b2c3d-5e6f7a8b',
      Tags: [
        { Key: SNAPSHOT_TAG.stackId, Value: owner ?? StackId! },
        { Key: SNAPSHOT_TAG.cluster, Value: 'orders-prod' },
        { Key: SNAPSHOT_TAG.sourceSnapshot, Value: share },
      ],
    }),
  );
  return { stackId: StackId!, copied: DBClusterSnapshot!.SnapshotCreateTime! };
}

describe('status of a vault stack', () => {
  it("shows each protected cluster's newest vault copy and its age, a cluster without one, and the alarm", async () => {
    const { copied } = await vaultWithCopy();
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });

    const { code, output } = await runCli(STATUS, { now: () => new Date(copied.getTime() + 5 * HOUR) });

    expect(code).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toContain(`Vault stack ${VAULT} in ${REGION}: CREATE_COMPLETE`);
    expect(text).toContain('Newest vault copy of each protected cluster (allowed age 72h):');
    expect(text).toMatch(/111122223333:orders-prod\s+orders-prod-dr-202612010300-0a1b2c3d-5e6f7a8b\s+\S+ \S+\s+5h\s+current/);
    // billing has no copy yet: its age counts from the stack's creation, within the allowance.
    expect(text).toMatch(/444455556666:billing\s+-\s+-\s+[\dhmd ]+\s+none yet/);
    expect(text).toContain('Copy-age alarm: OK since 2026-12-01 10:00:00 UTC');
    expect(cloudWatch).toHaveReceivedCommandWith(DescribeAlarmsForMetricCommand, {
      Namespace: VAULT_METRIC.namespace,
      MetricName: VAULT_METRIC.newestCopyAgeHours,
      Dimensions: [{ Name: VAULT_METRIC.stackDimension, Value: VAULT }],
    });
  });

  it('exits 3 naming the clusters whose newest copy is older than allowed, or that have none', async () => {
    const { copied } = await vaultWithCopy();
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('ALARM')] });

    const { code, output } = await runCli(STATUS, { now: () => new Date(copied.getTime() + 80 * HOUR) });

    expect(code).toBe(3);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/111122223333:orders-prod\s+orders-prod-dr-\S+\s+\S+ \S+\s+80h\s+STALE/);
    expect(text).toMatch(/444455556666:billing\s+-\s+-\s+[\dhmd ]+\s+NONE/);
    expect(text).toContain("Is each protected account's DR stack sharing");
  });

  it("counts only the stack's own copies: another vault stack's copy of the same cluster is not this one's", async () => {
    const { copied } = await vaultWithCopy('arn:aws:cloudformation:us-west-2:999988887777:stack/other-vault/1');
    cloudWatch.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [alarm('OK')] });

    const { output } = await runCli(STATUS, { now: () => new Date(copied.getTime() + HOUR) });

    expect(output.stdout.join('\n')).toMatch(/111122223333:orders-prod\s+-\s+-/);
  });
});
