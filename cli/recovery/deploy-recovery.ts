/**
 * `deploy-recovery`: the recovery stack in one command. The source stack
 * already knows most of its parameters (RecoveryStackParameters output) and
 * where it goes (TargetRegion); the user adds the network. The stack is then
 * created or updated exactly as `deploy` does it.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { FlagValues, missingRequired, UsageError } from '../shared/args';
import { DEPLOY_RECOVERY, EXIT, PROGRAM } from '../shared/commands';
import { awsErrorName, Context } from '../shared/context';
import { deploy, DeployInput, repointFlags } from '../shared/deploy';
import { loadTemplate, regionProblem, stackNameProblem } from '../shared/validate';
import { RECOVERY_PRODUCT, recoveryParameterProblem } from '../shared/stack-products';
import { PARAM } from '../../generator/dr/parameters';
import { RECOVERY_PARAM, RECOVERY_PARAMETERS_OUTPUT } from '../../custom-resource/recovery/contract';

/** Flags that set a recovery stack parameter. */
const PARAMETER_FLAGS: [string, string][] = [
  ['subnet-group', RECOVERY_PARAM.subnetGroup],
  ['security-groups', RECOVERY_PARAM.securityGroups],
  ['drill-schedule', RECOVERY_PARAM.drillSchedule],
  ['drill-instance-class', RECOVERY_PARAM.drillInstanceClass],
  ['drill-validation-function', RECOVERY_PARAM.drillValidation],
  ['alert-email', RECOVERY_PARAM.alertEmail],
];

export interface DeployRecoveryInput {
  sourceStack: string;
  sourceRegion: string;
  /** Undefined: the source stack's name with -recovery. */
  stackName?: string;
  /** --region, which must be the source stack's TargetRegion when given. */
  region?: string;
  parameters: { [name: string]: string };
  deploy: Omit<DeployInput, 'stackName' | 'region' | 'parameters'>;
}

export function parseDeployRecoveryInput(values: FlagValues): DeployRecoveryInput {
  const problems = missingRequired(DEPLOY_RECOVERY, values);
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const sourceRegion = text('source-region');
  if (sourceRegion) {
    const problem = regionProblem('--source-region', sourceRegion);
    if (problem) problems.push(problem);
  }
  const region = text('region');
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  const stackName = text('stack-name');
  if (stackName) {
    const problem = stackNameProblem('stack-name', stackName);
    if (problem) problems.push(problem);
  }
  const parameters: { [name: string]: string } = {};
  for (const [flag, parameter] of PARAMETER_FLAGS) {
    const value = text(flag);
    if (value === undefined) continue;
    const problem = recoveryParameterProblem(`--${flag}`, parameter, value);
    if (problem) problems.push(problem);
    else parameters[parameter] = value;
  }
  const { template, problem } = loadTemplate(text('template') ?? RECOVERY_PRODUCT.defaultTemplate);
  if (problem) problems.push(problem);
  if (problems.length > 0 || !template) throw new UsageError(problems, DEPLOY_RECOVERY);
  return {
    sourceStack: text('source-stack')!,
    sourceRegion: sourceRegion!,
    stackName,
    region,
    parameters,
    deploy: { template, replaceFailed: values['replace-failed'] === true, wait: values['no-wait'] !== true, ...repointFlags(values) },
  };
}

/** The quoted Key=Value pairs of the source stack's RecoveryStackParameters output. */
export function parseRecoveryParameters(text: string): { [name: string]: string } {
  return Object.fromEntries([...text.matchAll(/"([A-Za-z]+)=([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

export async function deployRecovery(input: DeployRecoveryInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const cfn = context.clients.cloudFormation(input.sourceRegion);
  let source;
  try {
    source = (await cfn.send(new DescribeStacksCommand({ StackName: input.sourceStack }))).Stacks?.[0];
  } catch (error) {
    if (!(awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message))) throw error;
  }
  if (!source) {
    err(`${PROGRAM} deploy-recovery: no stack ${input.sourceStack} in ${input.sourceRegion}: name the stack that makes the copies, in the cluster's Region.`);
    return EXIT.failed;
  }
  const output = source.Outputs?.find((o) => o.OutputKey === RECOVERY_PARAMETERS_OUTPUT)?.OutputValue;
  const targetRegion = source.Parameters?.find((p) => p.ParameterKey === PARAM.targetRegion)?.ParameterValue;
  if (!output || !targetRegion) {
    err(
      `${PROGRAM} deploy-recovery: stack ${source.StackName} has no ${RECOVERY_PARAMETERS_OUTPUT} output${targetRegion ? '' : ' or TargetRegion parameter'}: ` +
        `update it with this version's template ('${PROGRAM} deploy --stack-name ${source.StackName} ...'), then run this again.`,
    );
    return EXIT.failed;
  }
  if (input.region && input.region !== targetRegion) {
    err(
      `${PROGRAM} deploy-recovery: --region ${input.region} differs from the TargetRegion of ${source.StackName} (${targetRegion}): ` +
        'the recovery stack goes where the copies are. Leave out --region, or set it to that Region.',
    );
    return EXIT.failed;
  }
  const fromSource = parseRecoveryParameters(output);
  const stackName = input.stackName ?? `${source.StackName}-recovery`.slice(0, 128);
  out(`Recovery stack ${stackName} for ${fromSource[RECOVERY_PARAM.cluster]} (source stack ${source.StackName}) goes to ${targetRegion}.`);
  const code = await deploy({ stackName, region: targetRegion, parameters: { ...fromSource, ...input.parameters }, ...input.deploy }, context);
  if (code === EXIT.ok && input.deploy.wait) {
    for (const line of nextSteps(stackName, targetRegion, source.StackName!, input.sourceRegion)) out(line);
  }
  return code;
}

/** What to run next, with the names and Regions this deploy used. */
export function nextSteps(stackName: string, region: string, sourceStack: string, sourceRegion: string): string[] {
  return [
    '',
    'Next:',
    `  ${PROGRAM} drill --stack-name ${stackName} --region ${region}`,
    `  ${PROGRAM} status --stack-name ${sourceStack} --region ${sourceRegion}`,
    `On the day: ${PROGRAM} restore --stack-name ${stackName} --region ${region}`,
  ];
}
