/**
 * The recovery stack in a rehearsal: the target Region's network (a VPC, a DB
 * subnet group, a security group), the recovery template as the generator
 * writes it, a "stack" made of the values CloudFormation and the recovery
 * preflight would give it, and runs of its runbook in the target Region.
 * Built on RehearsalWorld, whose source stack makes the copies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  Tag,
} from '@aws-sdk/client-rds';
import { RECOVERY_TEMPLATE_BASENAME, renderRecoveryTemplates } from '../../../generator/main';
import { RECOVERY_DOC_PARAM } from '../../../generator/recovery/document';
import { RECOVERY_ID } from '../../../generator/recovery/logical-ids';
import { checkRecoveryParameters } from '../../../custom-resource/recovery/rules';
import { RECOVERY_DATA, RESTORE_TAG, rdsArnPrefix } from '../../../custom-resource/recovery/contract';
import { MOTO_CREDENTIALS } from '../../support/moto-server';
import { rolePolicy } from '../../iam/simulate';
import { loadTemplate, LoadedTemplate, pseudoParameters, resolveAutomationDocument, resolveStackParameters, StackValues } from '../shared/intrinsics';
import { ACCOUNT_ID, RehearsalWorld, Stack, TARGET_REGION } from '../shared/rehearsal-world';
import { ExecutionResult, RunnerOptions, runRunbook } from '../shared/runbook-runner';
import { lambdaInvoker } from '../shared/lambda-invoker';
import { assertCallsAllowed, recordedRequests, roleAccessKeyId } from '../shared/iam-check';

const SUBNET_GROUP = 'dr-subnets';
export const POLL_SECONDS = 180;

let templateCache: LoadedTemplate | undefined;
/** The recovery template the generator writes from the current sources, read back from build/rehearsal/. */
export function recoveryTemplate(): LoadedTemplate {
  if (!templateCache) {
    const dir = path.join(__dirname, '..', '..', '..', 'build', 'rehearsal');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${RECOVERY_TEMPLATE_BASENAME}.yaml`);
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, renderRecoveryTemplates().yaml);
    fs.renameSync(partial, file);
    templateCache = loadTemplate(file);
  }
  return templateCache;
}

export interface RecoveryStack {
  stackId: string;
  stackName: string;
  sourceStack: Stack;
  parameters: { [name: string]: string };
  values: StackValues;
}

export interface ClusterView {
  id: string;
  status: string;
  deletionProtection: boolean;
  engineVersion?: string;
  tags: { [key: string]: string };
  writers: string[];
}

export interface RecoveryRunOptions {
  kind?: 'restore' | 'drill';
  parameters?: RunnerOptions['parameters'];
  beforeStep?: RunnerOptions['beforeStep'];
  executionId?: string;
}

export class RecoveryWorld {
  readonly ec2: EC2Client;

  constructor(readonly world: RehearsalWorld) {
    this.ec2 = new EC2Client({ region: TARGET_REGION, endpoint: world.moto.endpoint, credentials: MOTO_CREDENTIALS });
  }

  private get rds() {
    return this.world.rds[TARGET_REGION];
  }

  /**
   * What creating the recovery stack in the target Region does before its runbook ever runs:
   * the network exists, CloudFormation checks the parameters, the preflight rules pass and
   * KMSTargetKey resolves to the key the source stack's copies use.
   */
  async createRecoveryStack(sourceStack: Stack, supplied: { [name: string]: string } = {}): Promise<RecoveryStack> {
    const vpcId = (await this.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    const subnets: string[] = [];
    for (const [cidr, zone] of [['10.30.1.0/24', 'us-west-2a'], ['10.30.2.0/24', 'us-west-2b']]) {
      subnets.push((await this.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!);
    }
    await this.rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: SUBNET_GROUP, DBSubnetGroupDescription: 'DR', SubnetIds: subnets }));
    const securityGroup = (await this.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'orders-dr', Description: 'DR', VpcId: vpcId }))).GroupId!;

    const stackName = `${sourceStack.options.clusterId}-recovery`;
    const stackId = `arn:aws:cloudformation:${TARGET_REGION}:${ACCOUNT_ID}:stack/${stackName}/${randomUUID()}`;
    const template = recoveryTemplate();
    const parameters = resolveStackParameters(template, {
      DBClusterIdentifier: sourceStack.options.clusterId,
      SourceStackId: sourceStack.stackId,
      KMSTargetKey: sourceStack.targetKeyArn,
      DBSubnetGroupName: SUBNET_GROUP,
      VpcSecurityGroupIds: securityGroup,
      ...supplied,
    });
    const problems = checkRecoveryParameters({
      DBClusterIdentifier: parameters.DBClusterIdentifier,
      SourceStackId: parameters.SourceStackId,
      KMSTargetKey: parameters.KMSTargetKey,
      DBSubnetGroupName: parameters.DBSubnetGroupName,
      VpcSecurityGroupIds: parameters.VpcSecurityGroupIds,
      DrillInstanceClass: parameters.DrillInstanceClass,
      DrillScheduleExpression: parameters.DrillScheduleExpression,
      SourceScheduleExpression: parameters.SourceScheduleExpression,
      CopyTimeoutHours: parameters.CopyTimeoutHours,
      MaxCopyAgeHours: parameters.MaxCopyAgeHours,
      StackRegion: TARGET_REGION,
    });
    if (problems.length > 0) throw new Error(`the recovery preflight would roll the stack back: ${problems.join(' | ')}`);
    const functionName = `${stackName}-${RECOVERY_ID.preflightFunction}-REHEARSAL`;
    const values: StackValues = {
      parameters,
      pseudo: pseudoParameters(TARGET_REGION, ACCOUNT_ID, stackId, stackName),
      attributes: {
        [`${RECOVERY_ID.automationRole}.Arn`]: `arn:aws:iam::${ACCOUNT_ID}:role/${stackName}-RecoveryAutomationRole-REHEARSAL`,
        [`${RECOVERY_ID.preflight}.TargetKeyArn`]: sourceStack.targetKeyArn,
        [`${RECOVERY_ID.preflight}.${RECOVERY_DATA.rdsArn}`]: rdsArnPrefix(sourceStack.targetKeyArn),
        // The automation role's one statement: invoke this function.
        [`${RECOVERY_ID.preflightFunction}.Arn`]: `arn:aws:lambda:${TARGET_REGION}:${ACCOUNT_ID}:function:${functionName}`,
        [`${RECOVERY_ID.preflightLogGroup}.Arn`]: `arn:aws:logs:${TARGET_REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/${functionName}:*`,
      },
      resourceRefs: { [RECOVERY_ID.preflightFunction]: functionName },
    };
    return { stackId, stackName, sourceStack, parameters, values };
  }

  /** One execution of the recovery runbook in the target Region, as a person or the drill schedule starts it. */
  async run(stack: RecoveryStack, options: RecoveryRunOptions = {}): Promise<ExecutionResult> {
    const template = recoveryTemplate();
    const { document } = resolveAutomationDocument(template, stack.values);
    // The runbook's steps call the stack's function: its inline code, as the template carries it.
    const functionName = stack.values.resourceRefs![RECOVERY_ID.preflightFunction];
    const code = String((template.Resources[RECOVERY_ID.preflightFunction].Properties!.Code as { ZipFile: string }).ZipFile);
    // The function does each step's work under its own role: its calls are signed with that role's key and,
    // once the run ends, each is simulated under the role's policies (its own and the attached run policy).
    const functionRole = { name: RECOVERY_ID.preflightRole, policy: rolePolicy(template, RECOVERY_ID.preflightRole, stack.values) };
    const endpoint = this.world.moto.endpoint;
    const since = (await recordedRequests(endpoint)).length;
    const lambda = lambdaInvoker(functionName, code, {
      endpoint,
      region: TARGET_REGION,
      accessKeyId: roleAccessKeyId(functionRole.name),
      secretAccessKey: 'rehearsal',
    });
    const result = await runRunbook({
      invokeLambda: lambda.invoke,
      document,
      region: TARGET_REGION,
      accountId: ACCOUNT_ID,
      aws: { endpoint: this.world.moto.endpoint, credentials: MOTO_CREDENTIALS },
      clock: this.world.clock,
      clockControlUrl: this.world.moto.endpoint,
      parameters: { ...(options.kind ? { [RECOVERY_DOC_PARAM.kind]: options.kind } : {}), ...options.parameters },
      // Restores take minutes to hours: poll every 3 virtual minutes, as often as the figures need.
      pollIntervalSeconds: POLL_SECONDS,
      beforeStep: options.beforeStep,
      executionId: options.executionId,
      iamRole: { name: RECOVERY_ID.automationRole, policy: rolePolicy(template, RECOVERY_ID.automationRole, stack.values) },
    }).finally(() => lambda.close());
    await assertCallsAllowed(endpoint, functionRole, ACCOUNT_ID, since);
    return result;
  }

  private async control(route: string, body: object): Promise<void> {
    const response = await fetch(`${this.world.moto.endpoint}/rehearsal-api/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status}`);
  }

  /**
   * The drill validation function's next answers, one per invocation, in order. moto runs no function here: its
   * Docker-less Lambda (moto.awslambda_simple) answers each Invoke with the next queued payload, and the request
   * log keeps what the function was sent.
   */
  async answerValidations(...answers: object[]): Promise<void> {
    for (const [route, body] of [
      ['config', { lambda: { use_docker: false } }],
      ['static/lambda-simple/response', { account_id: ACCOUNT_ID, region: TARGET_REGION, results: answers.map((a) => JSON.stringify(a)) }],
    ] as const) {
      const response = await fetch(`${this.world.moto.endpoint}/moto-api/${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`moto-api/${route}: ${response.status}`);
    }
  }

  /** The next `count` CreateDBInstance calls in the target Region fail with `code` (test/support/moto_recovery.py). */
  failInstanceCreations(count: number, code: string): Promise<void> {
    return this.control('create-instance-failures', { region: TARGET_REGION, count, code });
  }

  /** Every request to `region` fails, as in a Regional outage; undefined ends the outage. */
  refuseRegion(region: string | undefined): Promise<void> {
    return this.control('refuse-region', { region: region ?? null });
  }

  /** A cluster (and writer) somebody else made in the target Region, tagged as they chose. */
  async createCluster(id: string, tags: Tag[] = [], deletionProtection = false): Promise<void> {
    await this.rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        MasterUsername: 'postgres',
        MasterUserPassword: 'rehearsal-password-1',
        DeletionProtection: deletionProtection,
        Tags: tags,
      }),
    );
    await this.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-writer`,
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
        Tags: tags,
      }),
    );
  }

  /** The tags a drill run of `stack` puts on what it restores. */
  static drillTags(stack: RecoveryStack, executionId: string): Tag[] {
    return [
      { Key: RESTORE_TAG.stackId, Value: stack.stackId },
      { Key: RESTORE_TAG.kind, Value: 'drill' },
      { Key: RESTORE_TAG.execution, Value: executionId },
    ];
  }

  /** Every cluster in the target Region, with its tags and writers. */
  async clusters(): Promise<ClusterView[]> {
    const { DBClusters } = await this.rds.send(new DescribeDBClustersCommand({}));
    const { DBInstances } = await this.rds.send(new DescribeDBInstancesCommand({}));
    return (DBClusters ?? [])
      .map((c) => ({
        id: c.DBClusterIdentifier!,
        status: c.Status!,
        deletionProtection: Boolean(c.DeletionProtection),
        engineVersion: c.EngineVersion,
        tags: Object.fromEntries((c.TagList ?? []).map((t) => [t.Key!, t.Value!])),
        writers: (DBInstances ?? []).filter((i) => i.DBClusterIdentifier === c.DBClusterIdentifier).map((i) => i.DBInstanceIdentifier!),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}
