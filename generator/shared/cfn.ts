/**
 * The small typed vocabulary the generator builds templates from: CloudFormation
 * values, intrinsic functions and resource shapes. Everything else in generator/
 * composes these; nothing assembles template text by hand.
 */

/** Any value CloudFormation accepts in a property: literals, lists, maps and intrinsics. */
export type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

export interface CfnParameter {
  Type: 'String' | 'Number';
  Description: string;
  Default?: string | number;
  AllowedPattern?: string;
  AllowedValues?: string[];
  ConstraintDescription?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
}

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: 'Delete' | 'Retain';
  UpdateReplacePolicy?: 'Delete' | 'Retain';
  Metadata?: { [key: string]: CfnValue };
  Properties?: { [key: string]: CfnValue };
}

export interface CfnOutput {
  Description: string;
  Value: CfnValue;
  Export?: { Name: CfnValue };
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Metadata: { [key: string]: CfnValue };
  Parameters: { [name: string]: CfnParameter };
  Mappings?: { [name: string]: { [key: string]: { [key: string]: string } } };
  Conditions?: { [name: string]: CfnValue };
  Resources: { [logicalId: string]: CfnResource };
  Outputs: { [name: string]: CfnOutput };
}

export const ref = (name: string): CfnValue => ({ Ref: name });
export const getAtt = (logicalId: string, attribute: string): CfnValue => ({
  'Fn::GetAtt': [logicalId, attribute],
});
/** Marks a getAttList: see there. Not enumerable, so the JSON file and every comparison see a plain Fn::GetAtt. */
export const LIST_FORM = Symbol('GetAtt as a list in YAML');
/**
 * `Fn::GetAtt` that the YAML file writes as a list (`!GetAtt` then `- Resource`, `- Attribute`), where cfn-guard
 * must see the resource: it reads `!GetAtt Resource.Attribute` as one string, and so cannot tell that a Lambda
 * permission's SourceArn is the stack's own rule (Control Tower's CT.LAMBDA.PR.2).
 */
export const getAttList = (logicalId: string, attribute: string): CfnValue =>
  Object.defineProperty({ 'Fn::GetAtt': [logicalId, attribute] }, LIST_FORM, { value: true, enumerable: false });
/** `Fn::Sub` with `${Name}` references; pass variables only for values that are not names in the template. */
export const sub = (text: string, variables?: { [name: string]: CfnValue }): CfnValue =>
  variables ? { 'Fn::Sub': [text, variables] } : { 'Fn::Sub': text };
export const equals = (a: CfnValue, b: CfnValue): CfnValue => ({ 'Fn::Equals': [a, b] });
export const not = (condition: CfnValue): CfnValue => ({ 'Fn::Not': [condition] });
export const ifCondition = (condition: string, whenTrue: CfnValue, whenFalse: CfnValue): CfnValue => ({
  'Fn::If': [condition, whenTrue, whenFalse],
});
export const NO_VALUE: CfnValue = { Ref: 'AWS::NoValue' };

/**
 * The cfn-guard rule (AWS Control Tower's proactive controls, which the tests run) that
 * checks the same thing as a checkov check, so that one written reason skips both.
 */
export const GUARD_RULE_OF_CHECK: { readonly [checkId: string]: string } = {
  CKV_AWS_117: 'lambda_inside_vpc_check',
  CKV_AWS_158: 'cloudwatch_log_group_encrypted_check',
};

/**
 * Resource Metadata that tells the security scanners the tests run (checkov and cfn-guard)
 * which of their checks do not apply and why; the reason is the point, so each id needs one.
 * cfn-guard's SuppressedRules holds rule names only: a rule of the same concern as a skipped
 * checkov check is suppressed beside it, that check's comment its reason; a rule with no such
 * check (`guardReasons`) gets its reason under `guard.Reasons`.
 */
export const scannerSkips = (
  reasons: { [checkId: string]: string },
  guardReasons: { [rule: string]: string } = {},
): { [key: string]: CfnValue } => {
  const guardRules = [...Object.keys(reasons).flatMap((id) => GUARD_RULE_OF_CHECK[id] ?? []), ...Object.keys(guardReasons)];
  return {
    ...(Object.keys(reasons).length > 0 && {
      checkov: { skip: Object.entries(reasons).map(([id, comment]) => ({ id, comment })) },
    }),
    ...(guardRules.length > 0 && {
      guard: {
        SuppressedRules: guardRules,
        ...(Object.keys(guardReasons).length > 0 && { Reasons: guardReasons }),
      },
    }),
  };
};

/** Pseudo parameters, spelled once. */
export const AWS = {
  accountId: ref('AWS::AccountId'),
  partition: ref('AWS::Partition'),
  region: ref('AWS::Region'),
  stackId: ref('AWS::StackId'),
  stackName: ref('AWS::StackName'),
  urlSuffix: ref('AWS::URLSuffix'),
};

/** One IAM policy statement; `Resource` is required so that no statement silently means "*". */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
  Condition?: { [operator: string]: { [key: string]: CfnValue } };
}

export const policyDocument = (statements: Omit<PolicyStatement, 'Sid'>[]): CfnValue => ({
  Version: '2012-10-17',
  Statement: statements as unknown as CfnValue[],
});

export const assumeRolePolicy = (servicePrincipal: string, conditions?: PolicyStatement['Condition']): CfnValue => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: servicePrincipal },
      Action: 'sts:AssumeRole',
      ...(conditions ? { Condition: conditions as CfnValue } : {}),
    },
  ],
});
