import * as fs from 'fs';
import * as path from 'path';
import { SCRIPT_DIR, minifiedScriptStep, minifyScript, out } from '../../../generator/shared/runbook';

describe('minifyScript', () => {
  it('minifies with python-minifier: no docstring or comments, locals renamed, one space a level', () => {
    const source = fs.readFileSync(path.join(SCRIPT_DIR, 'dr', 'check_copy.py'), 'utf8');
    const script = minifyScript('dr/check_copy.py');
    expect(source).toMatch(/^"""/);
    expect(script).not.toMatch(/"""|^\s*#|\t/m);
    // handler keeps its name and parameters (aws:executeScript calls it); its locals do not.
    expect(script).toMatch(/^def handler\(events,context\):\n [A-Z]/m);
    expect(script).not.toContain('region, sid');
    expect(script.split('\n').filter((line) => /^ +\S/.test(line)).every((line) => /^ {1,4}\S/.test(line))).toBe(true);
  });

  it('gives the same text on every call', () => {
    expect(minifyScript('dr/prune_snapshots.py')).toBe(minifyScript('dr/prune_snapshots.py'));
  });
});

describe('minifiedScriptStep', () => {
  it("inlines the file minified and leaves String, the outputs' default type, unwritten", () => {
    const step = minifiedScriptStep('Check', 'Check the copy.', 'dr/check_copy.py', {}, [out('Status'), out('Available', 'Boolean')]);
    expect(step.inputs.Script).toBe(minifyScript('dr/check_copy.py'));
    expect(step.outputs).toEqual([
      { Name: 'Status', Selector: '$.Payload.Status' },
      { Name: 'Available', Selector: '$.Payload.Available', Type: 'Boolean' },
    ]);
  });
});
