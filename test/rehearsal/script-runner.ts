/**
 * aws:executeScript's engine for the rehearsal: the project's python3.11 with
 * boto3 (.venv) runs script_harness.py, which execs the document's inline
 * script with the virtual clock and boto3 pointed at moto.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { Readable } from 'stream';

const REPO_ROOT = path.join(__dirname, '..', '..');
export const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
const HARNESS = path.join(__dirname, 'script_harness.py');

/** The harness itself broke (no python, bad output): a rehearsal problem, not a step failure. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessError';
  }
}

export interface ScriptRequest {
  script: string;
  handler: string;
  payload: unknown;
  /** The runbook's virtual now, epoch seconds: the script's time.time() until it sleeps. */
  clockNowSeconds: number;
  /** The step's bound: the harness ends the step at this many seconds of virtual time. */
  timeoutSeconds: number;
  /** Base URL of the clock-aware moto wrapper, so the script's sleeps move moto's clock too. */
  clockControlUrl?: string;
}

export interface ScriptEnvironment {
  /** AWS_ENDPOINT_URL for boto3 (moto); unset means the real AWS endpoints, which a rehearsal never wants. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type ScriptOutcome =
  | { kind: 'returned'; payload: unknown; sleptSeconds: number; nowSeconds: number; log: string }
  | { kind: 'raised'; type: string; message: string; traceback: string; sleptSeconds: number; nowSeconds: number; log: string }
  | { kind: 'timedOut'; sleptSeconds: number; nowSeconds: number; log: string };

function collect(stream: Readable | null | undefined): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stream.on('end', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}

/** Runs one script; `wallTimeoutMs` kills a script that hangs in real time (Automation's 600 s cap). */
export async function runScript(request: ScriptRequest, env: ScriptEnvironment, wallTimeoutMs: number): Promise<ScriptOutcome> {
  const child = spawn(VENV_PYTHON, [HARNESS], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      AWS_ENDPOINT_URL: env.endpoint,
      AWS_ACCESS_KEY_ID: env.accessKeyId,
      AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
      AWS_DEFAULT_REGION: env.region,
      AWS_REGION: env.region,
      // Never read the developer's ~/.aws: the rehearsal talks to moto only.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const result = collect(child.stdio[3] as Readable);
  let killedForTime = false;
  const timer = setTimeout(() => {
    killedForTime = true;
    child.kill('SIGKILL');
  }, wallTimeoutMs);
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdin.end(JSON.stringify(request));
  const [code, out, err, resultText] = await Promise.all([exited, stdout, stderr, result]);
  clearTimeout(timer);
  const log = [out, err].filter((text) => text.length > 0).join('\n');
  if (killedForTime) return { kind: 'timedOut', sleptSeconds: 0, nowSeconds: request.clockNowSeconds, log };
  if (spawnError) throw new HarnessError(`cannot run ${VENV_PYTHON}: ${spawnError.message} (run make test once to create .venv)`);
  if (!resultText) {
    throw new HarnessError(`script harness exited with code ${code} and no result:\n${log}`);
  }
  const parsed = JSON.parse(resultText) as {
    Payload?: unknown;
    error?: { type: string; message: string; traceback: string };
    timedOut?: boolean;
    sleptSeconds: number;
    nowSeconds: number;
  };
  const clock = { sleptSeconds: parsed.sleptSeconds, nowSeconds: parsed.nowSeconds, log };
  if (parsed.timedOut) return { kind: 'timedOut', ...clock };
  if (parsed.error) return { kind: 'raised', ...parsed.error, ...clock };
  return { kind: 'returned', payload: parsed.Payload ?? null, ...clock };
}
