// Preloaded into the service by the load and soak suites (`node -r <this> dist/src/main.js`):
// every MEMORY_PROBE_MS it appends the process's own heap figures, which /proc cannot show,
// to MEMORY_PROBE_FILE as one JSON line. Test tooling only; the service does not know it.
//
// With MEMORY_PROBE_GC_MS and node's --expose-gc, it also runs a full collection that often
// and records what survives (`liveHeap`): heapUsed alone counts garbage not yet collected,
// which swings by a third between samples and hides or fakes a leak.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  const every = Number(process.env.MEMORY_PROBE_MS ?? 1000);
  setInterval(() => {
    const m = process.memoryUsage();
    const line = { t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal };
    appendFileSync(file, `${JSON.stringify({ ...line, external: m.external })}\n`);
  }, every).unref();
  const gcEvery = Number(process.env.MEMORY_PROBE_GC_MS ?? 0);
  if (gcEvery > 0 && typeof global.gc === 'function') {
    setInterval(() => {
      global.gc();
      const liveHeap = process.memoryUsage().heapUsed;
      appendFileSync(file, `${JSON.stringify({ t: Date.now(), liveHeap })}\n`);
    }, gcEvery).unref();
  }
}
