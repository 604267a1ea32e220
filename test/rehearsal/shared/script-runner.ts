/**
 * aws:executeScript's engine for the rehearsal: the project's python3.11 with
 * boto3 (.venv) runs script_harness.py, which execs the document's inline
 * script with the virtual clock and boto3 pointed at moto.
 *
 * One harness process per test process serves every step (script_harness.py
 * --serve): it has imported boto3 once and forks a fresh child per step, so a
 * step costs milliseconds instead of a Python start. Each child gets the
 * step's own environment and files for its output and result, as a process
 * of its own would.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createInterface } from 'readline';

const REPO_ROOT = path.join(__dirname, '..', '..', '..');
export const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
const HARNESS = path.join(__dirname, 'script_harness.py');

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

/** The environment a step's script sees: moto's endpoint and keys, and nothing of the developer's AWS setup. */
function scriptEnvironment(env: ScriptEnvironment): { [name: string]: string } {
  return {
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
  };
}

interface Started {
  pid: Promise<number>;
  exit: Promise<number>;
}

/** The warm harness process, started on first use; idle, it does not keep this process alive. */
class HarnessServer {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, { pid(pid: number): void; exit(code: number): void }>();
  private nextId = 0;
  private failure?: Error;
  private stderr = '';

  constructor() {
    this.child = spawn(VENV_PYTHON, [HARNESS, '--serve'], {
      cwd: REPO_ROOT,
      env: scriptEnvironment({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', accessKeyId: 'none', secretAccessKey: 'none' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { id: string; pid?: number; exit?: number };
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      if (message.pid !== undefined) waiter.pid(message.pid);
      if (message.exit !== undefined) {
        this.waiting.delete(message.id);
        waiter.exit(message.exit);
        this.holdOpen(this.waiting.size > 0);
      }
    });
    const fail = (error: Error) => {
      this.failure = new HarnessError(`${error.message} (run make test once to create .venv)\n${this.stderr}`);
      for (const waiter of this.waiting.values()) waiter.exit(-1);
      this.waiting.clear();
    };
    this.child.on('error', (error) => fail(new Error(`cannot run ${VENV_PYTHON}: ${error.message}`)));
    this.child.on('exit', (code) => fail(new Error(`the script harness server exited with code ${code}`)));
    this.holdOpen(false);
  }

  /** Keep the event loop alive while a step runs, and only then. */
  private holdOpen(busy: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (busy) handle.ref();
      else handle.unref();
    }
  }

  start(message: { request: ScriptRequest; env: { [name: string]: string }; stdout: string; stderr: string; result: string }): Started {
    if (this.failure) throw this.failure;
    const id = String((this.nextId += 1));
    let pid!: (pid: number) => void;
    let exit!: (code: number) => void;
    const started: Started = {
      pid: new Promise<number>((resolve) => (pid = resolve)),
      exit: new Promise<number>((resolve) => (exit = resolve)),
    };
    this.waiting.set(id, { pid, exit });
    this.holdOpen(true);
    this.child.stdin!.write(`${JSON.stringify({ id, ...message })}\n`);
    return started;
  }

  get error(): Error | undefined {
    return this.failure;
  }
}

let server: HarnessServer | undefined;

const readIfThere = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

/** Runs one script; `wallTimeoutMs` kills a script that hangs in real time (Automation's 600 s cap). */
export async function runScript(request: ScriptRequest, env: ScriptEnvironment, wallTimeoutMs: number): Promise<ScriptOutcome> {
  if (!server || server.error) server = new HarnessServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-step-'));
  const files = { stdout: path.join(dir, 'stdout'), stderr: path.join(dir, 'stderr'), result: path.join(dir, 'result') };
  try {
    const started = server.start({ request, env: scriptEnvironment(env), ...files });
    let killedForTime = false;
    const timer = setTimeout(() => {
      killedForTime = true;
      void started.pid.then((pid) => process.kill(pid, 'SIGKILL'));
    }, wallTimeoutMs);
    const code = await started.exit;
    clearTimeout(timer);
    if (server.error) throw server.error;
    const log = [readIfThere(files.stdout), readIfThere(files.stderr)].filter((text) => text.length > 0).join('\n');
    if (killedForTime) return { kind: 'timedOut', sleptSeconds: 0, nowSeconds: request.clockNowSeconds, log };
    const resultText = readIfThere(files.result);
    if (!resultText) throw new HarnessError(`script harness exited with code ${code} and no result:\n${log}`);
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
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
