/**
 * The parameters file of `stackset deploy`: every account has its own cluster
 * and key, so values are given per account, over shared defaults.
 *
 *   {
 *     "defaults": { "TargetRegion": "us-west-2", "KMSTargetKey": "alias/dr-snapshots" },
 *     "accounts": {
 *       "111111111111": { "DBClusterIdentifier": "orders-prod" },
 *       "222222222222": { "DBClusterIdentifier": "billing-prod", "KMSTargetKey": "alias/billing-dr" }
 *     }
 *   }
 *
 * Keys are the template's parameter names. SourceRegion is not allowed: each
 * stack instance's Region is its SourceRegion. Numbers may be written as JSON
 * numbers or strings.
 */
import * as fs from 'fs';
import { ACCOUNT_ID } from './validate';
import { SOURCE_PRODUCT, StackProduct } from './stack-products';

export type ParameterValues = { [parameter: string]: string };

export interface FleetParameters {
  defaults: ParameterValues;
  accounts: { [accountId: string]: ParameterValues };
}

const TOP_LEVEL_KEYS = ['defaults', 'accounts'];

const isObject = (value: unknown): value is { [key: string]: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readValues(where: string, raw: unknown, problems: string[], product: StackProduct): ParameterValues {
  const values: ParameterValues = {};
  if (!isObject(raw)) {
    problems.push(`${where} must be an object of parameter names and values.`);
    return values;
  }
  for (const [name, value] of Object.entries(raw)) {
    const label = `${name} in ${where}`;
    if (name === product.regionParameter) {
      problems.push(`${label}: ${name} is not set in the file; each stack instance's Region (from --regions) is its ${name}.`);
      continue;
    }
    if (!product.parameters[name]) {
      problems.push(
        `${label}: unknown parameter; expected one of ${Object.keys(product.parameters).filter((p) => p !== product.regionParameter).join(', ')}.`,
      );
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      problems.push(`${label} must be a string${product.parameters[name].Type === 'Number' ? ' or a number' : ''}.`);
      continue;
    }
    const text = String(value);
    const problem = product.parameterProblem(label, name, text);
    if (problem) problems.push(problem);
    else values[name] = text;
  }
  return values;
}

/** Parse and check the file's text; every problem is reported at once, prefixed with the file name. */
export function parseParametersFile(
  text: string,
  file: string,
  product: StackProduct = SOURCE_PRODUCT,
): { fleet?: FleetParameters; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [`--parameters-file ${file} is not valid JSON: ${(error as Error).message}.`] };
  }
  const problems: string[] = [];
  if (!isObject(raw)) return { problems: [`--parameters-file ${file} must hold a JSON object with "defaults" and "accounts".`] };
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.includes(key)) problems.push(`"${key}": unknown key; the file has "defaults" and "accounts" only.`);
  }
  const defaults = raw.defaults === undefined ? {} : readValues('defaults', raw.defaults, problems, product);
  const accounts: FleetParameters['accounts'] = {};
  if (raw.accounts !== undefined && !isObject(raw.accounts)) {
    problems.push('"accounts" must be an object keyed by 12-digit account id.');
  } else {
    for (const [account, values] of Object.entries(raw.accounts ?? {})) {
      if (!ACCOUNT_ID.test(account)) problems.push(`accounts."${account}": account ids are 12 digits, written as a string.`);
      else accounts[account] = readValues(`accounts.${account}`, values, problems, product);
    }
  }
  if (problems.length > 0) return { problems: problems.map((p) => `--parameters-file ${file}: ${p}`) };
  return { fleet: { defaults, accounts }, problems: [] };
}

export function readParametersFile(
  file: string,
  product: StackProduct = SOURCE_PRODUCT,
): { fleet?: FleetParameters; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { problems: [`cannot read --parameters-file ${file}: ${reason}.`] };
  }
  return parseParametersFile(text, file, product);
}

/** The values one stack instance gets: the defaults, then the account's own values, then its Region (as SourceRegion, for the DR stack). */
export function instanceParameters(
  fleet: FleetParameters,
  account: string | undefined,
  region: string,
  product: StackProduct = SOURCE_PRODUCT,
): ParameterValues {
  return {
    ...fleet.defaults,
    ...(account ? fleet.accounts[account] : {}),
    ...(product.regionParameter ? { [product.regionParameter]: region } : {}),
  };
}

/** Required parameters every instance of the DR stack needs from the file (SourceRegion comes from its Region). */
export const REQUIRED_FROM_FILE = SOURCE_PRODUCT.requiredFromFile;
