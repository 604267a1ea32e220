// Runs a Lambda handler once, the way the Node.js runtime would: loads the
// given index.js as CommonJS and awaits handler(event, context), with a context
// whose clock runs down from remainingMs. Prints when it invoked the handler,
// then exits, even if a hung socket is still open (Lambda would freeze it).
// Usage: node invoke-lambda.js /path/to/index.js '{"event":{...},"remainingMs":60000}'
'use strict';
const { handler } = require(process.argv[2]);
const { event, remainingMs } = JSON.parse(process.argv[3]);
const invokedAt = Date.now();
const deadline = invokedAt + remainingMs;
process.stdout.write(`INVOKED_AT ${invokedAt}\n`);
handler(event, { getRemainingTimeInMillis: () => deadline - Date.now(), logStreamName: '2026/11/01/[$LATEST]test' }).then(
  () => process.exit(0),
  (error) => {
    console.error(`handler rejected: ${error && error.message}`);
    process.exit(1);
  },
);
