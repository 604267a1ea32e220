/**
 * Stand-ins for the two stacks, for CLI tests against moto, which runs neither
 * AWS::SSM::Document nor Lambda-backed custom resources: each has its real
 * template's parameters and the outputs the CLI reads, and one SNS topic.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { recoveryParameters } from '../../generator/recovery/parameters';

/** The DR stack as the CLI reads it: its parameters and the RecoveryStackParameters output. */
export const DR_STAND_IN = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DBClusterIdentifier: {Type: String}
  KMSTargetKey: {Type: String}
  SourceRegion: {Type: String}
  TargetRegion: {Type: String}
  ScheduleExpression: {Type: String, Default: 'cron(0 3 * * ? *)'}
  CopyTimeoutHours: {Type: Number, Default: 12}
Resources:
  AlertTopic:
    Type: AWS::SNS::Topic
Outputs:
  RunbookName:
    Value: !Sub '\${AWS::StackName}-SnapshotCopyRunbook'
  RecoveryStackParameters:
    Value: !Sub '"SourceStackId=\${AWS::StackId}" "DBClusterIdentifier=\${DBClusterIdentifier}" "KMSTargetKey=alias/dr-snapshots" "SourceScheduleExpression=\${ScheduleExpression}" "CopyTimeoutHours=\${CopyTimeoutHours}"'
`;

/** The recovery template's parameters, exactly, and the output restore and drill read. */
export const RECOVERY_STAND_IN = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
${Object.entries(recoveryParameters)
  .map(([name, p]) => `  ${name}: {Type: ${p.Type}${p.Default === undefined ? '' : `, Default: '${p.Default}'`}}`)
  .join('\n')}
Resources:
  AlertTopic:
    Type: AWS::SNS::Topic
Outputs:
  RecoveryRunbookName:
    Value: !Sub '\${AWS::StackName}-RecoveryRunbook'
`;

/** Create a DR stand-in in `region` for `cluster`, copying to `target`; returns its ARN. */
export async function createDrStandIn(name: string, region: string, cluster: string, target: string): Promise<string> {
  const { StackId } = await new CloudFormationClient({ region }).send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: DR_STAND_IN,
      Parameters: [
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: cluster },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
        { ParameterKey: 'SourceRegion', ParameterValue: region },
        { ParameterKey: 'TargetRegion', ParameterValue: target },
      ],
    }),
  );
  return StackId!;
}

/** Create a recovery stand-in in `region` that watches the DR stack `sourceStackId`. */
export async function createRecoveryStandIn(name: string, region: string, cluster: string, sourceStackId: string): Promise<string> {
  const { StackId } = await new CloudFormationClient({ region }).send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: RECOVERY_STAND_IN,
      Parameters: [
        { ParameterKey: 'SourceStackId', ParameterValue: sourceStackId },
        { ParameterKey: 'DBClusterIdentifier', ParameterValue: cluster },
        { ParameterKey: 'KMSTargetKey', ParameterValue: 'alias/dr-snapshots' },
        { ParameterKey: 'DBSubnetGroupName', ParameterValue: 'dr-private' },
        { ParameterKey: 'VpcSecurityGroupIds', ParameterValue: 'sg-0123456789abcdef0' },
      ],
    }),
  );
  return StackId!;
}
