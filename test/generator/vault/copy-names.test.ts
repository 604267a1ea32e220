/**
 * The vault role may tag and delete only snapshots named as the vault names its copies (VAULT_COPY_NAMES in
 * generator/vault/iam.ts): every name automation/vault/copy_shares.py gives a copy must match that pattern,
 * for the shortest and the longest DR copy names, and a snapshot someone named otherwise must not.
 */
import * as path from 'path';
import { execFileSync } from 'child_process';
import { VAULT_COPY_NAMES } from '../../../generator/vault/iam';
import { snapshotNamePrefix } from '../../../custom-resource/dr/contract';
import { VENV_PYTHON } from '../../rehearsal/shared/script-runner';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'automation', 'vault', 'copy_shares.py');

/** copy_shares.copy_id of each ARN, as the runbook's script computes it. */
function copyIds(arns: string[]): string[] {
  const program = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location("copy_shares", ${JSON.stringify(SCRIPT)})`,
    'module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)',
    'print(json.dumps([module.copy_id(arn) for arn in json.load(sys.stdin)]))',
  ].join('\n');
  return JSON.parse(execFileSync(VENV_PYTHON, ['-c', program], { input: JSON.stringify(arns) }).toString()) as string[];
}

/** IAM's ARN globbing: * any run of characters, ? exactly one. */
const matches = (glob: string, name: string): boolean =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name);

describe("the vault's copy names", () => {
  const share = (cluster: string) => `arn:aws:rds:us-west-2:111122223333:cluster-snapshot:${snapshotNamePrefix(cluster)}202612070300-0a1b2c3d`;

  it.each(['a', 'orders-prod', 'x'.repeat(38), 'y'.repeat(63)])('match the role\'s pattern for a DR copy of %s', (cluster) => {
    const [id] = copyIds([share(cluster)]);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(matches(VAULT_COPY_NAMES, id)).toBe(true);
  });

  it.each(['before-upgrade', 'orders-prod-final', 'rds:orders-prod-2026-12-07-03-00'])('do not cover a snapshot named %s', (name) => {
    expect(matches(VAULT_COPY_NAMES, name)).toBe(false);
  });
});
