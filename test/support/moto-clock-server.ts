/**
 * Starts the rehearsal's clock-aware moto (test/support/moto_clock_server.py)
 * on a free loopback port and stops it, like moto-server.ts does for plain
 * moto, and wraps its test-only control endpoint: the virtual clock, snapshot
 * statuses moto never produces ("copying", "failed") and response delays.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { resetMoto, startOwnedServer, stopChild } from './moto-server';

const REPO_ROOT = path.join(__dirname, '..', '..');
const PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
const WRAPPER = path.join(__dirname, 'moto_clock_server.py');

export interface SnapshotStatusRule {
  region: string;
  status: string;
  /** Virtual seconds the status holds; omitted = until changed. */
  forSeconds?: number;
  /** Status afterwards; default "available". */
  thenStatus?: string;
}

/** One snapshot create, copy or delete moto saw, and how it ended ("ok" or the error code). */
export interface SnapshotCall {
  operation: 'CreateDBClusterSnapshot' | 'CopyDBClusterSnapshot' | 'DeleteDBClusterSnapshot';
  region: string;
  identifier: string;
  outcome: string;
}

/** How long restored clusters and their writers take in a Region (test/support/moto_recovery.py). */
export interface RestoreTimingRule {
  region: string;
  /** Virtual seconds a restored cluster reads "creating"; null clears the rule. */
  clusterSeconds: number | null;
  /** Virtual seconds its writer reads "creating", counted from the cluster being available. */
  instanceSeconds?: number;
  /** Status afterwards; default "available". */
  clusterThen?: string;
  instanceThen?: string;
}

export interface MotoClockServer {
  endpoint: string;
  port: number;
  /** Forget every resource and rule; the clock restarts at real now. */
  reset(): Promise<void>;
  /** Move moto's clock to at least `epochMs` of virtual time; returns its virtual now, epoch ms. */
  advanceClockTo(epochMs: number): Promise<number>;
  /** Set moto's clock to `epochMs`, backwards too: a new test's start, right after reset(). */
  startClockAt(epochMs: number): Promise<void>;
  /** Hold one existing snapshot in a status. */
  setSnapshotStatus(identifier: string, rule: SnapshotStatusRule): Promise<void>;
  /** Every snapshot a later CreateDBClusterSnapshot or CopyDBClusterSnapshot makes in `region` follows the rule; null clears it. */
  setNewSnapshotStatus(operation: 'create' | 'copy', rule: SnapshotStatusRule | { region: string; status: null }): Promise<void>;
  /** Make an API answer this many real seconds after reading its data. */
  setDelay(operation: 'DescribeDBClusterSnapshots', seconds: number): Promise<void>;
  /** Every snapshot create, copy and delete since the last reset, oldest first. */
  snapshotCalls(): Promise<SnapshotCall[]>;
  /** Restored clusters (and writers added to them) in `region` take this long from now on. */
  setRestoreTiming(rule: RestoreTimingRule): Promise<void>;
  stop(): Promise<void>;
}

export async function startMotoClockServer(env: NodeJS.ProcessEnv = {}): Promise<MotoClockServer> {
  // moto holds stdin open: if this process dies without stopping it (a crash, SIGKILL), moto exits too.
  const { port, child } = await startOwnedServer('moto_clock_server', (at, token) =>
    spawn(PYTHON, [WRAPPER, '-H', '127.0.0.1', '-p', String(at), '--exit-with-stdin'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, ...token },
      stdio: ['pipe', 'ignore', 'pipe'],
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;

  const post = async (route: string, body: unknown): Promise<{ [key: string]: unknown }> => {
    const response = await fetch(`${endpoint}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { [key: string]: unknown };
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  return {
    endpoint,
    port,
    reset: () => resetMoto(endpoint),
    async advanceClockTo(epochMs) {
      const answer = await post('/rehearsal-api/clock', { advanceTo: epochMs / 1000 });
      return Number(answer.now) * 1000;
    },
    async startClockAt(epochMs) {
      await post('/rehearsal-api/clock', { startAt: epochMs / 1000 });
    },
    async setSnapshotStatus(identifier, rule) {
      await post('/rehearsal-api/snapshot-status', { identifier, ...rule });
    },
    async setNewSnapshotStatus(operation, rule) {
      await post('/rehearsal-api/new-snapshot-status', { operation, ...rule });
    },
    async setDelay(operation, seconds) {
      await post('/rehearsal-api/delay', { operation, seconds });
    },
    async snapshotCalls() {
      const response = await fetch(`${endpoint}/rehearsal-api/calls`);
      return ((await response.json()) as { calls: SnapshotCall[] }).calls;
    },
    async setRestoreTiming(rule) {
      await post('/rehearsal-api/restore-timing', rule);
    },
    stop: () => stopChild(child),
  };
}
