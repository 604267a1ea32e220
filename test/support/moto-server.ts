/**
 * Starts moto (the AWS emulator from PyPI, installed in .venv by `make test`)
 * in server mode on a free loopback port, and stops it. Tests talk to it with
 * the real AWS SDK clients through `endpoint`; nothing leaves 127.0.0.1.
 * moto runs with test/support/moto_strict.py applied, so it refuses what AWS
 * refuses where plain moto is lenient.
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';

const PYTHON = path.join(__dirname, '..', '..', '.venv', 'bin', 'python');
/** moto's own server with the strictness patches: `python strict_moto_server.py -H host -p port`. */
export const STRICT_MOTO_SERVER = path.join(__dirname, 'strict_moto_server.py');

/** Credentials moto accepts; the account id moto uses for them is 123456789012. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const MOTO_ACCOUNT_ID = '123456789012';

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Forget every resource, so each test starts from an empty account. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `readyUrl` until it answers 200 or the child exits. No deadline of its
 * own: on a busy machine Python takes longer to import moto, and a server that
 * cannot start exits with its reason; jest's test timeout guards a hang.
 */
export async function waitUntilReady(readyUrl: string, child: ChildProcess, name: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited early with ${child.exitCode ?? child.signalCode}`);
    }
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** moto's own reset: forget every resource. */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

export async function startMotoServer(env: NodeJS.ProcessEnv = {}): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(PYTHON, [STRICT_MOTO_SERVER, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilReady(`${endpoint}/moto-api/data.json`, child, 'moto_server');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    reset: () => resetMoto(endpoint),
    stop: () => stopChild(child),
  };
}
