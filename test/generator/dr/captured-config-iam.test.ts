/**
 * What the automation role may do to record the source's configuration beside each copy
 * (automation/dr/create_snapshot.py) and delete it with the copy (prune_snapshots.py).
 */
import { automationRolePolicy, capturedConfigStatements } from '../../../generator/dr/iam';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { PREFLIGHT_DATA, SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { CAPTURED_CONFIG_PATH } from '../../../custom-resource/shared/captured-config';

const statements = capturedConfigStatements();
const actionsOn = (resource: unknown) =>
  statements.filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource))).flatMap((s) => s.Action);

describe("the automation role's statements for the recorded configurations", () => {
  it('are part of the automation role', () => {
    const sids = automationRolePolicy().map((s) => s.Sid);
    for (const s of statements) expect(sids).toContain(s.Sid);
  });

  it('reads only this cluster, and the instances and parameter groups of the source Region', () => {
    const read = statements.filter((s) => s.Action.some((a) => a.startsWith('rds:')));
    expect(read.flatMap((s) => s.Action).sort()).toEqual([
      'rds:DescribeDBClusterParameterGroups',
      'rds:DescribeDBClusterParameters',
      'rds:DescribeDBClusters',
      'rds:DescribeDBInstances',
      'rds:DescribeDBParameterGroups',
      'rds:DescribeDBParameters',
    ]);
    const clusters = read.find((s) => s.Action.includes('rds:DescribeDBClusters'))!;
    expect(clusters.Action).toEqual(['rds:DescribeDBClusters']);
    expect(clusters.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:rds:${SourceRegion}:${AWS::AccountId}:cluster:${DBClusterIdentifier}' }]);
    const others = read.find((s) => s !== clusters)!;
    expect(others.Resource).toEqual(
      ['db', 'cluster-pg', 'pg'].map((type) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:rds:\${SourceRegion}:\${AWS::AccountId}:${type}:*` })),
    );
  });

  it("writes, tags and deletes only parameters named after this stack's snapshots, in the target Region", () => {
    const parameters = {
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${TargetRegion}:\${AWS::AccountId}:parameter${CAPTURED_CONFIG_PATH}\${${LOGICAL_ID.preflight}.${PREFLIGHT_DATA.snapshotNamePrefix}}*`,
    };
    const ssm = statements.filter((s) => s.Action.some((a) => a.startsWith('ssm:')));
    for (const s of ssm) expect(s.Resource).toEqual([parameters]);
    expect(actionsOn(parameters).sort()).toEqual(['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:PutParameter']);
    const tagging = ssm.find((s) => s.Action.includes('ssm:AddTagsToResource'))!;
    expect(tagging.Action).toEqual(['ssm:AddTagsToResource']);
    expect(tagging.Condition).toEqual({ StringEquals: { [`aws:RequestTag/${SNAPSHOT_TAG.stackId}`]: { Ref: 'AWS::StackId' } } });
  });
});
