/**
 * IAM pieces both stacks build their roles from: a role CloudFormation names,
 * the trust condition that admits only this account's calls, and the policy of
 * a schedule's role. Role names are left to CloudFormation: IAM names are
 * global to an account, and a StackSet deploys the same template to many
 * Regions of one account.
 */
import { AWS, CfnResource, CfnValue, PolicyStatement, assumeRolePolicy, getAtt, sub } from './cfn';

/** What a schedule's role needs: start one runbook (any version) and pass it one role, to SSM only. */
export function triggerRolePolicy(
  documentId: string,
  automationRoleId: string,
): PolicyStatement[] {
  return [
    {
      Sid: 'StartThisRunbookOnly',
      Effect: 'Allow',
      Action: ['ssm:StartAutomationExecution'],
      Resource: [sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/\${${documentId}}:*`)],
    },
    {
      Sid: 'PassOnlyTheAutomationRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [getAtt(automationRoleId, 'Arn')],
      Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    },
  ];
}

/** Trust only calls made on behalf of this account, from sources whose ARN matches the pattern (Fn::Sub text). */
export const sameAccount = (sourceArnPattern: string): PolicyStatement['Condition'] => ({
  StringEquals: { 'aws:SourceAccount': AWS.accountId },
  ArnLike: { 'aws:SourceArn': sub(sourceArnPattern) },
});

/** A policy document of `statements` without their Sids: IAM reads nothing from a Sid and the template has a size limit. */
export const unnamedStatement = ({ Sid: _name, ...statement }: PolicyStatement): CfnValue => statement as unknown as CfnValue;
/** A policy of `statements` without their Sids, then `conditional` (statements behind Fn::If) as they are. */
export const unnamedStatements = (statements: PolicyStatement[], conditional: CfnValue[] = []): CfnValue => ({
  Version: '2012-10-17',
  Statement: [...statements.map(unnamedStatement), ...conditional],
});

/**
 * A role CloudFormation names (so StackSets can deploy it to many Regions of one account), with one inline policy.
 * Its statements' Sids name them in the code and its tests; the template leaves them out, as IAM reads nothing
 * from a Sid and the template has a size limit.
 */
export const role = (
  /** Optional: the recovery stack leaves it out, its template's bytes being short; the role's name says what it is. */
  description: CfnValue | undefined,
  principal: string,
  statements: PolicyStatement[],
  trustConditions?: PolicyStatement['Condition'],
  dependsOn?: string,
): CfnResource => ({
  Type: 'AWS::IAM::Role',
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
  Properties: {
    ...(description ? { Description: description } : {}),
    AssumeRolePolicyDocument: assumeRolePolicy(principal, trustConditions),
    Policies: [{ PolicyName: 'least-privilege', PolicyDocument: unnamedStatements(statements) }],
  },
});
