/**
 * What each scheduled run records beside its copy, readable in the target
 * Region alone: the source cluster's configuration that the snapshot does not
 * keep (SSM parameter named after the copy, custom-resource/shared/captured-config.ts)
 * and the source snapshot's creation time as a tag on the copy; and pruning
 * deleting the record with the copy it belongs to.
 */
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  DeleteDBClusterCommand,
  CreateDBInstanceCommand,
  ModifyDBClusterParameterGroupCommand,
} from '@aws-sdk/client-rds';
import { DescribeParametersCommand, GetParameterCommand, ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CAPTURED_CONFIG_PATH, COPY_TAG, CapturedConfig } from '../../../custom-resource/shared/captured-config';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { DAY_MS, RehearsalWorld, SOURCE_REGION, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, useRehearsalWorld } from '../shared/scenario-support';

const world = useRehearsalWorld();
const CLUSTER = 'orders-prod';

/** An Aurora MySQL 3 cluster with its own cluster parameter group, Backtrack, log exports, tags and a writer. */
async function createSourceCluster(w: RehearsalWorld): Promise<void> {
  const rds = w.rds[SOURCE_REGION];
  await rds.send(
    new CreateDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: 'orders-cluster-mysql80',
      DBParameterGroupFamily: 'aurora-mysql8.0',
      Description: 'orders',
    }),
  );
  await rds.send(
    new ModifyDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: 'orders-cluster-mysql80',
      Parameters: [{ ParameterName: 'lower_case_table_names', ParameterValue: '1', ApplyMethod: 'pending-reboot' }],
    }),
  );
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-mysql',
      EngineVersion: '8.0.mysql_aurora.3.08.0',
      MasterUsername: 'admin',
      MasterUserPassword: 'rehearsal-password-1',
      StorageEncrypted: true,
      KmsKeyId: await w.createKey(SOURCE_REGION),
      DBClusterParameterGroupName: 'orders-cluster-mysql80',
      BacktrackWindow: 86400,
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
      Tags: [{ Key: 'team', Value: 'payments' }],
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${CLUSTER}-writer`,
      DBClusterIdentifier: CLUSTER,
      Engine: 'aurora-mysql',
      DBInstanceClass: 'db.r6g.large',
    }),
  );
}

describe('each run records the source configuration beside its copy in the target Region', () => {
  it('writes the configuration and the recovery point when it copies, and pruning removes them with the copy', async () => {
    const w = world();
    const ssm = new SSMClient({ region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: MOTO_CREDENTIALS });
    await createSourceCluster(w);
    const stack = await w.createStack({
      clusterId: CLUSTER,
      kmsTargetKey: await w.createKey(TARGET_REGION),
      sourceRetentionDays: 1,
      targetRetentionDays: 2,
    });
    const dayZero = w.clock.now();

    const first = await w.run(stack);
    expectStatus(first, 'Success');
    const [copy] = await w.stackSnapshots(TARGET_REGION, stack);
    const [source] = await w.stackSnapshots(SOURCE_REGION, stack);
    const name = `${CAPTURED_CONFIG_PATH}${copy.id}`;

    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    const config = JSON.parse(Parameter!.Value!) as CapturedConfig;
    expect(config).toMatchObject({
      source: { region: SOURCE_REGION, snapshotId: copy.id },
      cluster: {
        identifier: CLUSTER,
        engine: 'aurora-mysql',
        backtrackWindow: 86400,
        enabledCloudwatchLogsExports: ['error', 'slowquery'],
        tags: { team: 'payments' },
        parameterGroup: { name: 'orders-cluster-mysql80', family: 'aurora-mysql8.0', parameters: { lower_case_table_names: '1' } },
      },
      writer: { instanceClass: 'db.r6g.large', parameterGroup: { name: 'default.aurora-mysql8.0' } },
      readers: [],
    });
    expect(copy.tags[COPY_TAG.sourceCreatedAt]).toBe(source.createdAt!.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const { TagList } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
    expect(TagList).toEqual([{ Key: SNAPSHOT_TAG.stackId, Value: stack.stackId }]);

    // Three days on, day 0's copy is past TargetRetentionDays: it goes, and its configuration with it.
    await w.clock.advanceTo(dayZero + 3 * DAY_MS);
    const later = await w.run(stack);
    expectStatus(later, 'Success');
    const copies = (await w.stackSnapshots(TARGET_REGION, stack)).map((s) => s.id);
    expect(copies).not.toContain(copy.id);
    const { Parameters } = await ssm.send(new DescribeParametersCommand({}));
    expect(Parameters!.map((p) => p.Name)).toEqual(copies.map((id) => `${CAPTURED_CONFIG_PATH}${id}`));
  });

  it('fails a run naming a Serverless v1 cluster, before taking any snapshot', async () => {
    const w = world();
    await w.createEncryptedCluster('legacy-v1');
    const stack = await w.createStack({ clusterId: 'legacy-v1', kmsTargetKey: await w.createKey(TARGET_REGION) });
    // The preflight refuses such a cluster when the stack is deployed; every run refuses it again, should the
    // cluster of that name become one after (here: replaced; the stack's role reads no other cluster).
    await w.rds[SOURCE_REGION].send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'legacy-v1', SkipFinalSnapshot: true }));
    await w.clock.advanceBy(60_000); // moto names the new cluster's automated snapshot by the minute
    await w.rds[SOURCE_REGION].send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'legacy-v1',
        Engine: 'aurora-mysql',
        EngineMode: 'serverless',
        MasterUsername: 'admin',
        MasterUserPassword: 'rehearsal-password-1',
        StorageEncrypted: true,
      }),
    );
    const before = await w.snapshotIds();

    const result = await w.run(stack);

    expectStatus(result, 'Failed');
    expect(result.failedStep).toBe('CreateSourceSnapshot');
    expect(result.failureMessage).toContain('legacy-v1 is Aurora Serverless v1 (EngineMode serverless), which this stack cannot restore');
    expect(await w.snapshotIds()).toEqual(before);
  });
});
