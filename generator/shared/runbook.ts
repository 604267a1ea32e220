/**
 * The runbook model both stacks build on: typed steps and parameters, the
 * aws:executeScript step that inlines a Python file of automation/, and the
 * AWS::SSM::Document that carries the runbook as YAML through Fn::Sub.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CfnResource, CfnValue, sub } from './cfn';
import { YAML_OPTIONS } from './serialize';

export const SCRIPT_DIR = path.join(__dirname, '..', '..', 'automation');

/** Python runtime of every aws:executeScript step; 3.6-3.9 runbooks no longer run. */
export const SCRIPT_RUNTIME = 'python3.11';
/** aws:executeScript runs at most 600 s per attempt. */
const SCRIPT_TIMEOUT_SECONDS = 600;

export interface RunbookParameter {
  type: 'String';
  description: string;
  default: string;
  allowedValues?: string[];
}

/** A runbook parameter: a String whose default is a stack value (Fn::Sub turns `${Name}` into it) or a literal. */
export const runbookParameter = (description: string, defaultValue: string, allowedValues?: string[]): RunbookParameter => ({
  type: 'String',
  description,
  default: defaultValue,
  ...(allowedValues ? { allowedValues } : {}),
});

export interface RunbookOutput {
  Name: string;
  Selector: string;
  /** Automation's default is String. */
  Type?: 'String' | 'Boolean' | 'Integer' | 'StringList';
}

export interface RunbookStep {
  name: string;
  action: string;
  /** What the step is for, where its name does not say it (the console shows both). */
  description?: string;
  timeoutSeconds?: number;
  maxAttempts?: number;
  onFailure?: string;
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean;
  inputs: { [key: string]: unknown };
  outputs?: RunbookOutput[];
}

export interface Runbook {
  schemaVersion: '0.3';
  description: string;
  assumeRole: string;
  parameters: { [name: string]: RunbookParameter };
  outputs: string[];
  mainSteps: RunbookStep[];
}

export const v = (name: string): string => `{{ ${name} }}`;

const MODULE_DOCSTRING = /^"""[\s\S]*?"""[ \t]*\n/;

/**
 * The script as the runbook carries it: the file less its module docstring,
 * its full-line comments and its blank lines, which Python does not need and
 * which cost about 1 KB of the template's size limit. Trailing comments and
 * string contents stay: telling them apart takes a Python tokenizer. A file
 * with any other triple-quoted string is refused, since a line that looks
 * like a comment or is blank inside one is part of the string.
 */
export function inlineScript(fileName: string, source: string): string {
  const body = source.replace(MODULE_DOCSTRING, '');
  if (body.includes('"""') || body.includes("'''")) {
    throw new Error(`automation/${fileName} has a triple-quoted string besides its module docstring: inlining would change it`);
  }
  const kept = body.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return `${kept.join('\n')}\n`;
}

export function readScript(fileName: string): string {
  const script = fs.readFileSync(path.join(SCRIPT_DIR, fileName), 'utf8');
  // The runbook is passed through Fn::Sub, where "${" starts a reference.
  if (script.includes('${')) {
    throw new Error(`automation/${fileName} contains "\${", which Fn::Sub would treat as a reference`);
  }
  return inlineScript(fileName, script);
}

const REPO_ROOT = path.join(__dirname, '..', '..');
/** The project's virtual environment (make creates it from requirements.txt), which has python-minifier. */
const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
const MINIFY_SCRIPT = path.join(REPO_ROOT, 'tools', 'minify_script.py');
/** Minified text by source text: each process minifies a file once. */
const minified = new Map<string, string>();

/** Every script of the folder of `fileName`, minified by one start of Python (each start costs about 0.1 s). */
function minifyFolder(fileName: string): void {
  if (!fs.existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run make, which creates it from requirements.txt`);
  const folder = path.join(SCRIPT_DIR, path.dirname(fileName));
  const sources = Object.fromEntries(
    fs.readdirSync(folder).filter((name) => name.endsWith('.py')).map((name) => [name, fs.readFileSync(path.join(folder, name), 'utf8')]),
  );
  const input = JSON.stringify(sources);
  const result = spawnSync(VENV_PYTHON, [MINIFY_SCRIPT, '--json'], { input, encoding: 'utf8', env: { ...process.env, PYTHONHASHSEED: '0' } });
  if (result.status !== 0) throw new Error(`minifying the scripts of automation/${path.dirname(fileName)} failed: ${result.stderr || result.error}`);
  const scripts = JSON.parse(result.stdout) as { [name: string]: string };
  for (const [name, source] of Object.entries(sources)) minified.set(source, scripts[name]);
}

/**
 * A script as a runbook carries it where template bytes are short: minified
 * by python-minifier (tools/minify_script.py), as the functions' TypeScript is
 * by terser: no docstrings or comments, locals renamed, one space a level.
 * The file keeps the explanations; the pinned minifier and a fixed hash seed
 * give the same bytes on every run. Each file is minified once per process.
 */
export function minifyScript(fileName: string): string {
  const source = fs.readFileSync(path.join(SCRIPT_DIR, fileName), 'utf8');
  if (!minified.has(source)) minifyFolder(fileName);
  const script = minified.get(source)!;
  // The runbook is passed through Fn::Sub, where "${" starts a reference.
  if (script.includes('${')) throw new Error(`automation/${fileName} minified contains "\${", which Fn::Sub would treat as a reference`);
  return script;
}

/** A script step with its script minified and its String outputs untyped (String is an output's default type). */
export const minifiedScriptStep = (...args: Parameters<typeof scriptStep>): RunbookStep => {
  const step = scriptStep(...args);
  step.inputs.Script = minifyScript(args[2]);
  step.outputs = step.outputs?.map(({ Type, ...output }) => (Type === 'String' ? output : { ...output, Type }));
  return step;
};

export const scriptStep = (
  name: string,
  description: string,
  fileName: string,
  payload: { [key: string]: unknown },
  outputs: RunbookOutput[],
  extra: Partial<RunbookStep> = {},
): RunbookStep => ({
  name,
  action: 'aws:executeScript',
  description,
  timeoutSeconds: SCRIPT_TIMEOUT_SECONDS,
  ...extra,
  inputs: { Runtime: SCRIPT_RUNTIME, Handler: 'handler', InputPayload: payload, Script: readScript(fileName) },
  outputs,
});

export const out = (name: string, type: RunbookOutput['Type'] = 'String'): RunbookOutput => ({
  Name: name,
  Selector: `$.Payload.${name}`,
  Type: type,
});

/**
 * Fn::Sub replaces `${Name}` before SSM parses the YAML, so a default such as
 * `${SourceRetentionDays}` would become the number 7 and a cluster named
 * "true" a boolean. Declaring such scalars ambiguous makes js-yaml quote them,
 * and they stay the Strings the parameters declare.
 */
const SUB_REFERENCE = new yaml.Type('tag:aurora-snapshot-dr,2026:sub-reference', {
  kind: 'scalar',
  resolve: (data: string) => /\$\{[^}]+\}/.test(data),
});
const RUNBOOK_DUMP_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [SUB_REFERENCE] });

/**
 * The runbook is stored as YAML (DocumentFormat: YAML): the aws:executeScript
 * reference documents inline Script for YAML runbooks, while JSON runbooks are
 * documented with attachments, and this stack must not need a bucket. The YAML
 * text goes through Fn::Sub so that stack values become parameter defaults. It
 * is indented one space a level: every line of it, scripts included, sits inside
 * the template's own indentation, and the second space would cost about 500
 * bytes of each template's 51,200.
 */
export function runbookContent(runbook: Runbook): CfnValue {
  const text = yaml.dump(runbook, { ...YAML_OPTIONS, indent: 1, schema: RUNBOOK_DUMP_SCHEMA });
  return sub(text);
}

/**
 * UpdateMethod NewVersion: a changed runbook becomes a new default version of
 * the same document, so its name (which the schedule, the failure rule and
 * `status` use) survives stack updates; the default, Replace, makes a new
 * document under a new name.
 */
export function documentResource(runbook: Runbook): CfnResource {
  return {
    Type: 'AWS::SSM::Document',
    Properties: {
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      UpdateMethod: 'NewVersion',
      Content: runbookContent(runbook),
    },
  };
}
