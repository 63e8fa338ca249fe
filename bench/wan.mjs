// Downloads over a simulated WAN link: identity against compressed CSV (and JSON), each
// through Toxiproxy on loopback (scripts/toxiproxy/fetch.sh builds it): a bandwidth and a
// latency toxic each way, no loss. `tc netem` would be the other choice; this machine's
// kernel has no netem qdisc. Run by `BENCH_WAN=1 npm run bench` with the service up. Env:
//   BENCH_WAN_MBIT (50), BENCH_WAN_DELAY_MS (20), BENCH_WAN_REPS (2),
//   BENCH_WAN_SQL (SELECT * FROM tpch.sf1.orders), BENCH_WAN_READERS (svc-csv,svc-csv-gzip,svc-csv-br)
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const MBIT = Number(env.BENCH_WAN_MBIT ?? 50);
const DELAY_MS = Number(env.BENCH_WAN_DELAY_MS ?? 20);
const REPS = Number(env.BENCH_WAN_REPS ?? 2);
const SQL = env.BENCH_WAN_SQL ?? 'SELECT * FROM tpch.sf1.orders';
const READERS = (env.BENCH_WAN_READERS ?? 'svc-csv,svc-csv-gzip,svc-csv-br').split(',');
const SERVICE = new URL(env.BENCH_SERVICE_URL ?? 'http://127.0.0.1:3100');

/** A free loopback port (Toxiproxy is told which ports to use). */
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts Toxiproxy with one proxy to the service, shaped each way; returns its port. */
async function startLink() {
  const bin = execFileSync('bash', [path.join(ROOT, 'scripts/toxiproxy/fetch.sh')], {
    encoding: 'utf8',
  }).trim();
  const apiPort = await freePort();
  const server = spawn(bin, ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: 'ignore' });
  const api = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${api}/version`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i === 100) throw new Error('toxiproxy did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const post = async (url, body) => {
    const res = await fetch(`${api}${url}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`toxiproxy ${url}: ${res.status} ${await res.text()}`);
  };
  const port = await freePort();
  await post('/proxies', {
    name: 'wan',
    listen: `127.0.0.1:${port}`,
    upstream: `${SERVICE.hostname}:${SERVICE.port}`,
    enabled: true,
  });
  for (const stream of ['downstream', 'upstream']) {
    // Toxiproxy's rate is in kilobytes (1000 bytes) per second.
    const rate = Math.round((MBIT * 1e6) / 8 / 1000);
    await post('/proxies/wan/toxics', { type: 'bandwidth', stream, attributes: { rate } });
    const attributes = { latency: DELAY_MS, jitter: 0 };
    await post('/proxies/wan/toxics', { type: 'latency', stream, attributes });
  }
  return { server, port };
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
console.log(`wan: ${MBIT} Mbit/s, ${DELAY_MS} ms each way (Toxiproxy); ${SQL}`);
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
server.kill();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const base = median(runs.filter((r) => r.reader === READERS[0]).map((r) => r.wallMs));
const lines = [
  `Simulated link: ${MBIT} Mbit/s, ${DELAY_MS} ms one way (Toxiproxy, bench/wan.mjs); \`${SQL}\`; ${REPS} repetitions, median.`,
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
