/**
 * The hourly check's drill cleanup, against the rehearsal's moto: the recovery
 * runbook from the generated template restores a real drill cluster (its
 * writer taking virtual time), and the watchdog's hourly entry point then
 * judges it. moto does not implement Automation executions, so what
 * GetAutomationExecution answers comes from aws-sdk-client-mock, with the
 * status the rehearsed run really ended in.
 */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { AutomationExecutionStatus, GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RECOVERY_STEP } from '../../../generator/recovery/document';
import { RESTORE_TAG } from '../../../custom-resource/recovery/contract';
import { watchdogHandler } from '../../../custom-resource/recovery/watchdog/handler';
import { WatchdogInput } from '../../../custom-resource/recovery/watchdog/contract';
import { useIsolatedAwsEnv } from '../../cli/support';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { pseudoParameters } from '../../rehearsal/shared/intrinsics';
import { ACCOUNT_ID, RehearsalWorld, TARGET_REGION } from '../../rehearsal/shared/rehearsal-world';
import { expectStatus, useRehearsalWorld } from '../../rehearsal/shared/scenario-support';
import { RecoveryStack, RecoveryWorld } from '../../rehearsal/recovery/recovery-world';

jest.setTimeout(60_000);

const world = useRehearsalWorld();
const ssm = mockClient(SSMClient);
const CLUSTER = 'orders-db';
const HOUR_MS = 3_600_000;
/** A restore that takes 18 minutes for the cluster and 9 more for its writer. */
const TIMING = { region: TARGET_REGION, clusterSeconds: 18 * 60, instanceSeconds: 9 * 60 };

let restoreEnv: () => void;
let log: jest.SpyInstance;
beforeEach(() => {
  // The check makes its clients as the Lambda does, from the environment: here, the rehearsal's moto.
  restoreEnv = useIsolatedAwsEnv(world().moto.endpoint);
  log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).rejects(Object.assign(new Error('no such execution'), { name: 'AutomationExecutionNotFoundException' }));
});
afterEach(() => {
  restoreEnv();
  log.mockRestore();
});
afterAll(() => ssm.restore());

/** What SSM answers about a run: the status it ended in (or is in). */
const runIs = (executionId: string, status: string) =>
  ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: executionId }).resolves({ AutomationExecution: { AutomationExecutionId: executionId, AutomationExecutionStatus: status as AutomationExecutionStatus } });

/**
 * The source stack, a copy, and the recovery stack, which exists in moto's
 * CloudFormation (the check reads it) and so has a real stack ARN for the tags.
 */
async function deployed(w: RehearsalWorld): Promise<{ recovery: RecoveryWorld; stack: RecoveryStack }> {
  await w.createEncryptedCluster(CLUSTER);
  await w.createKey(TARGET_REGION, 'alias/aurora-dr');
  const source = await w.createStack({ clusterId: CLUSTER, kmsTargetKey: 'alias/aurora-dr' });
  expectStatus(await w.run(source), 'Success');
  const recovery = new RecoveryWorld(w);
  const made = await recovery.createRecoveryStack(source);
  const cfn = new CloudFormationClient({ region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS });
  // A stand-in with the parameters the check reads: which copies to watch.
  const body = JSON.stringify({
    Parameters: { SourceStackId: { Type: 'String' }, DBClusterIdentifier: { Type: 'String' } },
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
  });
  const { StackId } = await cfn.send(
    new CreateStackCommand({
      StackName: made.stackName,
      TemplateBody: body,
      Parameters: [
        { ParameterKey: 'SourceStackId', ParameterValue: source.stackId },
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: CLUSTER },
      ],
    }),
  );
  const stack = { ...made, stackId: StackId!, values: { ...made.values, pseudo: pseudoParameters(TARGET_REGION, ACCOUNT_ID, StackId!, made.stackName) } };
  await w.moto.setRestoreTiming(TIMING);
  return { recovery, stack };
}

/** The watchdog's hourly run, at the next half hour of virtual time, as the schedule rule invokes it. */
async function nextHourlyCheck(w: RehearsalWorld, stack: RecoveryStack): Promise<void> {
  await w.clock.advanceTo(Math.floor(w.clock.now() / HOUR_MS) * HOUR_MS + 1.5 * HOUR_MS);
  const event: WatchdogInput = { RecoveryStackId: stack.stackId };
  await watchdogHandler(event, { getRemainingTimeInMillis: () => 60_000 });
}

/** The runbook looks at its restore again (RestoreCopy) once the writer is asked for: it waits for that writer. */
const waitsForWriter = async (recovery: RecoveryWorld): Promise<boolean> => (await recovery.clusters()).some((c) => c.writers.length > 0);

/**
 * A drill cancelled while the runbook waited for its writer (at RestoreCopy),
 * whose onCancel step (Verify, which tears a drill down) never deleted
 * anything: SSM runs an onCancel step for at most two minutes (Automation
 * actions reference), and RDS takes longer than that.
 */
async function drillCancelledWhileWaitingForWriter(recovery: RecoveryWorld, stack: RecoveryStack): Promise<string> {
  const executionId = randomUUID();
  const cutOff = new Error('SSM ended the onCancel step before it deleted anything');
  const run = recovery.run(stack, {
    kind: 'drill',
    executionId,
    beforeStep: async ({ step, cancel }) => {
      if (step === RECOVERY_STEP.restore && (await waitsForWriter(recovery))) cancel();
      if (step === RECOVERY_STEP.verify) throw cutOff;
    },
  });
  await expect(run).rejects.toBe(cutOff);
  return executionId;
}

describe("the hourly check deletes the drill clusters whose run has ended", () => {
  it('leaves nothing of a drill cancelled while waiting for its writer after the next hourly check', async () => {
    const w = world();
    const { recovery, stack } = await deployed(w);
    const executionId = await drillCancelledWhileWaitingForWriter(recovery, stack);
    const [left] = await recovery.clusters();
    expect(left).toMatchObject({ tags: { [RESTORE_TAG.execution]: executionId, [RESTORE_TAG.kind]: 'drill' } });
    expect(left.writers).toHaveLength(1);
    runIs(executionId, 'Cancelled');

    await nextHourlyCheck(w, stack);

    expect(await recovery.clusters()).toEqual([]);
    expect(ssm).toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: executionId });
    expect(log).toHaveBeenCalledWith(`Deleted drill ${left.id}: run ${executionId} Cancelled`);
  });

  it('deletes the clusters of drills whose run ended Failed or TimedOut', async () => {
    const w = world();
    const { recovery, stack } = await deployed(w);
    for (const status of ['Failed', 'TimedOut']) {
      const executionId = randomUUID();
      await recovery.createCluster(`orders-db-drill-${status.toLowerCase()}`, RecoveryWorld.drillTags(stack, executionId));
      runIs(executionId, status);
    }
    expect(await recovery.clusters()).toHaveLength(2);
    await nextHourlyCheck(w, stack);
    expect(await recovery.clusters()).toEqual([]);
  });

  it('never touches a drill still running: the check that runs while it waits for its writer leaves it, and the drill ends as it would', async () => {
    const w = world();
    const { recovery, stack } = await deployed(w);
    const executionId = randomUUID();
    let duringTheDrill: string[] = [];
    const result = await recovery.run(stack, {
      kind: 'drill',
      executionId,
      beforeStep: async ({ step }) => {
        if (step !== RECOVERY_STEP.restore || duringTheDrill.length || !(await waitsForWriter(recovery))) return;
        runIs(executionId, 'InProgress');
        await nextHourlyCheck(w, stack);
        duringTheDrill = (await recovery.clusters()).flatMap((c) => [c.id, ...c.writers]);
      },
    });
    expect(duringTheDrill).toHaveLength(2);
    expectStatus(result, 'Success');
    expect(await recovery.clusters()).toEqual([]);
  });

  it('leaves every drill whose run is in any state but an ended one', async () => {
    const w = world();
    const { recovery, stack } = await deployed(w);
    const running = ['Pending', 'InProgress', 'Waiting', 'Cancelling', 'PendingApproval', 'Approved', 'Scheduled', 'RunbookInProgress', 'SomeStatusAddedLater'];
    for (const status of running) {
      const executionId = randomUUID();
      await recovery.createCluster(`orders-db-drill-${status.toLowerCase()}`, RecoveryWorld.drillTags(stack, executionId));
      runIs(executionId, status);
    }
    const before = await recovery.clusters();
    await nextHourlyCheck(w, stack);
    expect(before).toHaveLength(running.length);
    expect(await recovery.clusters()).toEqual(before);
  });

  it("never touches a restore, another stack's drill, an untagged cluster or a drill with deletion protection; deletes one whose run SSM no longer knows", async () => {
    const w = world();
    const { recovery, stack } = await deployed(w);
    expectStatus(await recovery.run(stack, { executionId: 'a0a0a0a0-0000-4000-8000-000000000001' }), 'Success');
    runIs('a0a0a0a0-0000-4000-8000-000000000001', 'Success');
    const other = 'arn:aws:cloudformation:us-west-2:123456789012:stack/another-recovery/0b0b0b0b-0000-4000-8000-000000000000';
    await recovery.createCluster('another-stacks-drill', [
      { Key: RESTORE_TAG.stackId, Value: other },
      { Key: RESTORE_TAG.kind, Value: 'drill' },
      { Key: RESTORE_TAG.execution, Value: 'b0b0b0b0-0000-4000-8000-000000000002' },
    ]);
    runIs('b0b0b0b0-0000-4000-8000-000000000002', 'Cancelled');
    await recovery.createCluster('reporting-db');
    await recovery.createCluster('protected-drill', RecoveryWorld.drillTags(stack, 'c0c0c0c0-0000-4000-8000-000000000003'), true);
    runIs('c0c0c0c0-0000-4000-8000-000000000003', 'Cancelled');
    await recovery.createCluster('orders-db-drill-forgotten', RecoveryWorld.drillTags(stack, 'd0d0d0d0-0000-4000-8000-000000000004'));
    const before = (await recovery.clusters()).filter((c) => c.id !== 'orders-db-drill-forgotten');

    await nextHourlyCheck(w, stack);

    expect(await recovery.clusters()).toEqual(before);
    expect(before.map((c) => c.id)).toEqual(
      expect.arrayContaining(['another-stacks-drill', 'protected-drill', 'reporting-db', expect.stringMatching(/^orders-db-restored-/)]),
    );
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^Drill protected-drill, run c0c0c0c0-\S+: Error: deletion protection is on: left$/));
    // SSM keeps a run 30 days after it ends: a drill whose run it no longer knows has long ended.
    expect(log).toHaveBeenCalledWith('Deleted drill orders-db-drill-forgotten: run d0d0d0d0-0000-4000-8000-000000000004 Ended (no longer known to SSM)');
    // Only this stack's drills were asked about: a restore's run and another stack's are none of its business.
    const asked = ssm.commandCalls(GetAutomationExecutionCommand).map((call) => call.args[0].input.AutomationExecutionId);
    expect(asked.sort()).toEqual(['c0c0c0c0-0000-4000-8000-000000000003', 'd0d0d0d0-0000-4000-8000-000000000004']);
  });
});
