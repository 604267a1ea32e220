/**
 * Input checks that run before any AWS call. Each returns problems as
 * sentences that name the flag, the value and the fix; the commands collect
 * them all and refuse to start when there is any. Value rules come from the
 * template's own parameter definitions, so the CLI refuses exactly what
 * CloudFormation would refuse, only sooner.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parameters, PARAM } from '../generator/parameters';
import { TEMPLATE_BASENAME, TEMPLATE_BODY_LIMIT_BYTES } from '../generator/main';
import { REGION_PATTERN } from '../custom-resource/contract';

export const DEFAULT_TEMPLATE = path.join(__dirname, '..', 'templates', `${TEMPLATE_BASENAME}.yaml`);

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
  if (parameter === PARAM.cluster && value !== value.toLowerCase() && new RegExp(definition.AllowedPattern!).test(value)) {
    return `${label} '${value}' must be lowercase, as RDS stores cluster identifiers: use ${value.toLowerCase()}.`;
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
  if (tooLong || tooShort || (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value))) {
    return `${label} '${value}' ${definition.ConstraintDescription}`;
  }
  return undefined;
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

/** Read the template and check its size; problems are returned, not thrown, so they join the others. */
export function loadTemplate(file: string | undefined): { template?: TemplateFile; problem?: string } {
  const resolved = file ?? DEFAULT_TEMPLATE;
  let body: string;
  try {
    body = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { problem: `cannot read --template ${resolved}: ${reason}.` };
  }
  const problem = templateSizeProblem(resolved, body);
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
  return STACK_NAME.test(value)
    ? undefined
    : `--${flag} '${value}' must start with a letter and contain only letters, digits and hyphens (at most 128 characters).`;
}
