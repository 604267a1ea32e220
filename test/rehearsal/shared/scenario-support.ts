/**
 * What every scenario file shares: one clock-aware moto per file (started in
 * beforeAll, always stopped in afterAll), an empty account and real time
 * before each test, and assertions that show the run's timeline when a run
 * is not what the test expected.
 */
import { MotoClockServer, startMotoClockServer } from '../../support/moto-clock-server';
import { formatTimeline } from './format-timeline';
import { RehearsalWorld } from './rehearsal-world';
import { ExecutionResult, ExecutionStatus } from './runbook-runner';

export function useRehearsalWorld(env: NodeJS.ProcessEnv = {}): () => RehearsalWorld {
  let moto: MotoClockServer | undefined;
  let world: RehearsalWorld | undefined;
  beforeAll(async () => {
    moto = await startMotoClockServer(env);
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    world = new RehearsalWorld(moto!);
    await world.reset();
  });
  return () => world!;
}

/** Asserts the execution's status; on a mismatch the error carries the whole timeline. */
export function expectStatus(result: ExecutionResult, status: ExecutionStatus): void {
  if (result.status !== status) {
    throw new Error(`expected the run to end ${status}, it ended ${result.status}:\n${formatTimeline(result, { showLogs: true })}`);
  }
}

/** The steps the run went through, in order (loops repeat them). */
export const stepsOf = (result: ExecutionResult): string[] => result.timeline.map((entry) => entry.step);
