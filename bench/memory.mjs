// Memory against concurrency, for one or two builds in one sitting (npm run bench:memory).
// Every run gets a fresh service process, so no run inherits another's heap. Per repetition,
// the builds take turns (their order alternating), and each runs:
//   - the levels of BENCH_MEMORY_LEVELS: N concurrent streams read at full speed, `mixed`
//     (CSV, JSON and SSE in turn, as the load test, of BENCH_MEMORY_SQL) or `csv` (of
//     BENCH_MEMORY_CSV_SQL; `csv-gzip`, `csv-br`, `arrow` and `arrow-lz4` download the same). Recorded:
//     peak VmRSS (sampled every 50 ms), peak heapUsed (the memory probe, every 100 ms),
//     refusals (503 REPLICA_FULL), and whether the rows of the admitted streams are exact;
//   - one stream per format of each BENCH_MEMORY_THROUGHPUT table (tpch.sf1.orders and
//     lineitem), and the `limit` (Trino's protocol, pages parsed) and `trino-bytes` (pages
//     discarded unparsed) readers, for throughput ratios, service CPU per million rows and
//     the peak RSS of one stream, in the same sitting.
// Each build's service runs with the node flags of its own Dockerfile (NODE_OPTIONS).
// Env: BENCH_BUILDS (name=dir,...; set by scripts/bench-builds.sh), BENCH_MEMORY_LEVELS,
// BENCH_MEMORY_SQL, BENCH_MEMORY_REPS, BENCH_NODE_ARGS (extra node flags for the service),
// BENCH_SERVICE_ENV (extra service env as NAME=value,...).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  localDate,
  median,
  mib,
  procCpuSeconds,
  procRssBytes,
  startRssSampler,
  trinoScalar,
} from './lib.mjs';

const env = process.env;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRINO = env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const PROBE = path.join(ROOT, 'test/support/memory-probe.js');
const TMP = path.join(ROOT, 'bench/tmp');
const builds = (env.BENCH_BUILDS ?? `after=${ROOT}`).split(',').map((b) => b.split('='));
const levels = (env.BENCH_MEMORY_LEVELS ?? 'mixed:1,mixed:64,mixed:200,csv:64')
  .split(',')
  .filter(Boolean)
  .map((l) => ({ kind: l.split(':')[0], n: Number(l.split(':')[1]) }));
// 200 concurrent queries of 100,000 rows each exhausted the 4 GB heap of the local Trino: the
// mixed levels read 20,000 rows a stream; the CSV level is the issue's 64 x 200,000.
const SQL = env.BENCH_MEMORY_SQL ?? 'SELECT * FROM tpch.sf1.orders LIMIT 20000';
const CSV_SQL = env.BENCH_MEMORY_CSV_SQL ?? 'SELECT * FROM tpch.sf1.orders LIMIT 200000';
const THROUGHPUT = (env.BENCH_MEMORY_THROUGHPUT ?? 'orders,lineitem').split(',').filter(Boolean);
const THROUGHPUT_READERS = (
  env.BENCH_MEMORY_READERS ?? 'trino-bytes,limit,svc-csv,svc-json,svc-sse'
)
  .split(',')
  .filter(Boolean);
const REPS = Number(env.BENCH_MEMORY_REPS ?? 2);
const NODE_ARGS = (env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const EXTRA_ENV = Object.fromEntries(
  (env.BENCH_SERVICE_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The node flags the build's own Dockerfile gives the service (its NODE_OPTIONS), if any. */
function imageNodeArgs(dir) {
  const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  return (/^ENV .*NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1] ?? '').split(' ').filter(Boolean);
}

/** Starts `dir`'s build as its image would, plus the memory probe; resolves once /health answers. */
async function startService(dir, probeFile) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [...imageNodeArgs(dir), ...NODE_ARGS, '-r', PROBE, path.join(dir, 'dist/src/main.js')],
    {
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TRINO_URL: TRINO,
        AUTH_BASIC_PASSWORD_FILE: path.join(ROOT, 'test/fixtures/password.db'),
        LOG_LEVEL: 'warn',
        // One user opens every stream here: the per-user limit is not what is measured.
        QUERY_MAX_CONCURRENT_PER_USER: '1000',
        MEMORY_PROBE_FILE: probeFile,
        MEMORY_PROBE_MS: '100',
        ...EXTRA_ENV,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`service in ${dir} did not start`);
}

function readerRun(reader, sql, concurrency, serviceUrl) {
  return new Promise((resolve, reject) => {
    const opts = { reader, sql, concurrency, serviceUrl, countRefused: true };
    const child = spawn(process.execPath, [
      path.join(ROOT, 'bench/reader.mjs'),
      JSON.stringify(opts),
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${reader}: exit ${code}: ${err.slice(-500)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** One run on a fresh service: the reader's figures plus the service's peaks. */
async function measure(dir, reader, sql, n) {
  const probeFile = path.join(TMP, `memory-probe-${process.pid}.jsonl`);
  rmSync(probeFile, { force: true });
  const svc = await startService(dir, probeFile);
  try {
    const idle = procRssBytes(svc.child.pid);
    const sampler = startRssSampler(svc.child.pid, 50);
    const cpu0 = procCpuSeconds(svc.child.pid);
    const r = await readerRun(reader, sql, n, svc.url);
    const svcCpuS = procCpuSeconds(svc.child.pid) - cpu0;
    const rss = sampler.stop();
    await new Promise((res) => setTimeout(res, 150)); // the probe's last line
    const heap = readFileSync(probeFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).heapUsed);
    return {
      ...r,
      svcCpuS,
      idleMiB: mib(idle),
      peakRssMiB: mib(rss.peak),
      peakHeapMiB: mib(Math.max(...heap)),
    };
  } finally {
    svc.child.kill('SIGKILL');
  }
}

async function main() {
  mkdirSync(TMP, { recursive: true });
  const count = (sql) => trinoScalar(TRINO, `SELECT count(*) FROM (${sql})`);
  const csvRows = await count(CSV_SQL);
  // csv-gzip and csv-br: the CSV level's downloads, asked for compressed; arrow: as Arrow,
  // arrow-lz4: with LZ4_FRAME buffers.
  const perStream = {
    mixed: await count(SQL),
    csv: csvRows,
    'csv-gzip': csvRows,
    'csv-br': csvRows,
    arrow: csvRows,
    'arrow-lz4': csvRows,
  };
  const runs = [];
  console.log(
    `bench:memory builds ${builds.map((b) => b[0]).join(', ')}; ${SQL}; ${CSV_SQL}; ${REPS} reps`,
  );
  for (let rep = 1; rep <= REPS; rep++) {
    const order = rep % 2 ? builds : [...builds].reverse();
    for (const [build, dir] of order) {
      for (const { kind, n } of levels) {
        const csv = kind.startsWith('csv') || kind.startsWith('arrow');
        let r;
        try {
          r = await measure(dir, `svc-${kind}`, csv ? CSV_SQL : SQL, n);
        } catch (e) {
          // One failed run (a 408 under load was seen once) is recorded, not the sitting lost.
          runs.push({ rep, build, kind, n, exact: false, error: String(e.message).slice(0, 300) });
          console.log(`${build} ${kind}-${n} rep ${rep}: FAILED ${e.message.slice(0, 200)}`);
          continue;
        }
        const exact = r.rows === perStream[kind] * (n - r.refused);
        runs.push({ rep, build, kind, n, exact, ...r });
        console.log(
          `${build} ${kind}-${n} rep ${rep}: peak RSS ${r.peakRssMiB.toFixed(0)} MiB (idle ${r.idleMiB.toFixed(0)}), heapUsed ${r.peakHeapMiB.toFixed(0)} MiB, refused ${r.refused}, rows ${exact ? 'exact' : 'WRONG'}, ${(r.wallMs / 1000).toFixed(1)} s`,
        );
      }
      for (const table of THROUGHPUT)
        for (const reader of THROUGHPUT_READERS) {
          const r = await measure(dir, reader, `SELECT * FROM tpch.sf1.${table}`, 1);
          const rowsPerS = r.rows / (r.wallMs / 1000);
          runs.push({ rep, build, kind: 'throughput', table, reader, rowsPerS, ...r });
          console.log(
            `${build} ${reader} ${table} rep ${rep}: ${rowsPerS.toFixed(0)} rows/s, service CPU ${r.svcCpuS.toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB (idle ${r.idleMiB.toFixed(0)})`,
          );
        }
    }
  }
  const base = path.join(ROOT, 'bench/results', `${localDate()}-memory${env.BENCH_TAG ?? ''}`);
  writeFileSync(
    `${base}.json`,
    JSON.stringify(
      { sql: SQL, csvSql: CSV_SQL, nodeArgs: NODE_ARGS, extraEnv: EXTRA_ENV, runs },
      null,
      2,
    ),
  );
  writeFileSync(`${base}.md`, report(runs));
  if (!env.BENCH_TAG)
    writeFileSync(path.join(ROOT, 'docs/bench-memory-concurrency.svg'), chart(runs));
  console.log(`\n${report(runs)}\nwrote ${base}.json and ${base}.md`);
  if (runs.some((r) => r.exact === false)) {
    console.error('some run failed or returned the wrong row count');
    process.exitCode = 1;
  }
}

/** Medians per build: memory by level, then throughput as a ratio to `limit`. */
function report(runs) {
  const names = [...new Set(runs.map((r) => r.build))];
  const levels = levelsOf(runs);
  const med = (rs, k) => median(rs.map((r) => r[k]));
  const lines = [
    `| level | ${names.map((b) => `${b}: peak RSS / heapUsed MiB (refused)`).join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const { kind, n } of levels) {
    const cells = names.map((b) => {
      const all = runs.filter((r) => r.build === b && r.kind === kind && r.n === n);
      const rs = all.filter((r) => r.error === undefined);
      const failed = all.length - rs.length ? `, ${all.length - rs.length} failed` : '';
      if (!rs.length) return `failed${failed}`;
      const peaks = rs.map((r) => r.peakRssMiB.toFixed(0)).join(', ');
      return `${peaks} / ${med(rs, 'peakHeapMiB').toFixed(0)} (${rs.map((r) => r.refused).join(', ')}${failed})`;
    });
    lines.push(`| ${kind}, ${n} streams | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    '1 stream, medians: rows/s as a ratio to `limit` and to `trino-bytes`; service CPU s per',
    'million rows; service peak RSS above idle, MiB.',
    '',
    `| table | reader | ${names.map((b) => `${b}: × limit, × bytes, CPU s/M, +RSS`).join(' | ')} |`,
    `|---|---|${names.map(() => '---').join('|')}|`,
  );
  const tables = [...new Set(runs.filter((r) => r.kind === 'throughput').map((r) => r.table))];
  for (const table of tables)
    for (const reader of THROUGHPUT_READERS) {
      const cells = names.map((b) => {
        const rs = runs.filter(
          (r) => r.build === b && r.kind === 'throughput' && r.table === table,
        );
        const of = (name) => rs.filter((r) => r.reader === name);
        const rate = (name) => med(of(name), 'rowsPerS');
        const mine = of(reader);
        if (!mine.length) return '–';
        const cpu = median(mine.map((r) => (r.svcCpuS / r.rows) * 1e6));
        const rss = median(mine.map((r) => r.peakRssMiB - r.idleMiB));
        const ratio = (name) => (rate(reader) / rate(name)).toFixed(2);
        return `${ratio('limit')}, ${ratio('trino-bytes')}, ${cpu.toFixed(2)}, ${rss.toFixed(0)}`;
      });
      lines.push(`| ${table} | ${reader} | ${cells.join(' | ')} |`);
    }
  return `${lines.join('\n')}\n`;
}

/** Median peak RSS of the mixed levels against the streams offered, one line per build. */
function chart(runs) {
  const levels = levelsOf(runs);
  const W = 560;
  const H = 300;
  const pad = { l: 60, r: 120, t: 20, b: 40 };
  const mixed = levels.filter((l) => l.kind === 'mixed').map((l) => l.n);
  const budget = Number(env.MEMORY_BUDGET_MB ?? 448);
  const series = [...new Set(runs.map((r) => r.build))].map((b, i) => ({
    name: b,
    color: ['#c0392b', '#2471a3', '#229954'][i % 3],
    points: mixed.map((n) => [
      n,
      median(
        runs
          .filter((r) => r.build === b && r.kind === 'mixed' && r.n === n)
          .map((r) => r.peakRssMiB),
      ),
    ]),
  }));
  const yMax =
    Math.ceil(Math.max(budget, ...series.flatMap((s) => s.points.map((p) => p[1]))) / 100) * 100;
  const x = (n) => pad.l + (n / Math.max(...mixed)) * (W - pad.l - pad.r);
  const y = (v) => H - pad.b - (v / yMax) * (H - pad.t - pad.b);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<line x1="${pad.l}" y1="${y(0)}" x2="${W - pad.r}" y2="${y(0)}" stroke="#000"/>`,
    `<line x1="${pad.l}" y1="${y(0)}" x2="${pad.l}" y2="${pad.t}" stroke="#000"/>`,
    `<text x="${(W - pad.r + pad.l) / 2}" y="${H - 8}" text-anchor="middle">concurrent mixed streams offered (CSV, JSON, SSE)</text>`,
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">peak RSS (MiB)</text>`,
    `<line x1="${pad.l}" y1="${y(budget)}" x2="${W - pad.r}" y2="${y(budget)}" stroke="#888" stroke-dasharray="4 4"/>`,
    `<text x="${pad.l + 4}" y="${y(budget) - 4}" fill="#888">budget ${budget}</text>`,
  ];
  const step = yMax > 800 ? 200 : 100;
  for (let v = 0; v <= yMax; v += step)
    out.push(`<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  for (const n of mixed)
    out.push(`<text x="${x(n)}" y="${y(0) + 16}" text-anchor="middle">${n}</text>`);
  for (const s of series) {
    const pts = s.points.map(([n, v]) => `${x(n)},${y(v)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    const [n, v] = s.points[s.points.length - 1];
    out.push(
      `<text x="${x(n) + 6}" y="${y(v) + 4}" fill="${s.color}">${s.name} ${v.toFixed(0)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The levels a set of runs measured, in the order they ran. */
function levelsOf(runs) {
  const seen = new Map();
  for (const r of runs)
    if (r.kind !== 'throughput') seen.set(`${r.kind}:${r.n}`, { kind: r.kind, n: r.n });
  return [...seen.values()];
}

/** `node bench/memory.mjs <results.json>`: the table and the chart again, from a saved run. */
function rerender(file) {
  const { runs } = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file.replace(/\.json$/, '.md'), report(runs));
  writeFileSync(path.join(ROOT, 'docs/bench-memory-concurrency.svg'), chart(runs));
  console.log(report(runs));
}

if (process.argv[2]) {
  rerender(process.argv[2]);
} else
  main().catch((e) => {
    console.error(e.stack ?? e);
    process.exit(1);
  });
