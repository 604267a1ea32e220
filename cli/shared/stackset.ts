/**
 * `stackset deploy`: one stack set, one stack instance per account and
 * Region, each with its own cluster and key from the parameters file.
 *
 * Parameter overrides apply to every instance of one CreateStackInstances or
 * UpdateStackInstances call, and every instance differs (its Region is its
 * SourceRegion, its account has its own cluster), so there is one call per
 * account and Region. Each instance gets its whole resolved set of values as
 * overrides, so DescribeStackInstance shows exactly what the file says. The
 * stack set's own values are the file's defaults, with placeholders for the
 * required parameters no instance runs with (an override must name a
 * parameter the stack set has).
 */
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeploymentTargets,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  Parameter,
  StackInstanceSummary,
  StackSetOperationPreferences,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { FlagValues, missingRequired, UsageError } from './args';
import { EXIT, STACKSET_DEPLOY } from './commands';
import { awsErrorName, Context } from './context';
import { FleetParameters, instanceParameters, ParameterValues, readParametersFile } from './parameters-file';
import { RECOVERY_PRODUCT, SOURCE_PRODUCT, StackProduct, VAULT_PRODUCT, takeoverProblem } from './stack-products';
import { table } from './progress';
import {
  ACCOUNT_ID,
  displayPath,
  integerFlag,
  loadTemplate,
  ORGANIZATIONAL_UNIT_ID,
  regionProblem,
  splitList,
  stackNameProblem,
  TemplateFile,
} from './validate';
import { PARAM } from '../../generator/dr/parameters';

export type PermissionModel = 'SELF_MANAGED' | 'SERVICE_MANAGED';
export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

export interface StackSetInput {
  /** The DR stack, or with --recovery the recovery stack. */
  product: StackProduct;
  stackSetName: string;
  /** Where the stack set lives; undefined: the SDK chain's Region. */
  region?: string;
  permissionModel: PermissionModel;
  /** SELF_MANAGED: the accounts to deploy to. */
  accounts: string[];
  /** SERVICE_MANAGED: the OUs to deploy to. */
  organizationalUnits: string[];
  regions: string[];
  template: TemplateFile;
  fleet: FleetParameters;
  /** SERVICE_MANAGED: whether the OUs' accounts that the file does not list get an instance with the defaults. */
  deployDefaultsToOtherAccounts: boolean;
  administrationRoleArn?: string;
  executionRoleName?: string;
  callAs?: CallAs;
  preferences: StackSetOperationPreferences;
}

const ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function missingFromFile(product: StackProduct, values: ParameterValues): string[] {
  return product.requiredFromFile.filter((p) => !values[p]);
}

export function parseStackSetInput(values: FlagValues): StackSetInput {
  const problems = missingRequired(STACKSET_DEPLOY, values);
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const product = values.vault === true ? VAULT_PRODUCT : values.recovery === true ? RECOVERY_PRODUCT : SOURCE_PRODUCT;
  if (values.vault === true && values.recovery === true) problems.push('--vault and --recovery name two different stacks: give one.');

  const stackSetName = text('stack-set-name');
  if (stackSetName) {
    const problem = stackNameProblem('stack-set-name', stackSetName);
    if (problem) problems.push(problem);
  }
  const region = text('region');
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  const model = text('permission-model') ?? 'SELF_MANAGED';
  if (model !== 'SELF_MANAGED' && model !== 'SERVICE_MANAGED') {
    problems.push(`--permission-model '${model}' must be SELF_MANAGED or SERVICE_MANAGED.`);
  }
  const permissionModel = model as PermissionModel;
  const regions = splitList(text('regions'));
  for (const r of regions) {
    const problem = regionProblem('--regions', r);
    if (problem) problems.push(problem);
  }

  let fleet: FleetParameters | undefined;
  const file = text('parameters-file');
  if (file) {
    const read = readParametersFile(file, product);
    problems.push(...read.problems);
    fleet = read.fleet;
  }

  let accounts = splitList(text('accounts'));
  const organizationalUnits = splitList(text('organizational-units'));
  for (const a of accounts) if (!ACCOUNT_ID.test(a)) problems.push(`--accounts '${a}' is not a 12-digit account id.`);
  for (const ou of organizationalUnits) {
    if (!ORGANIZATIONAL_UNIT_ID.test(ou)) problems.push(`--organizational-units '${ou}' is not an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx).`);
  }
  const selfOnly = (flag: string) => `--${flag} is for SELF_MANAGED stack sets only.`;
  if (permissionModel === 'SELF_MANAGED') {
    if (organizationalUnits.length > 0) problems.push(`--organizational-units needs --permission-model SERVICE_MANAGED; SELF_MANAGED stack sets deploy to --accounts.`);
    if (text('call-as') !== undefined) problems.push('--call-as is for SERVICE_MANAGED stack sets only.');
    if (accounts.length === 0 && fleet) {
      accounts = Object.keys(fleet.accounts);
      if (accounts.length === 0) problems.push('no accounts to deploy to: give --accounts, or list accounts in the parameters file.');
    }
  } else if (permissionModel === 'SERVICE_MANAGED') {
    if (accounts.length > 0) {
      problems.push('--accounts is for SELF_MANAGED stack sets; with SERVICE_MANAGED, give --organizational-units and list accounts in the parameters file for their own values.');
    }
    if (organizationalUnits.length === 0) problems.push('missing required flag --organizational-units (SERVICE_MANAGED stack sets deploy to organizational units).');
    if (text('administration-role-arn') !== undefined) problems.push(selfOnly('administration-role-arn'));
    if (text('execution-role-name') !== undefined) problems.push(selfOnly('execution-role-name'));
  }
  const adminRole = text('administration-role-arn');
  if (adminRole !== undefined && !ARN.test(adminRole)) problems.push(`--administration-role-arn '${adminRole}' is not an IAM role ARN.`);
  const callAs = text('call-as');
  if (callAs !== undefined && callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') {
    problems.push(`--call-as '${callAs}' must be SELF or DELEGATED_ADMIN.`);
  }

  const preferences: StackSetOperationPreferences = {};
  const both = (a: string, b: string) => text(a) !== undefined && text(b) !== undefined;
  if (both('max-concurrent-percentage', 'max-concurrent-count')) problems.push('give --max-concurrent-percentage or --max-concurrent-count, not both.');
  if (both('failure-tolerance-percentage', 'failure-tolerance-count')) problems.push('give --failure-tolerance-percentage or --failure-tolerance-count, not both.');
  const preference = (flag: string, key: keyof StackSetOperationPreferences, min: number, max: number) => {
    const raw = text(flag);
    if (raw === undefined) return;
    const parsed = integerFlag(flag, raw, min, max);
    if (parsed.problem) problems.push(parsed.problem);
    else (preferences as { [k: string]: number })[key] = parsed.value!;
  };
  preference('max-concurrent-percentage', 'MaxConcurrentPercentage', 1, 100);
  preference('max-concurrent-count', 'MaxConcurrentCount', 1, 10_000);
  preference('failure-tolerance-percentage', 'FailureTolerancePercentage', 0, 100);
  preference('failure-tolerance-count', 'FailureToleranceCount', 0, 10_000);

  const { template, problem: templateProblem } = loadTemplate(text('template') ?? product.defaultTemplate);
  if (templateProblem) problems.push(templateProblem);

  // Every instance must end up with a cluster, a key and a target Region that is not its own Region.
  let deployDefaultsToOtherAccounts = false;
  if (fleet) {
    const checkInstance = (who: string, values: ParameterValues) => {
      for (const missing of missingFromFile(product, values)) {
        problems.push(`${who} has no ${missing}: set it under "accounts" for that account, or under "defaults".`);
      }
      const target = product === SOURCE_PRODUCT ? values[PARAM.targetRegion] : undefined;
      if (target && regions.includes(target)) {
        problems.push(`${who}: TargetRegion ${target} is also in --regions; an instance there would copy into its own Region. Deploy to the clusters' Regions only.`);
      }
      problems.push(...product.instanceProblems(who, values, regions));
    };
    const listed = permissionModel === 'SERVICE_MANAGED' ? Object.keys(fleet.accounts) : accounts;
    for (const account of listed) checkInstance(`account ${account}`, instanceParameters(fleet, account, ''));
    if (permissionModel === 'SERVICE_MANAGED') {
      deployDefaultsToOtherAccounts = missingFromFile(product, fleet.defaults).length === 0;
      if (deployDefaultsToOtherAccounts) checkInstance('"defaults"', fleet.defaults);
      else if (listed.length === 0) {
        problems.push(
          'the parameters file lists no accounts and its defaults lack ' +
            `${missingFromFile(product, fleet.defaults).join(', ')}: no account of the OUs could get an instance.`,
        );
      }
    }
  }

  if (problems.length > 0 || !template || !fleet) throw new UsageError(problems, STACKSET_DEPLOY);
  return {
    product,
    stackSetName: stackSetName!,
    region,
    permissionModel,
    accounts,
    organizationalUnits,
    regions,
    template,
    fleet,
    deployDefaultsToOtherAccounts,
    administrationRoleArn: adminRole,
    executionRoleName: text('execution-role-name'),
    callAs: callAs as CallAs | undefined,
    preferences,
  };
}

const toParameters = (values: ParameterValues): Parameter[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

/**
 * The stack set's own values: the defaults, a placeholder for each required
 * parameter without a default, and the template default for any other
 * parameter some account sets (so that account may override it).
 */
export function stackSetParameters(input: StackSetInput): Parameter[] {
  const { product } = input;
  const values: ParameterValues = {
    ...(product.regionParameter ? { [product.regionParameter]: input.regions[0] } : {}),
    ...product.placeholders,
  };
  for (const accountValues of Object.values(input.fleet.accounts)) {
    for (const key of Object.keys(accountValues)) {
      values[key] = String(product.parameters[key].Default ?? product.placeholders[key] ?? '');
    }
  }
  Object.assign(values, input.fleet.defaults);
  return toParameters(values);
}

/** One CreateStackInstances or UpdateStackInstances call. */
export interface InstanceOperation {
  action: 'create' | 'update';
  /** For messages: `111111111111`, or `the other accounts of ou-…`. */
  who: string;
  region: string;
  accounts?: string[];
  deploymentTargets?: DeploymentTargets;
  overrides: ParameterValues;
}

/** The calls that bring every target to the file's values, given the instances that exist now. Pure. */
export function planInstanceOperations(input: StackSetInput, existing: StackInstanceSummary[]): InstanceOperation[] {
  const exists = (account: string, region: string) => existing.some((i) => i.Account === account && i.Region === region);
  const plan: InstanceOperation[] = [];
  for (const region of input.regions) {
    if (input.permissionModel === 'SELF_MANAGED') {
      for (const account of input.accounts) {
        plan.push({
          action: exists(account, region) ? 'update' : 'create',
          who: account,
          region,
          accounts: [account],
          overrides: instanceParameters(input.fleet, account, region, input.product),
        });
      }
      continue;
    }
    const listed = Object.keys(input.fleet.accounts);
    for (const account of listed) {
      plan.push({
        action: exists(account, region) ? 'update' : 'create',
        who: account,
        region,
        deploymentTargets: { OrganizationalUnitIds: input.organizationalUnits, Accounts: [account], AccountFilterType: 'INTERSECTION' },
        overrides: instanceParameters(input.fleet, account, region, input.product),
      });
    }
    if (input.deployDefaultsToOtherAccounts) {
      const others = existing.some((i) => i.Region === region && !listed.includes(i.Account ?? ''));
      plan.push({
        action: others ? 'update' : 'create',
        who: listed.length > 0 ? `the other accounts of ${input.organizationalUnits.join(', ')}` : `the accounts of ${input.organizationalUnits.join(', ')}`,
        region,
        deploymentTargets:
          listed.length > 0
            ? { OrganizationalUnitIds: input.organizationalUnits, Accounts: listed, AccountFilterType: 'DIFFERENCE' }
            : { OrganizationalUnitIds: input.organizationalUnits },
        overrides: instanceParameters(input.fleet, undefined, region, input.product),
      });
    }
  }
  return plan;
}

/** Operation statuses that end a wait, and instance result statuses that are final. */
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);
const RESULT_FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

class StackSetRun {
  private readonly cfn: CloudFormationClient;
  /** Operations submitted and not yet waited for, oldest first. */
  private readonly running: { id: string; label: string }[] = [];
  failedOperations = 0;

  constructor(
    private readonly input: StackSetInput,
    private readonly context: Context,
  ) {
    this.cfn = context.clients.cloudFormation(input.region);
  }

  private get callAs() {
    return this.input.callAs ? { CallAs: this.input.callAs } : {};
  }

  /** The stack set's current template, or undefined when there is no such stack set. */
  async existingTemplate(): Promise<string | undefined> {
    try {
      const { StackSet } = await this.cfn.send(new DescribeStackSetCommand({ StackSetName: this.input.stackSetName, ...this.callAs }));
      return StackSet?.TemplateBody ?? '';
    } catch (error) {
      if (awsErrorName(error) === 'StackSetNotFoundException') return undefined;
      throw error;
    }
  }

  async createStackSet(): Promise<void> {
    const { input } = this;
    await this.cfn.send(
      new CreateStackSetCommand({
        StackSetName: input.stackSetName,
        Description: 'Aurora cross-Region snapshot DR (aurora-snapshot-dr)',
        TemplateBody: input.template.body,
        Parameters: stackSetParameters(input),
        Capabilities: ['CAPABILITY_IAM'],
        PermissionModel: input.permissionModel,
        AdministrationRoleARN: input.administrationRoleArn,
        ExecutionRoleName: input.executionRoleName,
        // New accounts of an OU would get the defaults only, without their own cluster: they are added by a run of this command.
        AutoDeployment: input.permissionModel === 'SERVICE_MANAGED' ? { Enabled: false } : undefined,
        // Lets CloudFormation run the per-account operations concurrently instead of refusing the second one.
        ManagedExecution: { Active: true },
        ...this.callAs,
      }),
    );
  }

  /** Submit an operation; when another one is running and the stack set cannot queue, wait for it and try again. */
  private async submit(label: string, send: () => Promise<{ OperationId?: string }>): Promise<void> {
    for (;;) {
      try {
        const { OperationId } = await send();
        this.context.output.out(`${label}: operation ${OperationId}`);
        this.running.push({ id: OperationId!, label });
        return;
      } catch (error) {
        if (awsErrorName(error) !== 'OperationInProgressException') throw error;
        const oldest = this.running.shift();
        if (oldest) await this.waitFor(oldest);
        else await this.context.sleep(this.context.pollIntervalMs);
      }
    }
  }

  async updateStackSet(): Promise<void> {
    const { input } = this;
    await this.submit(`Update stack set ${input.stackSetName} (template and values of every instance)`, () =>
      this.cfn.send(
        new UpdateStackSetCommand({
          StackSetName: input.stackSetName,
          TemplateBody: input.template.body,
          Parameters: stackSetParameters(input),
          Capabilities: ['CAPABILITY_IAM'],
          AdministrationRoleARN: input.administrationRoleArn,
          ExecutionRoleName: input.executionRoleName,
          OperationPreferences: input.preferences,
          ...this.callAs,
        }),
      ),
    );
  }

  async instances(): Promise<StackInstanceSummary[]> {
    const all: StackInstanceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await this.cfn.send(
        new ListStackInstancesCommand({ StackSetName: this.input.stackSetName, NextToken: token, ...this.callAs }),
      );
      all.push(...(page.Summaries ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  }

  async run(operation: InstanceOperation): Promise<void> {
    const common = {
      StackSetName: this.input.stackSetName,
      Regions: [operation.region],
      Accounts: operation.accounts,
      DeploymentTargets: operation.deploymentTargets,
      ParameterOverrides: toParameters(operation.overrides),
      OperationPreferences: this.input.preferences,
      ...this.callAs,
    };
    const verb = operation.action === 'create' ? 'Create' : 'Update';
    await this.submit(`${verb} instance ${operation.who} in ${operation.region}`, () =>
      this.cfn.send(operation.action === 'create' ? new CreateStackInstancesCommand(common) : new UpdateStackInstancesCommand(common)),
    );
  }

  /** Poll until the operation ends, printing each instance as it finishes. */
  private async waitFor(operation: { id: string; label: string }): Promise<void> {
    const { out } = this.context.output;
    const reported = new Set<string>();
    let lastStatus = '';
    for (;;) {
      const { StackSetOperation: op } = await this.cfn.send(
        new DescribeStackSetOperationCommand({ StackSetName: this.input.stackSetName, OperationId: operation.id, ...this.callAs }),
      );
      const status = op?.Status ?? 'UNKNOWN';
      const results = await this.cfn.send(
        new ListStackSetOperationResultsCommand({ StackSetName: this.input.stackSetName, OperationId: operation.id, ...this.callAs }),
      );
      for (const result of results.Summaries ?? []) {
        const key = `${result.Account}/${result.Region}`;
        if (reported.has(key) || !RESULT_FINISHED.has(result.Status ?? '')) continue;
        reported.add(key);
        const reason = result.StatusReason ? `  ${result.StatusReason}` : '';
        out(`  ${result.Account} ${result.Region} ${result.Status}${reason}`);
      }
      if (status !== lastStatus && !FINISHED.has(status)) out(`  ${operation.id}: ${status}`);
      lastStatus = status;
      if (FINISHED.has(status)) {
        // Each instance already has its line; the operation's own line matters when it failed or touched none.
        if (status !== 'SUCCEEDED' || reported.size === 0) {
          const reason = op?.StatusReason ? `: ${op.StatusReason}` : '';
          out(`  ${operation.label}: ${status}${reason}`);
        }
        if (status !== 'SUCCEEDED') this.failedOperations++;
        return;
      }
      await this.context.sleep(this.context.pollIntervalMs);
    }
  }

  async waitForAll(): Promise<void> {
    for (let next = this.running.shift(); next; next = this.running.shift()) await this.waitFor(next);
  }
}

/** The final table: every instance of the stack set, not only those this run touched. */
export function instanceTable(instances: StackInstanceSummary[]): string[] {
  const rows = [...instances]
    .sort((a, b) => `${a.Account}${a.Region}`.localeCompare(`${b.Account}${b.Region}`))
    .map((i) => [i.Account ?? '', i.Region ?? '', i.Status ?? '', i.StackInstanceStatus?.DetailedStatus ?? '', i.StatusReason ?? '']);
  return table(['ACCOUNT', 'REGION', 'STATUS', 'DETAILED STATUS', 'REASON'], rows);
}

export const healthy = (instance: StackInstanceSummary) =>
  instance.Status === 'CURRENT' && (instance.StackInstanceStatus?.DetailedStatus ?? 'SUCCEEDED') === 'SUCCEEDED';

export async function stackSetDeploy(input: StackSetInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const run = new StackSetRun(input, context);
  const bytes = Buffer.byteLength(input.template.body).toLocaleString('en-US');
  const existingTemplate = await run.existingTemplate();
  if (existingTemplate !== undefined) {
    const where = input.region ? ` in ${input.region}` : '';
    const takeover = takeoverProblem(`Stack set ${input.stackSetName}${where}`, existingTemplate, input.template, '--stack-set-name');
    if (takeover) {
      for (const line of takeover) err(line);
      return EXIT.failed;
    }
    out(`Stack set ${input.stackSetName} exists: updating it from ${displayPath(input.template.path)} (${bytes} bytes).`);
    await run.updateStackSet();
  } else {
    out(`Creating stack set ${input.stackSetName} (${input.permissionModel}) from ${displayPath(input.template.path)} (${bytes} bytes).`);
    await run.createStackSet();
  }
  if (input.permissionModel === 'SERVICE_MANAGED' && !input.deployDefaultsToOtherAccounts) {
    out(`Only the accounts of the parameters file get an instance: its defaults do not name ${missingFromFile(input.product, input.fleet.defaults).join(', ')}.`);
  }
  const before = await run.instances();
  const where = input.region ? ` --region ${input.region}` : '';
  context.setInterruptAdvice([
    'The stack set operations already started go on in CloudFormation. Follow them with:',
    `  aws cloudformation list-stack-set-operations --stack-set-name ${input.stackSetName}${where}`,
    `  aws cloudformation list-stack-instances --stack-set-name ${input.stackSetName}${where}`,
  ]);
  try {
    for (const operation of planInstanceOperations(input, before)) await run.run(operation);
    await run.waitForAll();
  } finally {
    context.setInterruptAdvice(undefined);
  }

  const instances = await run.instances();
  out('');
  for (const line of instanceTable(instances)) out(line);
  if (instances.length === 0) {
    err('');
    err('The stack set has no instances: no account of the targets was deployed to. Check --accounts or --organizational-units and the accounts of the parameters file.');
    return EXIT.failed;
  }
  const unhealthy = instances.filter((i) => !healthy(i));
  if (unhealthy.length > 0 || run.failedOperations > 0) {
    err('');
    err(
      `${unhealthy.length} of ${instances.length} instances are not CURRENT/SUCCEEDED` +
        (run.failedOperations > 0 ? `; ${run.failedOperations} operation(s) did not succeed` : '') +
        '. The reason column comes from CloudFormation; the stack events of a failed instance (in its account and Region) name the failing resource.',
    );
    return EXIT.failed;
  }
  out('');
  out(`All ${instances.length} instances are CURRENT.`);
  return EXIT.ok;
}
