/**
 * What the automation role may do to record the source's configuration beside each copy
 * (automation/dr/create_snapshot.py) and delete it with the copy (prune_snapshots.py).
 */
import { automationRolePolicy, capturedConfigStatements } from '../../../generator/dr/iam';
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { PREFLIGHT_DATA } from '../../../custom-resource/dr/contract';

const statements = capturedConfigStatements();

describe("the automation role's statements for the recorded configurations", () => {
  it('are part of the automation role', () => {
    const sids = automationRolePolicy().map((s) => s.Sid);
    for (const s of statements) expect(sids).toContain(s.Sid);
  });

  it('reads only this cluster, and the instances and parameter groups of the source Region', () => {
    const read = statements.filter((s) => s.Action.some((a) => a.startsWith('rds:')));
    expect(read).toHaveLength(1);
    expect(read[0].Action.sort()).toEqual([
      'rds:DescribeDBClusterParameterGroups',
      'rds:DescribeDBClusterParameters',
      'rds:DescribeDBClusters',
      'rds:DescribeDBInstances',
      'rds:DescribeDBParameterGroups',
      'rds:DescribeDBParameters',
    ]);
    // IAM matches an action only to its resource type: clusters to the one cluster ARN, never cluster:*.
    expect(read[0].Resource).toEqual([
      { 'Fn::GetAtt': [LOGICAL_ID.preflight, PREFLIGHT_DATA.clusterArn] },
      ...['db', 'cluster-pg', 'pg'].map((type) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:rds:\${SourceRegion}:\${AWS::AccountId}:${type}:*` })),
    ]);
    expect(read[0].Condition).toBeUndefined();
  });

  it("writes, tags and deletes only parameters named after this stack's snapshots, in the target Region", () => {
    // The preflight's ARN pattern (ownArnPatterns): parameters named after this stack's snapshots, in the target Region.
    const parameters = { 'Fn::GetAtt': [LOGICAL_ID.preflight, PREFLIGHT_DATA.configParameters] };
    const ssm = statements.filter((s) => s.Action.some((a) => a.startsWith('ssm:')));
    expect(ssm).toHaveLength(1);
    expect(ssm[0].Resource).toEqual([parameters]);
    expect(ssm[0].Action.sort()).toEqual(['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:PutParameter']);
  });
});
