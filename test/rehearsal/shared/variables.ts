/**
 * `{{ name }}` substitution in step inputs, as Automation does it: a string
 * that is exactly one reference takes the referenced value with its type (a
 * Boolean output stays a Boolean); a reference inside a longer string is
 * rendered as text. A name that is not a parameter, a step output or one of
 * the automation:/global: variables is an error, never left in place.
 */

const REFERENCE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}$/;

export class VariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableError';
  }
}

/** Answers one variable name, or throws VariableError naming it. */
export type VariableLookup = (name: string) => unknown;

/** Every `{{ }}` name used anywhere in a value (for checking a document before it runs). */
export function referencedNames(value: unknown): string[] {
  const names: string[] = [];
  const visit = (item: unknown): void => {
    if (typeof item === 'string') for (const match of item.matchAll(REFERENCE)) names.push(match[1]);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object') Object.values(item).forEach(visit);
  };
  visit(value);
  return names;
}

function asText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new VariableError(`{{ ${name} }} is a ${Array.isArray(value) ? 'list' : 'map'} and cannot be embedded in a longer string`);
}

export function substitute(value: unknown, lookup: VariableLookup): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) return lookup(whole[1]);
    return value.replace(REFERENCE, (_text, name: string) => asText(name, lookup(name)));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, lookup)]));
  }
  return value;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The automation: and global: variables for an execution at virtual time `nowMs`. */
export function builtInVariables(context: {
  executionId: string;
  accountId: string;
  region: string;
  partition: string;
  nowMs: number;
}): { [name: string]: string } {
  const now = new Date(context.nowMs);
  const date = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
  return {
    'automation:EXECUTION_ID': context.executionId,
    'global:ACCOUNT_ID': context.accountId,
    'global:REGION': context.region,
    'global:AWS_PARTITION': context.partition,
    'global:DATE': date,
    'global:DATE_TIME': `${date}_${pad(now.getUTCHours())}.${pad(now.getUTCMinutes())}.${pad(now.getUTCSeconds())}`,
  };
}
