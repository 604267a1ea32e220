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
/** `Fn::Sub` with `${Name}` references; pass variables only for values that are not names in the template. */
export const sub = (text: string, variables?: { [name: string]: CfnValue }): CfnValue =>
  variables ? { 'Fn::Sub': [text, variables] } : { 'Fn::Sub': text };
export const equals = (a: CfnValue, b: CfnValue): CfnValue => ({ 'Fn::Equals': [a, b] });
export const not = (condition: CfnValue): CfnValue => ({ 'Fn::Not': [condition] });
export const ifCondition = (condition: string, whenTrue: CfnValue, whenFalse: CfnValue): CfnValue => ({
  'Fn::If': [condition, whenTrue, whenFalse],
});
export const findInMap = (map: string, key: CfnValue, attribute: string): CfnValue => ({
  'Fn::FindInMap': [map, key, attribute],
});
export const NO_VALUE: CfnValue = { Ref: 'AWS::NoValue' };

/**
 * Resource Metadata that tells checkov (the scanner the tests run) which of its
 * checks do not apply and why; the reason is the point, so each id needs one.
 */
export const checkovSkips = (reasons: { [checkId: string]: string }): { [key: string]: CfnValue } => ({
  checkov: { skip: Object.entries(reasons).map(([id, comment]) => ({ id, comment })) },
});

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

export const policyDocument = (statements: PolicyStatement[]): CfnValue => ({
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
