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
import { randomUUID } from 'crypto';

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

/** Another process answers on the port chosen for a server: choose another (owned_server.py says why). */
export class PortTakenError extends Error {
  name = 'PortTakenError';
}

/** What a test server answers at owned_server.py's TOKEN_PATH: the TEST_SERVER_TOKEN it was started with. */
const TOKEN_PATH = '/__test-server-token';

/**
 * Polls the server at `endpoint` until it answers with `token`, the child's own, or the child exits. A server
 * answering with another token is another test's, on the port this one chose: PortTakenError. No deadline
 * of its own: on a busy machine Python takes longer to import moto, and a server that cannot start exits
 * with its reason; jest's test timeout guards a hang.
 */
export async function waitUntilReady(endpoint: string, token: string, child: ChildProcess, name: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited early with ${child.exitCode ?? child.signalCode}`);
    }
    let answer: string | undefined;
    try {
      const response = await fetch(`${endpoint}${TOKEN_PATH}`);
      answer = response.ok ? await response.text() : undefined;
    } catch {
      // not listening yet
    }
    if (answer === token) return;
    if (answer !== undefined) throw new PortTakenError(`another server answers on ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts a server on a free loopback port, as `spawnAt` spawns it there with TEST_SERVER_TOKEN in its
 * environment, and waits until it answers with that token; a port another server took first is given up for
 * another. Returns the port and the child.
 */
export async function startOwnedServer(
  name: string,
  spawnAt: (port: number, env: NodeJS.ProcessEnv) => ChildProcess,
): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freeLoopbackPort();
    const token = randomUUID();
    const child = spawnAt(port, { TEST_SERVER_TOKEN: token });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitUntilReady(`http://127.0.0.1:${port}`, token, child, name);
      return { port, child };
    } catch (error) {
      child.kill('SIGKILL');
      if (error instanceof PortTakenError && attempt < 5) continue;
      throw new Error(`${(error as Error).message}\n${stderr}`);
    }
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
  const { port, child } = await startOwnedServer('moto_server', (at, token) =>
    spawn(PYTHON, [STRICT_MOTO_SERVER, '-H', '127.0.0.1', '-p', String(at)], {
      env: { ...process.env, ...env, ...token },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    reset: () => resetMoto(endpoint),
    stop: () => stopChild(child),
  };
}
