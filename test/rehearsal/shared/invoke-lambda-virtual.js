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
// Virtual time stands still while the handler runs, so no real-time limit may end one of its calls either.
// The SDK's connection and request timeouts guard the functions against a hung network in AWS; here they
// would fire when a busy machine makes moto, on loopback, merely slow, and the SDK would send the request
// again after moto had already acted on it (a failure the test injected, used up by a request whose answer
// was dropped). The function's own code, options included, is what the template carries: only the limits go.
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const handle = NodeHttpHandler.prototype.handle;
NodeHttpHandler.prototype.handle = async function (request, options = {}) {
  if (!this.config) this.config = await this.configProvider;
  this.config.connectionTimeout = 0;
  this.config.requestTimeout = 0;
  return handle.call(this, request, { ...options, requestTimeout: 0 });
};
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
