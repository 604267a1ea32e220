/**
 * The automation role names the source snapshot of a copy by the prefix the
 * preflight computes (contract.ts snapshotNamePrefix); the runbook names the
 * snapshot in Python (automation/dr/create_snapshot.py snapshot_id). Both run
 * here over the same table: if they drift apart, the copy is denied.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { snapshotNamePrefix } from '../../../custom-resource/dr/contract';
import { VENV_PYTHON } from '../../rehearsal/shared/script-runner';

const CREATE_SNAPSHOT = path.join(__dirname, '..', '..', '..', 'automation', 'dr', 'create_snapshot.py');
const RUN_AT = Date.UTC(2026, 2, 1, 10, 7) / 1000;
const EXECUTION_ID = '7f3b9c2e-4d5a-4e6f-8a9b-0c1d2e3f4a5b';
/** What snapshot_id() puts after the prefix at RUN_AT for EXECUTION_ID. */
const AFTER_PREFIX = '202603011007-7f3b9c2e';

const CLUSTERS: [string, string][] = [
  ['a short identifier', 'orders-db'],
  ['a 63-character identifier', 'a'.repeat(63)],
  ['a 38-character identifier, which the cut keeps whole', `orders-${'x'.repeat(31)}`],
  ['a 39-character identifier, cut by one', `orders-${'x'.repeat(32)}`],
  ['a cut that leaves a trailing hyphen', `${'a'.repeat(37)}-${'b'.repeat(25)}`],
  ['a cut that leaves two hyphens (no valid identifier, same rule)', `${'a'.repeat(36)}--${'b'.repeat(25)}`],
  ['upper case', 'Orders-DB'],
  ['upper case, 63 characters, cut at a hyphen', `${'A'.repeat(37)}-${'B'.repeat(25)}`],
];

/** snapshot_id() of automation/dr/create_snapshot.py for each cluster, run by the runbook's Python. */
function pythonSnapshotIds(clusters: string[]): string[] {
  const program = [
    'import importlib.util, json, sys',
    'spec = importlib.util.spec_from_file_location("create_snapshot", sys.argv[1])',
    'module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)',
    'request = json.load(sys.stdin)',
    'print(json.dumps([module.snapshot_id(c, request["now"], request["execution"]) for c in request["clusters"]]))',
  ].join('\n');
  const result = spawnSync(VENV_PYTHON, ['-c', program, CREATE_SNAPSHOT], {
    input: JSON.stringify({ clusters, now: RUN_AT, execution: EXECUTION_ID }),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('snapshotNamePrefix', () => {
  const pythonIds = pythonSnapshotIds(CLUSTERS.map(([, cluster]) => cluster));

  it.each(CLUSTERS.map(([name, cluster], i) => [name, cluster, pythonIds[i]]))(
    'is how every snapshot id of the runbook starts, for %s',
    (_name, cluster, snapshotId) => {
      expect(snapshotId).toBe(`${snapshotNamePrefix(cluster)}${AFTER_PREFIX}`);
      expect(snapshotId.length).toBeLessThanOrEqual(63);
      expect(snapshotId).not.toContain('--');
    },
  );

  it.each([
    ['orders-db', 'orders-db-dr-'],
    ['a'.repeat(63), `${'a'.repeat(38)}-dr-`],
    [`${'a'.repeat(37)}-${'b'.repeat(25)}`, `${'a'.repeat(37)}-dr-`],
    ['Orders-DB', 'orders-db-dr-'],
  ])('of %s is %s', (cluster, prefix) => {
    expect(snapshotNamePrefix(cluster)).toBe(prefix);
  });
});
