// Serves Lambda invocations for the rehearsal, the way the Node.js runtime
// would (CommonJS index.js loaded once, handler(event, context) per call),
// with the runbook's virtual clock in place of the real one: Date.now() and
// new Date() read the virtual now of the call, which stands still while the
// handler runs, so what it measures does not depend on how fast the machine is.
// Reads one request per line on stdin, {"event", "nowMs", "remainingMs"}, and
// writes one outcome per line on file descriptor 3: {"payload": value} or
// {"errorType", "errorMessage"}. The handler's own output stays on stdout and stderr.
// Usage: node invoke-lambda-virtual.js /path/to/index.js
'use strict';
const fs = require('fs');
const readline = require('readline');
let nowMs = 0;
const RealDate = Date;
class VirtualDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(nowMs);
    else super(...args);
  }
  static now() {
    return nowMs;
  }
}
globalThis.Date = VirtualDate;
const { handler } = require(process.argv[2]);
const reply = (outcome) => fs.writeSync(3, `${JSON.stringify(outcome)}\n`);
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { event, remainingMs } = JSON.parse(line);
  queue = queue.then(async () => {
    nowMs = JSON.parse(line).nowMs;
    const context = { getRemainingTimeInMillis: () => remainingMs, logStreamName: 'rehearsal' };
    try {
      const payload = await handler(event, context);
      reply({ payload: payload === undefined ? null : payload });
    } catch (error) {
      reply({ errorType: (error && error.name) || 'Error', errorMessage: String((error && error.message) || error) });
    }
  });
});
