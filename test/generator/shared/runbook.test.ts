import { compactScript, compactScriptStep, out } from '../../../generator/shared/runbook';

describe('compactScript', () => {
  it('re-indents one space a level and drops the docstring, comments and blank lines', () => {
    expect(compactScript('"""doc"""\n\nimport os\n# why\ndef f():\n    if x:\n        return 1\n')).toBe(
      'import os\ndef f():\n if x:\n  return 1\n',
    );
  });

  it('refuses a script whose multi-line string it would change', () => {
    expect(() => compactScript('"""doc"""\nx = """a\n    b"""\n')).toThrow(/multi-line string/);
  });
});

describe('compactScriptStep', () => {
  it("inlines the file compacted and leaves String, the outputs' default type, unwritten", () => {
    const step = compactScriptStep('Check', 'Check the copy.', 'dr/check_copy.py', {}, [out('Status'), out('Available', 'Boolean')]);
    const script = step.inputs.Script as string;
    expect(script).toMatch(/^def handler\(events, context\):\n region, sid = /m);
    expect(step.outputs).toEqual([
      { Name: 'Status', Selector: '$.Payload.Status' },
      { Name: 'Available', Selector: '$.Payload.Available', Type: 'Boolean' },
    ]);
  });
});
