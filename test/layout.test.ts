/**
 * One folder per stack and one for what the stacks share, in every layer: a
 * newcomer who found the recovery stack's preflight finds the DR stack's by
 * analogy. A file dropped at a layer's root, or a folder named after no stack,
 * fails here.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const STACK_FOLDERS = ['dr', 'recovery', 'shared', 'vault'];
/** Entry points: what make and package.json start; everything they reach lives in a stack's folder or shared/. */
const ENTRY_POINTS: { [layer: string]: string[] } = {
  generator: ['main.ts'],
  'custom-resource': [],
  automation: [],
  cli: ['bin.js', 'main.ts'],
};
/** Test harnesses beside the mirrored folders. */
const TEST_HARNESS_FOLDERS: { [layer: string]: string[] } = {
  'test/custom-resource': ['support'],
  'test/cli': [],
  'test/generator': [],
  'test/automation': [],
  'test/rehearsal': [],
};

const entries = (dir: string) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).filter((e) => e.name !== '__pycache__');

describe('the layout', () => {
  it.each(Object.keys(ENTRY_POINTS))('%s/ holds one folder per stack, shared/ and its entry points only', (layer) => {
    const found = entries(layer);
    const folders = found.filter((e) => e.isDirectory()).map((e) => e.name);
    const files = found.filter((e) => e.isFile()).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((name) => !STACK_FOLDERS.includes(name))).toEqual([]);
    expect(files.sort()).toEqual(ENTRY_POINTS[layer]);
    // Every stack that has a template has its folder in the generator and the custom resource.
    if (layer === 'generator' || layer === 'custom-resource') expect(folders).toEqual(expect.arrayContaining(['dr', 'recovery', 'shared']));
  });

  it.each(Object.keys(TEST_HARNESS_FOLDERS))('%s/ mirrors the source: a folder per stack, shared/ and its harness', (layer) => {
    const folders = entries(layer)
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((name) => ![...STACK_FOLDERS, ...TEST_HARNESS_FOLDERS[layer]].includes(name))).toEqual([]);
    const tests = entries(layer).filter((e) => e.isFile() && /(\.test\.ts|^test_.*\.py)$/.test(e.name));
    expect(tests.map((e) => e.name)).toEqual([]);
  });
});
