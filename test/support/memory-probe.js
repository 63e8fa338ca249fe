// Preloaded into the service by the load and soak suites (`node -r <this> dist/src/main.js`):
// every MEMORY_PROBE_MS it appends the process's own heap figures, which /proc cannot show,
// to MEMORY_PROBE_FILE as one JSON line. Test tooling only; the service does not know it.
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
}
