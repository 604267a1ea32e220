#!/usr/bin/env node
// Entry point of the `aurora-snapshot-dr` command (package.json "bin"). In a
// clone the TypeScript source runs through tsx, so an edit needs no build step;
// the npm package carries only the compiled dist/cli/main.js
// (tools/package/build-cli.js, run by `npm pack`). Exit code: what the command returns.
'use strict';

const fs = require('fs');
const path = require('path');

let run;
if (fs.existsSync(path.join(__dirname, 'main.ts'))) {
  require('tsx/cjs/api').register();
  ({ run } = require('./main.ts'));
} else {
  ({ run } = require('../dist/cli/main.js'));
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`aurora-snapshot-dr: unexpected error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
