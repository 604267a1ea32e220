// Preloaded by bench/bench.ts into every Node process of `make template`
// (through NODE_OPTIONS) to record each process's peak resident memory.
const fs = require('fs');
const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    fs.appendFileSync(out, `${process.resourceUsage().maxRSS}\n`);
  });
}
