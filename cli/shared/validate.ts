/**
 * Input checks that run before any AWS call. Each returns problems as
 * sentences that name the flag, the value and the fix; the commands collect
 * them all and refuse to start when there is any. Value rules come from the
 * template's own parameter definitions, so the CLI refuses exactly what
 * CloudFormation would refuse, only sooner.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parameters, PARAM } from '../../generator/dr/parameters';
import { TEMPLATE_BASENAME, TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/main';
import { loadCfnYaml } from '../../generator/shared/serialize';
import { REGION_PATTERN } from '../../custom-resource/dr/contract';
import { regionPairProblem } from '../../custom-resource/shared/partitions';
import { scheduleProblem } from '../../custom-resource/shared/schedule';

export const DEFAULT_TEMPLATE = path.join(__dirname, '..', '..', 'templates', `${TEMPLATE_BASENAME}.yaml`);

const REGION = new RegExp(REGION_PATTERN);

/** A problem with one Region value, or undefined. `label` is how the user wrote it: `--source-region`, `TargetRegion in accounts.1111…`. */
export function regionProblem(label: string, value: string): string | undefined {
  if (value.trim() !== value || value === '') return `${label} '${value}' must be a Region code such as us-east-1, with no spaces.`;
  if (value !== value.toLowerCase() && REGION.test(value.toLowerCase())) {
    return `${label} '${value}' must be lowercase: use ${value.toLowerCase()}.`;
  }
  if (!REGION.test(value)) return `${label} '${value}' is not a Region code; expected a code such as us-east-1 or eu-west-2.`;
  return undefined;
}

/**
 * A problem with a value for a template parameter, checked against the
 * template's AllowedPattern, MinValue and MaxValue and explained with its
 * ConstraintDescription.
 */
export function parameterProblem(label: string, parameter: string, value: string): string | undefined {
  const definition = parameters[parameter];
  if (!definition) return `${label}: unknown parameter ${parameter}.`;
  if (parameter === PARAM.sourceRegion || parameter === PARAM.targetRegion) return regionProblem(label, value);
  if (parameter === PARAM.schedule) return scheduleFlagProblem(label, value);
  if (parameter === PARAM.cluster) {
    const problem = clusterIdentifierProblem(label, value);
    if (problem) return problem;
  }
  if (definition.Type === 'Number') {
    const number = Number(value);
    const inRange =
      /^\d+$/.test(value) &&
      (definition.MinValue === undefined || number >= definition.MinValue) &&
      (definition.MaxValue === undefined || number <= definition.MaxValue);
    return inRange ? undefined : `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  const tooLong = definition.MaxLength !== undefined && value.length > definition.MaxLength;
  const tooShort = definition.MinLength !== undefined && value.length < definition.MinLength;
  if (tooLong) return `${label} '${value}' is ${value.length} characters long; ${parameter} takes at most ${definition.MaxLength}.`;
  if (tooShort || (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value))) {
    return `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  return undefined;
}

/** A schedule expression by EventBridge's rule, the one both preflights apply (custom-resource/shared/schedule.ts). */
export function scheduleFlagProblem(label: string, value: string): string | undefined {
  const fix = scheduleProblem(value);
  return fix ? `${label} '${value}' ${fix}.` : undefined;
}

/** An RDS cluster ARN: arn:PARTITION:rds:REGION:ACCOUNT:cluster:IDENTIFIER. */
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]*:\d{12}:cluster:(.+)$/;

/** The cluster identifier given as an ARN, or in capitals, gets its own hint; the rest is the template's rule. */
export function clusterIdentifierProblem(label: string, value: string): string | undefined {
  const arn = CLUSTER_ARN.exec(value);
  if (arn) return `${label} takes the cluster identifier, not its ARN: use ${arn[1]}.`;
  const definition = parameters[PARAM.cluster];
  if (value !== value.toLowerCase() && value.length <= definition.MaxLength! && new RegExp(definition.AllowedPattern!).test(value)) {
    return `${label} '${value}' must be lowercase, as RDS stores cluster identifiers: use ${value.toLowerCase()}.`;
  }
  return undefined;
}

/** A KMS key or alias ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/... or :alias/... */
const KMS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):\d{12}:(key|alias)\/.+$/;

/**
 * A KMS key or alias ARN names its Region; a copy can only be encrypted with a
 * key of the target Region. A key id or alias name is looked up in the target
 * Region by the preflight, so only an ARN can be refused here.
 */
export function kmsKeyRegionProblem(keyLabel: string, key: string, targetLabel: string, target: string): string | undefined {
  const arn = KMS_ARN.exec(key);
  if (!arn || !target || arn[2] === target) return undefined;
  const kind = arn[3] === 'alias' ? 'an alias' : 'a key';
  return (
    `${keyLabel} '${key}' is ${kind} in ${arn[2]}, but the copies are encrypted in ${targetLabel} ${target}: ` +
    `give a key of ${target} (its ARN, or an alias name such as alias/dr-snapshots that exists there).`
  );
}

/**
 * Why Aurora cannot copy from `source` to `target` (China, another partition,
 * a one-Region partition): the preflight's own rule, from custom-resource/shared/partitions.ts.
 */
export function copyRegionsProblem(label: string, source: string, target: string): string | undefined {
  if (!source || !target || source === target) return undefined;
  const problem = regionPairProblem(source, target);
  return problem ? `${label}: ${problem}.` : undefined;
}

/** Source and target Region must differ: a copy into the cluster's own Region is no disaster recovery. */
export function sameRegionProblem(sourceLabel: string, source: string, targetLabel: string, target: string): string | undefined {
  return source && source === target
    ? `${targetLabel} '${target}' is the same as ${sourceLabel}: the copies must go to a different Region.`
    : undefined;
}

/** A whole number in [min, max], or a problem. */
export function integerFlag(flag: string, raw: string, min: number, max: number): { value?: number; problem?: string } {
  if (!/^\d+$/.test(raw) || +raw < min || +raw > max) {
    return { problem: `--${flag} '${raw}' must be a whole number from ${min} to ${max}.` };
  }
  return { value: +raw };
}

export interface TemplateFile {
  path: string;
  body: string;
}

/** The template's bytes must fit TemplateBody; a bigger one would fail at CloudFormation with a less helpful message. */
export function templateSizeProblem(file: string, body: string): string | undefined {
  const bytes = Buffer.byteLength(body);
  if (bytes <= TEMPLATE_BODY_LIMIT_BYTES) return undefined;
  return (
    `--template ${file} is ${bytes.toLocaleString('en-US')} bytes; CloudFormation takes at most ` +
    `${TEMPLATE_BODY_LIMIT_BYTES.toLocaleString('en-US')} bytes as TemplateBody. Use the generated template ` +
    `(make template writes one under the limit) or shrink yours.`
  );
}


/**
 * Whether the text is a CloudFormation template at all: JSON or YAML whose
 * top level is a mapping with a Resources mapping (the one section every
 * template has). Catches a parameters file or a document passed as --template.
 */
export function templateFormatProblem(file: string, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = body.trimStart().startsWith('{') ? JSON.parse(body) : loadCfnYaml(body);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return `--template ${file} is not a CloudFormation template: it is neither JSON nor YAML (${reason}).`;
  }
  const isMapping = (value: unknown): value is { [key: string]: unknown } =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMapping(parsed) || !isMapping(parsed.Resources)) {
    return `--template ${file} is not a CloudFormation template: it has no Resources section. Use the generated template (templates/${TEMPLATE_BASENAME}.yaml).`;
  }
  const version = parsed.AWSTemplateFormatVersion;
  if (version !== undefined && String(version) !== '2010-09-09' && !(version instanceof Date)) {
    return `--template ${file}: AWSTemplateFormatVersion '${String(version)}' is not one CloudFormation knows; the only one is '2010-09-09'.`;
  }
  return undefined;
}

/** Read the template and check its size and form; problems are returned, not thrown, so they join the others. */
export function loadTemplate(file: string | undefined): { template?: TemplateFile; problem?: string } {
  const resolved = file ?? DEFAULT_TEMPLATE;
  let body: string;
  try {
    body = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { problem: `cannot read --template ${displayPath(resolved)}: ${reason}.` };
  }
  const problem = templateSizeProblem(displayPath(resolved), body) ?? templateFormatProblem(displayPath(resolved), body);
  return problem ? { problem } : { template: { path: resolved, body } };
}

/** Split a comma-separated flag value; empty items are dropped, duplicates kept once. */
export function splitList(raw: string | undefined): string[] {
  if (!raw) return [];
  return [...new Set(raw.split(',').map((item) => item.trim()).filter(Boolean))];
}

export const ACCOUNT_ID = /^\d{12}$/;
export const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
/** CloudFormation's own rule for stack and stack set names. */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

export function stackNameProblem(flag: string, value: string): string | undefined {
  if (value.length > 128) return `--${flag} '${value}' is ${value.length} characters long; a stack name takes at most 128.`;
  return STACK_NAME.test(value)
    ? undefined
    : `--${flag} '${value}' must start with a letter and contain only letters, digits and hyphens (at most 128 characters).`;
}

/**
 * A file as the user would type it from where they stand: relative to the
 * working directory when the two share a directory below the root
 * (`templates/x.yaml`, `../templates/x.yaml`), absolute when the relative
 * path would climb to the root (a package installed elsewhere).
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '' || path.isAbsolute(relative)) return absolute;
  const climbs = relative.split(path.sep).filter((part) => part === '..').length;
  const depth = path.resolve(cwd).split(path.sep).filter(Boolean).length;
  return climbs < depth ? relative : absolute;
}
