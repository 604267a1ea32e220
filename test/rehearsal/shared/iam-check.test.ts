/**
 * The rehearsal's IAM check: every call a runbook makes is simulated under
 * its role, a call IAM would deny fails the rehearsal, and a call the check
 * cannot map fails it too.
 */
import { LOGICAL_ID } from '../../../generator/dr/logical-ids';
import { TARGET_REGION, ACCOUNT_ID } from './rehearsal-world';
import { useRehearsalWorld, expectStatus } from './scenario-support';
import { generatedTemplateFile } from './rehearsal-world';
import { loadTemplate } from './intrinsics';
import { IamDeniedError, RecordedRequest, UnmappedCallError, authorisationsOf, recordedRequests, roleAccessKeyId } from './iam-check';

const world = useRehearsalWorld();

const call = (operation: string, parameters: RecordedRequest['parameters'], extra: Partial<RecordedRequest> = {}): RecordedRequest => ({
  service: 'rds',
  operation,
  region: TARGET_REGION,
  accessKeyId: roleAccessKeyId('R'),
  parameters,
  resources: {},
  keys: {},
  ...extra,
});

describe('what IAM authorises for a recorded call', () => {
  it('refuses, naming where to add it, a call it does not know', () => {
    expect(() => authorisationsOf(call('ModifyDBInstance', { DBInstanceIdentifier: 'x' }), ACCOUNT_ID)).toThrow(UnmappedCallError);
    expect(() => authorisationsOf(call('ModifyDBInstance', {}), ACCOUNT_ID)).toThrow(/iam-check\.ts/);
  });

  it('authorises adding a writer on the instance, its cluster with its tags, its default groups, and its tags on create', () => {
    const tags = [{ Key: 'owner', Value: 'me' }];
    const cluster = { region: TARGET_REGION, type: 'cluster', id: 'c-drill-12345678', exists: true, tags: { owner: 'me' }, kmsKeyId: null };
    const authorised = authorisationsOf(
      call('CreateDBInstance', { DBInstanceIdentifier: 'c-writer', DBClusterIdentifier: cluster.id, Engine: 'aurora-postgresql', Tags: tags }, { resources: { DBClusterIdentifier: cluster } }),
      ACCOUNT_ID,
    );
    const arn = (r: string) => `arn:aws:rds:${TARGET_REGION}:${ACCOUNT_ID}:${r}`;
    expect(authorised.map((a) => [a.action, a.resource])).toEqual([
      ['rds:CreateDBInstance', arn('db:c-writer')],
      ['rds:CreateDBInstance', arn(`cluster:${cluster.id}`)],
      ['rds:CreateDBInstance', arn('pg:default.aurora-postgresql16')],
      ['rds:CreateDBInstance', arn('og:default:aurora-postgresql-16')],
      ['rds:AddTagsToResource', arn('db:c-writer')],
    ]);
    expect(authorised[1].context).toEqual({ 'aws:ResourceTag/owner': 'me', 'aws:RequestTag/owner': 'me', 'aws:TagKeys': ['owner'] });
  });

  it('authorises the grants RDS makes on both keys of a copy, under their key policies', () => {
    const policy = { Version: '2012-10-17', Statement: [] };
    const source = { region: 'us-east-1', type: 'cluster-snapshot', id: 's', exists: true, tags: {}, kmsKeyId: 'source-key' };
    const authorised = authorisationsOf(
      call(
        'CopyDBClusterSnapshot',
        { SourceDBClusterSnapshotIdentifier: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:s', TargetDBClusterSnapshotIdentifier: 's', KmsKeyId: 'target-key' },
        { resources: { SourceDBClusterSnapshotIdentifier: source }, keys: { 'target-key': { arn: 'arn:t', policy }, 'source-key': { arn: 'arn:s', policy } } },
      ),
      ACCOUNT_ID,
    );
    expect(authorised.filter((a) => a.action.startsWith('kms:')).map((a) => [a.action, a.resource, a.keyPolicy])).toEqual([
      ['kms:DescribeKey', 'arn:t', policy],
      ['kms:CreateGrant', 'arn:t', policy],
      ['kms:DescribeKey', 'arn:s', policy],
      ['kms:CreateGrant', 'arn:s', policy],
    ]);
  });
});

describe('what IAM authorises for the calls beside RDS', () => {
  const arnIn = (service: string, resource: string) => `arn:aws:${service}:${TARGET_REGION}:${ACCOUNT_ID}:${resource}`;

  it('authorises writing a configuration on the parameter, named without a doubled slash, and its tags on create', () => {
    const tags = [{ Key: 'aurora-snapshot-dr:stack-id', Value: 'arn:stack' }];
    const authorised = authorisationsOf(call('PutParameter', { Name: '/aurora-snapshot-dr/orders-dr-1', Tags: tags }, { service: 'ssm' }), ACCOUNT_ID);
    const context = { 'aws:RequestTag/aurora-snapshot-dr:stack-id': 'arn:stack', 'aws:TagKeys': ['aurora-snapshot-dr:stack-id'] };
    expect(authorised).toEqual([
      { action: 'ssm:PutParameter', resource: arnIn('ssm', 'parameter/aurora-snapshot-dr/orders-dr-1'), context },
      { action: 'ssm:AddTagsToResource', resource: arnIn('ssm', 'parameter/aurora-snapshot-dr/orders-dr-1'), context },
    ]);
  });

  it('authorises a parameter group call on the group it names', () => {
    expect(authorisationsOf(call('DescribeDBClusterParameters', { DBClusterParameterGroupName: 'orders-pg' }), ACCOUNT_ID)).toEqual([
      { action: 'rds:DescribeDBClusterParameters', resource: arnIn('rds', 'cluster-pg:orders-pg') },
    ]);
    expect(authorisationsOf(call('DescribeDBParameters', { DBParameterGroupName: 'writer-pg' }), ACCOUNT_ID)).toEqual([
      { action: 'rds:DescribeDBParameters', resource: arnIn('rds', 'pg:writer-pg') },
    ]);
  });

  it("authorises a copy of a snapshot shared from another account on that account's snapshot", () => {
    const shared = 'arn:aws:rds:us-west-2:444455556666:cluster-snapshot:orders-dr-1';
    const source = { region: TARGET_REGION, type: 'cluster-snapshot', id: 'orders-dr-1', exists: true, tags: {}, kmsKeyId: null };
    const authorised = authorisationsOf(
      call('CopyDBClusterSnapshot', { SourceDBClusterSnapshotIdentifier: shared, TargetDBClusterSnapshotIdentifier: 'vault-1' }, { resources: { SourceDBClusterSnapshotIdentifier: source } }),
      ACCOUNT_ID,
    );
    expect(authorised.map((a) => a.resource)).toEqual([arnIn('rds', 'cluster-snapshot:vault-1'), shared]);
  });

  it("authorises Lambda's Invoke as lambda:InvokeFunction on the function, named or by ARN", () => {
    expect(authorisationsOf(call('Invoke', { FunctionName: 'f' }, { service: 'lambda' }), ACCOUNT_ID)).toEqual([
      { action: 'lambda:InvokeFunction', resource: arnIn('lambda', 'function:f') },
    ]);
    expect(authorisationsOf(call('Invoke', { FunctionName: arnIn('lambda', 'function:g') }, { service: 'lambda' }), ACCOUNT_ID)).toEqual([
      { action: 'lambda:InvokeFunction', resource: arnIn('lambda', 'function:g') },
    ]);
  });
});

describe('a rehearsal', () => {
  it('signs every runbook call with the role\'s own key, so each is checked', async () => {
    const w = world();
    await w.createEncryptedCluster('ledger-db');
    await w.createKey(TARGET_REGION, 'alias/aurora-dr');
    const stack = await w.createStack({ clusterId: 'ledger-db', kmsTargetKey: 'alias/aurora-dr' });
    expectStatus(await w.run(stack), 'Success');
    const byRole = (await recordedRequests(w.moto.endpoint)).filter((r) => r.accessKeyId === roleAccessKeyId(LOGICAL_ID.automationRole));
    expect(new Set(byRole.map((r) => r.operation))).toEqual(
      new Set([
        'CreateDBClusterSnapshot',
        'DescribeDBClusterSnapshots',
        'CopyDBClusterSnapshot',
        // The source configuration, captured beside the copy.
        'DescribeDBClusters',
        'DescribeDBClusterParameterGroups',
        'DescribeDBClusterParameters',
        'PutParameter',
      ]),
    );
  });

  it('fails when IAM would deny a call the runbook makes, naming the call, the role and the denial', async () => {
    const w = world();
    await w.createEncryptedCluster('ledger-db');
    await w.createKey(TARGET_REGION, 'alias/aurora-dr');
    const stack = await w.createStack({ clusterId: 'ledger-db', kmsTargetKey: 'alias/aurora-dr' });
    // The generated template with the automation role's KMS grant statement taken out.
    const template = loadTemplate(generatedTemplateFile());
    const role = template.Resources[LOGICAL_ID.automationRole].Properties as { Policies: { PolicyDocument: { Statement: { Action: string[] }[] } }[] };
    const document = role.Policies[0].PolicyDocument;
    document.Statement = document.Statement.filter((s) => !s.Action.includes('kms:CreateGrant'));
    const run = w.run(stack, { template });
    await expect(run).rejects.toThrow(IamDeniedError);
    await expect(run).rejects.toThrow(/rds:CopyDBClusterSnapshot .* by AutomationRole: kms:CreateGrant on arn:aws:kms:us-west-2:\S+ is ImplicitlyDenied/);
  });
});
