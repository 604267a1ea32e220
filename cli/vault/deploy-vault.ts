/**
 * `deploy-vault`: the vault stack (docs/vault.md) in one command, created or
 * updated exactly as `deploy` does it. The values are checked first as the
 * template and the vault's preflight check them (the rules of
 * custom-resource/vault/rules.ts), so a bad list or a quota overrun is told
 * before any AWS call.
 */
import { FlagValues, missingRequired, UsageError } from '../shared/args';
import { DEPLOY_VAULT } from '../shared/commands';
import { Context } from '../shared/context';
import { deploy, DeployInput } from '../shared/deploy';
import { loadTemplate, regionProblem, stackNameProblem } from '../shared/validate';
import { VAULT_PRODUCT } from '../shared/stack-products';
import { VAULT_PARAM } from '../../custom-resource/vault/contract';
import { checkVaultParameters } from '../../custom-resource/vault/rules';
import { VAULT_DEFAULTS } from '../../generator/vault/parameters';

export const DEFAULT_VAULT_STACK_NAME = 'aurora-snapshot-dr-vault';

/** Flags that set a vault stack parameter. */
const PARAMETER_FLAGS: [string, string][] = [
  ['kms-key', VAULT_PARAM.kmsKey],
  ['protected-clusters', VAULT_PARAM.protectedClusters],
  ['retention-days', VAULT_PARAM.retention],
  ['minimum-copies', VAULT_PARAM.minimumCopies],
  ['schedule', VAULT_PARAM.schedule],
  ['alert-email', VAULT_PARAM.alertEmail],
];

export function parseDeployVaultInput(values: FlagValues): DeployInput {
  const problems = missingRequired(DEPLOY_VAULT, values);
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const region = text('region');
  if (region !== undefined) {
    const problem = regionProblem('--region', region);
    if (problem) problems.push(problem);
  }
  const stackName = text('stack-name') ?? DEFAULT_VAULT_STACK_NAME;
  const nameProblem = stackNameProblem('stack-name', stackName);
  if (nameProblem) problems.push(nameProblem);
  const parameters: { [name: string]: string } = {};
  for (const [flag, parameter] of PARAMETER_FLAGS) {
    const value = text(flag);
    if (value === undefined) continue;
    const problem = VAULT_PRODUCT.parameterProblem(`--${flag}`, parameter, value);
    if (problem) problems.push(problem);
    else parameters[parameter] = value;
  }
  // The preflight's own rules, where they need no AWS call (the vault's account is not known yet).
  if (problems.length === 0) {
    const value = (parameter: string, fallback: string | number) => parameters[parameter] ?? String(fallback);
    problems.push(
      ...checkVaultParameters({
        VaultKmsKey: parameters[VAULT_PARAM.kmsKey],
        ProtectedClusters: parameters[VAULT_PARAM.protectedClusters],
        RetentionDays: value(VAULT_PARAM.retention, VAULT_DEFAULTS.retentionDays),
        MinimumCopiesPerCluster: value(VAULT_PARAM.minimumCopies, VAULT_DEFAULTS.minimumCopies),
        ScheduleExpression: value(VAULT_PARAM.schedule, VAULT_DEFAULTS.schedule),
        MaxCopyAgeHours: String(VAULT_DEFAULTS.maxCopyAgeHours),
        StackRegion: region ?? '',
        StackAccount: '',
      }),
    );
  }
  const { template, problem } = loadTemplate(text('template') ?? VAULT_PRODUCT.defaultTemplate);
  if (problem) problems.push(problem);
  if (problems.length > 0 || !template) throw new UsageError(problems, DEPLOY_VAULT);
  return {
    stackName,
    region: region!,
    parameters,
    template,
    replaceFailed: values['replace-failed'] === true,
    wait: values['no-wait'] !== true,
  };
}

export const deployVault = (input: DeployInput, context: Context): Promise<number> => deploy(input, context);
