#!/usr/bin/env node
// Entry point of the `aurora-snapshot-dr` command (package.json "bin"). The
// CLI is TypeScript, like the generator it shares code with; tsx compiles it
// on the fly, so there is no build step. Exit code: what the command returns.
'use strict';

require('tsx/cjs/api').register();
const { run } = require('./main.ts');

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`aurora-snapshot-dr: unexpected error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
