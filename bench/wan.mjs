// Downloads over a simulated WAN link: identity against compressed CSV (and JSON), each
// through a shaping proxy on loopback that stands in for `tc netem` (a rate limit and a fixed
// one-way delay; no loss). Run by `BENCH_WAN=1 npm run bench` with the service up. Env:
//   BENCH_WAN_MBIT (50), BENCH_WAN_DELAY_MS (20), BENCH_WAN_REPS (2),
//   BENCH_WAN_SQL (SELECT * FROM tpch.sf1.orders), BENCH_WAN_READERS (svc-csv,svc-csv-gzip,svc-csv-br)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const MBIT = Number(env.BENCH_WAN_MBIT ?? 50);
const DELAY_MS = Number(env.BENCH_WAN_DELAY_MS ?? 20);
const REPS = Number(env.BENCH_WAN_REPS ?? 2);
const SQL = env.BENCH_WAN_SQL ?? 'SELECT * FROM tpch.sf1.orders';
const READERS = (env.BENCH_WAN_READERS ?? 'svc-csv,svc-csv-gzip,svc-csv-br').split(',');
const SERVICE = new URL(env.BENCH_SERVICE_URL ?? 'http://127.0.0.1:3100');
/** About two bandwidth-delay products of queue, as a router's buffer would hold. */
const QUEUE_BYTES = Math.max(64 * 1024, Math.round(((MBIT * 1e6) / 8) * (DELAY_MS / 1000) * 2));

/**
 * Forwards `from` to `to` at `bitsPerS`, each chunk `delayMs` late. The queue is bounded: past
 * it the sender is paused, so TCP backpressure reaches the service as on a real slow link.
 */
function shape(from, to, bitsPerS, delayMs) {
  let freeAt = 0;
  let queued = 0;
  const sent = (n) => {
    queued -= n;
    if (queued < QUEUE_BYTES / 2) from.resume();
  };
  from.on('data', (chunk) => {
    const now = performance.now();
    const start = Math.max(now, freeAt);
    freeAt = start + ((chunk.length * 8) / bitsPerS) * 1000;
    queued += chunk.length;
    if (queued > QUEUE_BYTES) from.pause();
    setTimeout(() => to.write(chunk, () => sent(chunk.length)), freeAt - now + delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), freeAt - performance.now() + delayMs));
  from.on('error', () => to.destroy());
}

function startLink() {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(SERVICE.port), SERVICE.hostname);
    shape(client, upstream, MBIT * 1e6, DELAY_MS);
    shape(upstream, client, MBIT * 1e6, DELAY_MS);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })),
  );
}

function runReader(reader, serviceUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      path.join(ROOT, 'bench/reader.mjs'),
      JSON.stringify({ reader, sql: SQL, concurrency: 1, serviceUrl }),
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()))
        : reject(new Error(`${reader}: exit ${code}: ${err.slice(-300)}`)),
    );
  });
}

const { server, port } = await startLink();
const linkUrl = `http://127.0.0.1:${port}`;
console.log(`wan: ${MBIT} Mbit/s, ${DELAY_MS} ms each way, queue ${QUEUE_BYTES} B; ${SQL}`);
const runs = [];
for (let rep = 1; rep <= REPS; rep++) {
  const order = rep % 2 ? READERS : [...READERS].reverse();
  for (const reader of order) {
    const r = await runReader(reader, linkUrl);
    runs.push({ rep, reader, ...r });
    console.log(
      `wan ${reader} rep ${rep}: ${(r.wallMs / 1000).toFixed(1)} s, ${(r.bytes / 1e6).toFixed(1)} MB on the wire, ${r.rows} rows`,
    );
  }
}
server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const base = median(runs.filter((r) => r.reader === READERS[0]).map((r) => r.wallMs));
const lines = [
  `Simulated link: ${MBIT} Mbit/s, ${DELAY_MS} ms one way (bench/wan.mjs); \`${SQL}\`; ${REPS} repetitions, median.`,
  '',
  `| reader | wall s | × ${READERS[0]} time | MB on the wire |`,
  '| ------ | -----: | ------: | -------------: |',
];
for (const reader of READERS) {
  const mine = runs.filter((r) => r.reader === reader);
  const wall = median(mine.map((r) => r.wallMs));
  const bytes = median(mine.map((r) => r.bytes));
  lines.push(
    `| ${reader} | ${(wall / 1000).toFixed(1)} | ${(wall / base).toFixed(2)} | ${(bytes / 1e6).toFixed(1)} |`,
  );
}
const date = new Date().toISOString().slice(0, 10);
const file = path.join(ROOT, 'bench/results', `${date}-wan${env.BENCH_TAG ?? ''}.md`);
writeFileSync(file, `${lines.join('\n')}\n`);
writeFileSync(
  file.replace(/\.md$/, '.json'),
  JSON.stringify({ MBIT, DELAY_MS, SQL, runs }, null, 1),
);
console.log(lines.join('\n'));
console.log(`wan: wrote ${file}`);
