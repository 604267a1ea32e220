/**
 * The templates the CLI deploys, described by what differs for it: the
 * default file, the parameter table values are checked against, which
 * parameter (if any) is each stack instance's own Region, and what a stack
 * set's instances must all be given. `stackset deploy` works on each.
 */
import * as path from 'path';
import { CfnParameter } from '../../generator/shared/cfn';
import { RECOVERY_TEMPLATE_BASENAME, VAULT_TEMPLATE_BASENAME } from '../../generator/main';
import { parameters, PARAM } from '../../generator/dr/parameters';
import { recoveryParameters } from '../../generator/recovery/parameters';
import { RECOVERY_PARAM } from '../../custom-resource/recovery/contract';
import { vaultParameters } from '../../generator/vault/parameters';
import { VAULT_PARAM } from '../../custom-resource/vault/contract';
import { copyRegionsProblem, DEFAULT_TEMPLATE, kmsKeyRegionProblem, parameterProblem } from './validate';

export interface StackProduct {
  /** For messages: "the DR stack", "the recovery stack". */
  title: string;
  defaultTemplate: string;
  parameters: { [name: string]: CfnParameter };
  /** The parameter every stack instance gets from its own Region, never from a file. */
  regionParameter?: string;
  /** Parameters every stack instance must end up with from the parameters file. */
  requiredFromFile: string[];
  /** Stack set values of required parameters that every instance overrides; each passes the template's constraints. */
  placeholders: { [name: string]: string };
  /** A value the template would refuse, explained; `label` is how the user wrote it. */
  parameterProblem(label: string, parameter: string, value: string): string | undefined;
  /**
   * What cannot work for one instance's values in any of the Regions it may be
   * deployed in, before any AWS call. `who` names the values in the file:
   * `account 111111111111`, `"defaults"`.
   */
  instanceProblems(who: string, values: { [parameter: string]: string }, regions: string[]): string[];
}

/**
 * The DR stack: a KMS key ARN must be of the instance's TargetRegion (the copies
 * are encrypted there), and each Region it is deployed in (its SourceRegion)
 * must be able to copy to that TargetRegion.
 */
function sourceInstanceProblems(who: string, values: { [parameter: string]: string }, regions: string[]): string[] {
  const target = values[PARAM.targetRegion];
  return [
    kmsKeyRegionProblem(`${who}: KMSTargetKey`, values[PARAM.kmsKey] ?? '', 'TargetRegion', target),
    ...regions.map((source) => copyRegionsProblem(`${who} in --regions ${source}`, source, target)),
  ].filter((problem): problem is string => problem !== undefined);
}

/**
 * The recovery stack lives where the copies are: a KMS key ARN must be of the
 * Region it is deployed in, and the source stack's Region must be able to copy there.
 */
function recoveryInstanceProblems(who: string, values: { [parameter: string]: string }, regions: string[]): string[] {
  const sourceRegion = (values[RECOVERY_PARAM.sourceStackId] ?? '').split(':')[3] ?? '';
  return regions.flatMap((region) =>
    [
      kmsKeyRegionProblem(`${who}: KMSTargetKey`, values[RECOVERY_PARAM.kmsKey] ?? '', '--regions', region),
      copyRegionsProblem(`${who}: SourceStackId of ${sourceRegion}, deployed in --regions ${region}`, sourceRegion, region),
    ].filter((problem): problem is string => problem !== undefined),
  );
}

export const SOURCE_PRODUCT: StackProduct = {
  title: 'the DR stack',
  defaultTemplate: DEFAULT_TEMPLATE,
  parameters,
  regionParameter: PARAM.sourceRegion,
  requiredFromFile: [PARAM.cluster, PARAM.kmsKey, PARAM.targetRegion],
  placeholders: {
    [PARAM.cluster]: 'set-per-account',
    [PARAM.kmsKey]: 'alias/set-per-account',
    [PARAM.targetRegion]: 'us-west-2',
  },
  parameterProblem,
  instanceProblems: sourceInstanceProblems,
};

/** A value the recovery template would refuse, explained with its ConstraintDescription. */
export function recoveryParameterProblem(label: string, parameter: string, value: string): string | undefined {
  const definition = recoveryParameters[parameter];
  if (!definition) return `${label}: unknown parameter ${parameter}.`;
  if (definition.Type === 'Number') {
    const ok = /^\d+$/.test(value) && (definition.MinValue ?? 0) <= +value && +value <= (definition.MaxValue ?? Infinity);
    return ok ? undefined : `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  if (definition.AllowedValues && !definition.AllowedValues.includes(value)) {
    return `${label} '${value}' must be one of ${definition.AllowedValues.join(', ')}.`;
  }
  if (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value)) {
    return `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  return undefined;
}

export const RECOVERY_PRODUCT: StackProduct = {
  title: 'the recovery stack',
  defaultTemplate: path.join(__dirname, '..', '..', 'templates', `${RECOVERY_TEMPLATE_BASENAME}.yaml`),
  parameters: recoveryParameters,
  requiredFromFile: [
    RECOVERY_PARAM.sourceStackId,
    RECOVERY_PARAM.cluster,
    RECOVERY_PARAM.kmsKey,
    RECOVERY_PARAM.subnetGroup,
    RECOVERY_PARAM.securityGroups,
  ],
  placeholders: {
    [RECOVERY_PARAM.sourceStackId]: 'arn:aws:cloudformation:us-east-1:000000000000:stack/set-per-account/00000000-0000-0000-0000-000000000000',
    [RECOVERY_PARAM.cluster]: 'set-per-account',
    [RECOVERY_PARAM.kmsKey]: 'alias/set-per-account',
    [RECOVERY_PARAM.subnetGroup]: 'set-per-account',
    [RECOVERY_PARAM.securityGroups]: 'sg-00000000',
  },
  parameterProblem: recoveryParameterProblem,
  instanceProblems: recoveryInstanceProblems,
};

/** A value a template's parameter `definition` would refuse, explained with its ConstraintDescription. */
export function templateParameterProblem(
  definitions: { [name: string]: CfnParameter },
  label: string,
  parameter: string,
  value: string,
): string | undefined {
  const definition = definitions[parameter];
  if (!definition) return `${label}: unknown parameter ${parameter}.`;
  if (definition.Type === 'Number') {
    const ok = /^\d+$/.test(value) && (definition.MinValue ?? 0) <= +value && +value <= (definition.MaxValue ?? Infinity);
    return ok ? undefined : `${label} '${value}' must be a whole number from ${definition.MinValue ?? 0} to ${definition.MaxValue}.`;
  }
  if (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value)) {
    return `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  return undefined;
}

/** The vault stack (docs/vault.md): one per vault account, in the DR Region; its key must be of that Region. */
export const VAULT_PRODUCT: StackProduct = {
  title: 'the vault stack',
  defaultTemplate: path.join(__dirname, '..', '..', 'templates', `${VAULT_TEMPLATE_BASENAME}.yaml`),
  parameters: vaultParameters,
  requiredFromFile: [VAULT_PARAM.kmsKey, VAULT_PARAM.protectedClusters],
  placeholders: {
    [VAULT_PARAM.kmsKey]: 'alias/set-per-account',
    [VAULT_PARAM.protectedClusters]: '000000000000:set-per-account',
  },
  parameterProblem: (label, parameter, value) => templateParameterProblem(vaultParameters, label, parameter, value),
  instanceProblems: (who, values, regions) =>
    regions
      .map((region) => kmsKeyRegionProblem(`${who}: VaultKmsKey`, values[VAULT_PARAM.kmsKey] ?? '', '--regions', region))
      .filter((problem): problem is string => problem !== undefined),
};
