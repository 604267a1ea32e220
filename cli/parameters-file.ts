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
import { PARAM, parameters } from '../generator/parameters';
import { ACCOUNT_ID, copyRegionsProblem, kmsKeyRegionProblem, parameterProblem } from './validate';

export type ParameterValues = { [parameter: string]: string };

export interface FleetParameters {
  defaults: ParameterValues;
  accounts: { [accountId: string]: ParameterValues };
}

const TOP_LEVEL_KEYS = ['defaults', 'accounts'];

const isObject = (value: unknown): value is { [key: string]: unknown } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readValues(where: string, raw: unknown, problems: string[]): ParameterValues {
  const values: ParameterValues = {};
  if (!isObject(raw)) {
    problems.push(`${where} must be an object of parameter names and values.`);
    return values;
  }
  for (const [name, value] of Object.entries(raw)) {
    const label = `${name} in ${where}`;
    if (name === PARAM.sourceRegion) {
      problems.push(`${label}: SourceRegion is not set in the file; each stack instance's Region (from --regions) is its SourceRegion.`);
      continue;
    }
    if (!parameters[name]) {
      problems.push(`${label}: unknown parameter; expected one of ${Object.keys(parameters).filter((p) => p !== PARAM.sourceRegion).join(', ')}.`);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      problems.push(`${label} must be a string${parameters[name].Type === 'Number' ? ' or a number' : ''}.`);
      continue;
    }
    const text = String(value);
    const problem = parameterProblem(label, name, text);
    if (problem) problems.push(problem);
    else values[name] = text;
  }
  return values;
}

/** Parse and check the file's text; every problem is reported at once, prefixed with the file name. */
export function parseParametersFile(text: string, file: string): { fleet?: FleetParameters; problems: string[] } {
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
  const defaults = raw.defaults === undefined ? {} : readValues('defaults', raw.defaults, problems);
  const accounts: FleetParameters['accounts'] = {};
  if (raw.accounts !== undefined && !isObject(raw.accounts)) {
    problems.push('"accounts" must be an object keyed by 12-digit account id.');
  } else {
    for (const [account, values] of Object.entries(raw.accounts ?? {})) {
      if (!ACCOUNT_ID.test(account)) problems.push(`accounts."${account}": account ids are 12 digits, written as a string.`);
      else accounts[account] = readValues(`accounts.${account}`, values, problems);
    }
  }
  if (problems.length > 0) return { problems: problems.map((p) => `--parameters-file ${file}: ${p}`) };
  return { fleet: { defaults, accounts }, problems: [] };
}

export function readParametersFile(file: string): { fleet?: FleetParameters; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { problems: [`cannot read --parameters-file ${file}: ${reason}.`] };
  }
  return parseParametersFile(text, file);
}

/** The values one stack instance gets: the defaults, then the account's own values, then its Region as SourceRegion. */
export function instanceParameters(fleet: FleetParameters, account: string | undefined, region: string): ParameterValues {
  return {
    ...fleet.defaults,
    ...(account ? fleet.accounts[account] : {}),
    [PARAM.sourceRegion]: region,
  };
}

/** Required parameters every instance needs from the file (SourceRegion comes from its Region). */
export const REQUIRED_FROM_FILE = [PARAM.cluster, PARAM.kmsKey, PARAM.targetRegion];

/**
 * What cannot work for one instance's values, before any AWS call: a KMS key
 * ARN of another Region than its TargetRegion (the copy must be encrypted
 * with a key of the target Region), and a Region pair Aurora cannot copy
 * between, for each Region the instance may be deployed in (its SourceRegion).
 * `who` names the values in the file: `account 111111111111`, `"defaults"`.
 */
export function instanceProblems(who: string, values: ParameterValues, sourceRegions: string[]): string[] {
  const problems: string[] = [];
  const target = values[PARAM.targetRegion];
  const key = values[PARAM.kmsKey];
  if (key && target) {
    const problem = kmsKeyRegionProblem(`${who}: KMSTargetKey`, key, 'TargetRegion', target);
    if (problem) problems.push(problem);
  }
  for (const source of sourceRegions) {
    const problem = copyRegionsProblem(`${who} in --regions ${source}`, source, target);
    if (problem) problems.push(problem);
  }
  return problems;
}
