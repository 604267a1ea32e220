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
import { copyRegionsProblem, DEFAULT_TEMPLATE, displayPath, kmsKeyRegionProblem, parameterProblem, scheduleFlagProblem, TemplateFile } from './validate';
import { PROGRAM } from './commands';
import { loadCfnYaml } from '../../generator/shared/serialize';
import { PREFLIGHT_RESOURCE_TYPE } from '../../custom-resource/dr/contract';
import { RECOVERY_PREFLIGHT_RESOURCE_TYPE } from '../../custom-resource/recovery/contract';
import { vaultParameters } from '../../generator/vault/parameters';
import { VAULT_PARAM, VAULT_PREFLIGHT_RESOURCE_TYPE } from '../../custom-resource/vault/contract';

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
  /**
   * What the stack protects and where: changing one of these on an existing
   * stack repoints it (CloudFormation replaces what is named from them), so
   * `deploy` asks for --allow-repoint first.
   */
  repointParameters: string[];
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
  repointParameters: [PARAM.cluster, PARAM.targetRegion, PARAM.kmsKey],
};

/** A value the recovery template would refuse, explained with its ConstraintDescription. */
export function recoveryParameterProblem(label: string, parameter: string, value: string): string | undefined {
  const definition = recoveryParameters[parameter];
  if (!definition) return `${label}: unknown parameter ${parameter}.`;
  // Empty turns drills off; the template's pattern takes it.
  const schedule = [RECOVERY_PARAM.drillSchedule, RECOVERY_PARAM.sourceSchedule].includes(parameter as 'DrillScheduleExpression') && value !== '';
  if (schedule) return scheduleFlagProblem(label, value);
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
  repointParameters: [RECOVERY_PARAM.cluster, RECOVERY_PARAM.sourceStackId, RECOVERY_PARAM.kmsKey],
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
  // The vault protects copies of many clusters; what it lists is changed by parameter, not repointed.
  repointParameters: [VAULT_PARAM.kmsKey],
  instanceProblems: (who, values, regions) =>
    regions
      .map((region) => kmsKeyRegionProblem(`${who}: VaultKmsKey`, values[VAULT_PARAM.kmsKey] ?? '', '--regions', region))
      .filter((problem): problem is string => problem !== undefined),
};

/**
 * Every template of this product carries one preflight custom resource named
 * Custom::AuroraSnapshotDr<Kind>Preflight: none for the DR stack
 * (custom-resource/dr/contract.ts), Recovery for the recovery stack, and so
 * on for any stack to come (a vault's Custom::AuroraSnapshotDrVaultPreflight
 * is "the vault stack"). The CLI tells a stack or stack set of this product,
 * and which of its kinds, from its template by that type: no marker is added
 * to the templates, and the rule holds for kinds the CLI does not know yet.
 */
const PREFLIGHT_TYPE = /^Custom::AuroraSnapshotDr([A-Za-z]*)Preflight$/;

export interface TemplateIdentity {
  /** `the DR stack`, `the recovery stack`, `the vault stack`; undefined: not this product's template. */
  kind?: string;
  /** The product of that kind, when this CLI knows it. */
  product?: StackProduct;
  /** The resource types the template declares, for messages about a stack that is not this product's. */
  resourceTypes: string[];
}

const KNOWN_PRODUCTS: { [preflightType: string]: StackProduct } = {
  [PREFLIGHT_RESOURCE_TYPE]: SOURCE_PRODUCT,
  [RECOVERY_PREFLIGHT_RESOURCE_TYPE]: RECOVERY_PRODUCT,
  [VAULT_PREFLIGHT_RESOURCE_TYPE]: VAULT_PRODUCT,
};

/** Which stack of this product a template (JSON or YAML text) is, by its preflight resource type. */
export function templateIdentity(body: string): TemplateIdentity {
  let resources: { [name: string]: { Type?: unknown } } = {};
  try {
    const parsed = (body.trimStart().startsWith('{') ? JSON.parse(body) : loadCfnYaml(body)) as { Resources?: typeof resources };
    resources = parsed?.Resources ?? {};
  } catch {
    // Not a template we can read: no kind.
  }
  const resourceTypes = [...new Set(Object.values(resources).map((r) => String(r?.Type)))].sort();
  const preflight = resourceTypes.find((type) => PREFLIGHT_TYPE.test(type));
  if (!preflight) return { resourceTypes };
  const kind = PREFLIGHT_TYPE.exec(preflight)![1].toLowerCase() || 'DR';
  return { kind: `the ${kind} stack`, product: KNOWN_PRODUCTS[preflight], resourceTypes };
}

/**
 * Why a deploy must not touch an existing stack or stack set (`subject`), from
 * its template: it is not this product's, or is another of its kinds (a DR
 * stack under the recovery template, or the reverse). Deploying over it would
 * make CloudFormation delete what it holds. `nameFlag` is how the user names it.
 */
export function takeoverProblem(subject: string, existingBody: string, template: TemplateFile, nameFlag: string): string[] | undefined {
  const there = templateIdentity(existingBody);
  const given = templateIdentity(template.body);
  if (there.kind && there.kind === given.kind) return undefined;
  const nothing = `Nothing was changed. Give another ${nameFlag}, or delete it first if it is really meant to go.`;
  if (!there.kind) {
    return [
      `${subject} is not an ${PROGRAM} stack: its template has no Custom::AuroraSnapshotDr...Preflight resource (it holds ${there.resourceTypes.join(', ') || 'no resources'}).`,
      `Deploying over it would make CloudFormation delete what it holds. ${nothing}`,
    ];
  }
  return [
    `${subject} is ${there.kind}, and ${displayPath(template.path)} is ${given.kind ? `the template of ${given.kind}` : `not an ${PROGRAM} template`}.`,
    `Deploying one over the other would make CloudFormation delete the resources of ${there.kind}. ${nothing}`,
  ];
}
