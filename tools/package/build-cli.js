#!/usr/bin/env node
// Compiles the CLI for the npm package (`npm pack` runs this as prepack):
// cli/main.ts and what it imports, bundled by esbuild into dist/cli/main.js,
// so the installed command needs neither TypeScript nor tsx. The AWS SDK stays
// external: it is the package's runtime dependencies. js-yaml (template
// parsing) is bundled. The bundle sits two folders below the package root,
// where cli/shared/*.ts sit in the source, so their paths to templates/ hold.
'use strict';
const path = require('path');
const { builtinModules } = require('module');
const { build } = require('esbuild');

const root = path.join(__dirname, '..', '..');

/**
 * The CLI imports constants from the generator, whose preflight bundler
 * imports esbuild and terser; the CLI never builds a template, so each is
 * replaced by a module that says so instead of shipping a build tool.
 */
const noEsbuild = {
  name: 'no-esbuild',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(esbuild|terser)$/ }, (args) => ({ path: args.path, namespace: 'no-esbuild' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'no-esbuild' }, () => ({
      contents:
        "const builtInAClone = () => { throw new Error('templates are built in a clone, with make template'); };\n" +
        'exports.buildSync = builtInAClone;\nexports.minify_sync = builtInAClone;',
      loader: 'js',
    }));
  },
};

// Plugins need the asynchronous API.
build({
  entryPoints: [path.join(root, 'cli', 'main.ts')],
  outfile: path.join(root, 'dist', 'cli', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // Every Node.js built-in stays a require, whatever esbuild's own list knows
  // (it lacks subpaths such as readline/promises, which deploy's confirmation uses).
  external: ['@aws-sdk/*', '@smithy/*', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
  plugins: [noEsbuild],
  legalComments: 'inline',
  logLevel: 'warning',
}).catch(() => {
  process.exitCode = 1;
});
