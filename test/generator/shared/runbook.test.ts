import { spawnSync } from 'child_process';
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

  it('writes the same bytes whatever the hash seed of the process that minifies', () => {
    // make template and every test process must agree with the committed template.
    const source = fs.readFileSync(path.join(SCRIPT_DIR, 'dr', 'prune_snapshots.py'), 'utf8');
    const minify = (seed: string) =>
      spawnSync(path.join(SCRIPT_DIR, '..', '.venv', 'bin', 'python'), [path.join(SCRIPT_DIR, '..', 'tools', 'minify_script.py')], {
        input: source,
        encoding: 'utf8',
        env: { ...process.env, PYTHONHASHSEED: seed },
      }).stdout;
    expect(minify('1')).toBe(minifyScript('dr/prune_snapshots.py'));
    expect(minify('2')).toBe(minifyScript('dr/prune_snapshots.py'));
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
