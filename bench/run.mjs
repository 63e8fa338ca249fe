// Benchmark orchestrator. Started by scripts/bench.sh (which starts Trino and the service and
// passes their PIDs); see bench/README.md for the environment variables.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import {
  READERS,
  localDate,
  median,
  procCpuSeconds,
  startRssSampler,
  stats,
  mib,
  trinoScalar,
} from './lib.mjs';
import { writeReports } from './report.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const PROFILE = process.argv.includes('--profile');
const TRINO = env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const SERVICE_PID = Number(env.BENCH_SERVICE_PID) || null;
const TRINO_PID = Number(env.BENCH_TRINO_PID) || null;
const JAVA = env.BENCH_JAVA ?? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';
const CLI_JAR = env.BENCH_CLI_JAR ?? path.join(ROOT, '.cache/bench/trino-cli-476-executable.jar');
const PYTHON = env.BENCH_PYTHON ?? path.join(ROOT, '.cache/bench-venv/bin/python');
const TIMEOUT_MS = Number(env.BENCH_TIMEOUT_S ?? 900) * 1000;
const list = (v, dflt) =>
  v === undefined
    ? dflt
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

const ALL_WORKLOADS = [
  { name: 'orders-10k', sql: 'SELECT * FROM tpch.sf1.orders LIMIT 10000' },
  { name: 'orders-100k', sql: 'SELECT * FROM tpch.sf1.orders LIMIT 100000' },
  { name: 'orders-1m', sql: 'SELECT * FROM tpch.sf1.orders LIMIT 1000000' },
  { name: 'orders', sql: 'SELECT * FROM tpch.sf1.orders' },
  { name: 'lineitem', sql: 'SELECT * FROM tpch.sf1.lineitem' },
];
const ALL_READERS = READERS;
// Readers that talk to the service (so the harness samples its memory and CPU).
const SVC_READERS = new Set([...READERS.filter((r) => r.startsWith('svc-')), 'df-arrow']);
/** The DataFrame race runs in the Arrow suite's venv (pyarrow, pandas, trino). */
const DF_PYTHON = env.BENCH_DF_PYTHON ?? path.join(ROOT, '.cache/arrow-venv/bin/python');

const config = {
  quick: QUICK,
  reps: Number(env.BENCH_REPS ?? (QUICK ? 1 : 3)),
  workloads: list(
    env.BENCH_WORKLOADS,
    QUICK ? ['orders-10k', 'orders-100k', 'orders'] : ALL_WORKLOADS.map((w) => w.name),
  ),
  readers: list(env.BENCH_READERS, ALL_READERS),
  concurrency: list(env.BENCH_CONCURRENCY, QUICK ? ['1', '8'] : ['1', '8', '32']).map(Number),
  concurrencySql: env.BENCH_CONC_SQL ?? 'SELECT * FROM tpch.sf1.orders LIMIT 200000',
  warmup: env.BENCH_WARMUP !== '0',
  timeoutS: TIMEOUT_MS / 1000,
  rssSampleMs: 50,
};

/** stdout+stderr of a command (java -version prints to stderr), or null. */
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return null;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || null;
}

function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const javaV = sh(JAVA, ['-version']);
  return {
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? null,
    cores: os.cpus().length,
    ramGiB: Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1048576,
    kernel: os.release(),
    node: process.version,
    java: javaV?.split('\n').find((l) => /version/.test(l)) ?? null,
    python: sh(PYTHON, ['--version']),
    pythonTrino: sh(PYTHON, ['-c', 'import trino; print(trino.__version__)']),
    trinoClientNpm: JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules/trino-client/package.json'), 'utf8'),
    ).version,
    trinoCli:
      sh(JAVA, ['-jar', CLI_JAR, '--version'])
        ?.split('\n')
        .find((l) => l.includes('Trino CLI')) ?? null,
    gitCommit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    gitDirty: (sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']) ?? '').length > 0,
    loadavgAtStart: os.loadavg(),
  };
}

/** Spawns a child, counts stdout bytes/newlines if asked, kills it after the timeout. */
function spawnChild(cmd, args, { countStdout = false } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    let out = '';
    let err = '';
    let bytes = 0;
    let newlines = 0;
    child.stdout.on('data', (c) => {
      if (countStdout) {
        bytes += c.length;
        for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) newlines++;
      } else out += c;
    });
    child.stderr.on('data', (c) => {
      if (err.length < 20000) err += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, bytes, newlines, processMs: performance.now() - t0 });
    });
  });
}

async function runReader(reader, sql, concurrency = 1) {
  const svc = SVC_READERS.has(reader);
  const sampler = svc ? startRssSampler(SERVICE_PID, config.rssSampleMs) : null;
  const svcCpu0 = svc ? procCpuSeconds(SERVICE_PID) : null;
  const trinoCpu0 = procCpuSeconds(TRINO_PID);
  const load1 = os.loadavg()[0];
  let r;
  let res;
  if (reader === 'trino-cli') {
    res = await spawnChild(
      JAVA,
      [
        '--enable-native-access=ALL-UNNAMED',
        '-jar',
        CLI_JAR,
        '--server',
        TRINO,
        '--user',
        'bench',
        '--output-format',
        'CSV',
        '--execute',
        sql,
      ],
      { countStdout: true },
    );
    // CSV (not CSV_HEADER): one line per row. Wall time includes JVM start-up.
    r = {
      rows: res.newlines,
      bytes: res.bytes,
      ttfrMs: null,
      wallMs: res.processMs,
      clientCpuS: null,
    };
  } else if (reader === 'python-trino') {
    res = await spawnChild(PYTHON, [path.join(BENCH_DIR, 'python_reader.py'), sql]);
  } else if (reader === 'df-arrow' || reader === 'df-trino') {
    const mode = reader === 'df-arrow' ? 'arrow' : 'trino';
    res = await spawnChild(DF_PYTHON, [path.join(BENCH_DIR, 'dataframe_race.py'), mode, sql]);
  } else {
    res = await spawnChild(process.execPath, [
      path.join(BENCH_DIR, 'reader.mjs'),
      JSON.stringify({ reader, sql, concurrency }),
    ]);
  }
  const svcCpu1 = svc ? procCpuSeconds(SERVICE_PID) : null;
  const trinoCpu1 = procCpuSeconds(TRINO_PID);
  const rss = sampler?.stop() ?? null;
  if (!r) {
    try {
      r = JSON.parse(res.out.trim().split('\n').pop());
    } catch {
      r = null;
    }
  }
  const ok = res.code === 0 && r !== null;
  const rec = {
    reader,
    concurrency,
    ok,
    error: ok
      ? undefined
      : `exit ${res.code ?? res.signal}: ${res.err.trim().split('\n').slice(-5).join(' | ')}`,
    rows: r?.rows ?? null,
    bytes: r?.bytes ?? null,
    wallMs: r?.wallMs ?? null,
    processMs: res.processMs,
    ttfrMs: r?.ttfrMs ?? null,
    clientCpuS: r?.clientCpuS ?? null,
    svcRssBeforeMiB: rss ? mib(rss.before) : null,
    svcPeakRssMiB: rss ? mib(rss.peak) : null,
    svcRssSamples: rss?.samples ?? null,
    svcCpuS: svcCpu0 !== null && svcCpu1 !== null ? svcCpu1 - svcCpu0 : null,
    trinoCpuS: trinoCpu0 !== null && trinoCpu1 !== null ? trinoCpu1 - trinoCpu0 : null,
    loadavg1Before: load1,
  };
  if (r?.streams) {
    rec.ttfrMs = median(r.streams.map((s) => s.ttfrMs));
    rec.streamWallMs = stats(r.streams.map((s) => s.wallMs));
    rec.streamRows = r.streams.map((s) => s.rows);
  }
  if (r?.clientVersion) rec.clientVersion = r.clientVersion;
  rec.rowsPerS = ok && rec.rows !== null ? rec.rows / (rec.wallMs / 1000) : null;
  rec.bytesPerS = ok && rec.bytes !== null ? rec.bytes / (rec.wallMs / 1000) : null;
  return rec;
}

const fmtRun = (x) =>
  `${x.workload.padEnd(16)} ${x.reader.padEnd(13)} rep ${x.rep} ` +
  (x.ok
    ? `${String(x.rows).padStart(8)} rows ${(x.wallMs / 1000).toFixed(2).padStart(7)} s ` +
      `${Math.round(x.rowsPerS).toLocaleString('en-US').padStart(10)} rows/s` +
      (x.ttfrMs !== null ? ` ttfr ${Math.round(x.ttfrMs)} ms` : '') +
      (x.svcPeakRssMiB !== null
        ? ` rss ${x.svcRssBeforeMiB.toFixed(0)}→${x.svcPeakRssMiB.toFixed(0)} MiB cpu ${x.svcCpuS.toFixed(2)} s`
        : '') +
      (x.rowsMatch === false ? `  ROW COUNT MISMATCH (expected ${x.expectedRows})` : '')
    : `FAILED ${x.error}`);

function summarise(runs) {
  const groups = new Map();
  for (const r of runs) {
    const k = `${r.workload}\u0000${r.reader}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const out = [];
  for (const rs of groups.values()) {
    const good = rs.filter((r) => r.ok && r.rowsMatch !== false);
    const s = (k) => stats(good.map((r) => r[k]));
    out.push({
      workload: rs[0].workload,
      reader: rs[0].reader,
      concurrency: rs[0].concurrency,
      expectedRows: rs[0].expectedRows,
      runs: rs.length,
      okRuns: good.length,
      rowsPerS: s('rowsPerS'),
      bytesPerS: s('bytesPerS'),
      wallMs: s('wallMs'),
      ttfrMs: s('ttfrMs'),
      clientCpuS: s('clientCpuS'),
      svcRssBeforeMiB: s('svcRssBeforeMiB'),
      svcPeakRssMiB: s('svcPeakRssMiB'),
      svcCpuS: s('svcCpuS'),
      trinoCpuS: s('trinoCpuS'),
    });
  }
  for (const g of out) {
    const ratio = (reader) => {
      const base = out.find((b) => b.workload === g.workload && b.reader === reader);
      return base?.rowsPerS && g.rowsPerS ? g.rowsPerS.median / base.rowsPerS.median : null;
    };
    g.ratioToLimit = ratio('limit');
    g.ratioToBytes = ratio('trino-bytes');
  }
  return out;
}

async function main() {
  if (PROFILE && !SERVICE_PID) throw new Error('BENCH_SERVICE_PID is required');
  if (!SERVICE_PID) console.warn('BENCH_SERVICE_PID not set: service RSS/CPU will be null');
  const startedAt = new Date();
  const date = localDate(startedAt);
  const resultsDir = path.join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });

  if (PROFILE) {
    const sql = env.BENCH_PROFILE_SQL ?? 'SELECT * FROM tpch.sf1.lineitem';
    console.log(`profile run: svc-csv ${sql}`);
    const r = await runReader('svc-csv', sql);
    console.log(fmtRun({ ...r, workload: 'profile', rep: 1 }));
    writeFileSync(
      path.join(resultsDir, `${date}-profile-run.json`),
      JSON.stringify({ sql, run: r }, null, 2),
    );
    if (!r.ok) process.exit(1);
    return;
  }

  const suffix = env.BENCH_TAG ?? (QUICK ? '-quick' : '');
  const base = path.join(resultsDir, `${date}${suffix}`);
  const workloads = config.workloads.map((n) => {
    const w = ALL_WORKLOADS.find((x) => x.name === n);
    if (!w)
      throw new Error(
        `unknown workload ${n}; known: ${ALL_WORKLOADS.map((x) => x.name).join(', ')}`,
      );
    return { ...w };
  });
  for (const r of config.readers)
    if (!ALL_READERS.includes(r)) throw new Error(`unknown reader ${r}`);

  const doc = {
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    config,
    machine: machineInfo(),
    trino: { url: TRINO, info: await (await request(`${TRINO}/v1/info`)).body.json() },
    notes: [
      'rows/s = rows / wallMs. wallMs is measured inside the reader from just before the first request ' +
        '(Node readers, python-trino), so process start-up is excluded; for trino-cli it is spawn-to-exit ' +
        'and includes JVM start-up (processMs is spawn-to-exit for every reader).',
      'svcPeakRssMiB: max of /proc/<pid>/status VmRSS sampled every 50 ms during the run; svcCpuS: delta of utime+stime.',
      'trino-client and python-trino expose no byte counts (bytes null). trino-cli has no TTFR (null).',
      'The machine is shared (2 cores, other test runs): see loadavg1Before per run.',
    ],
    workloads: [],
    runs: [],
    summary: [],
  };
  const save = () => {
    doc.summary = summarise(doc.runs);
    writeFileSync(`${base}.json`, JSON.stringify(doc, null, 2));
  };

  console.log(`trino-stream bench: ${JSON.stringify(config)}`);
  for (const w of workloads) {
    w.expectedRows = await trinoScalar(TRINO, `SELECT count(*) FROM (${w.sql})`);
    doc.workloads.push(w);
  }
  const conc = config.concurrency.map((n) => ({
    name: `concurrency-${n}`,
    sql: config.concurrencySql,
    concurrency: n,
  }));
  if (conc.length) {
    const per = await trinoScalar(TRINO, `SELECT count(*) FROM (${config.concurrencySql})`);
    for (const c of conc) {
      c.expectedRows = per * c.concurrency;
      doc.workloads.push(c);
    }
  }

  if (config.warmup) {
    console.log('warm-up (not recorded): limit and svc-csv on orders LIMIT 100000');
    for (const r of ['limit', 'svc-csv'])
      await runReader(r, 'SELECT * FROM tpch.sf1.orders LIMIT 100000');
  }

  const record = (w, rep, order, r) => {
    const rec = {
      workload: w.name,
      rep,
      order,
      startedAt: new Date().toISOString(),
      expectedRows: w.expectedRows,
      ...r,
    };
    rec.rowsMatch = rec.ok ? rec.rows === w.expectedRows : null;
    doc.runs.push(rec);
    console.log(fmtRun(rec));
    save();
  };

  // Workload by workload; within a workload, repetitions alternate the readers and rotate the
  // order each repetition, so slow drifts in machine load spread over all readers.
  for (const w of workloads) {
    for (let rep = 1; rep <= config.reps; rep++) {
      const k = (rep - 1) % config.readers.length;
      const order = [...config.readers.slice(k), ...config.readers.slice(0, k)];
      for (const [i, reader] of order.entries()) record(w, rep, i, await runReader(reader, w.sql));
    }
  }
  for (let rep = 1; rep <= config.reps; rep++) {
    const order = rep % 2 ? conc : [...conc].reverse();
    for (const [i, c] of order.entries())
      record(c, rep, i, await runReader('svc-csv', c.sql, c.concurrency));
  }

  doc.finishedAt = new Date().toISOString();
  doc.machine.loadavgAtEnd = os.loadavg();
  save();
  const svgDir = env.BENCH_SVG_DIR ?? (QUICK ? resultsDir : path.join(ROOT, 'docs'));
  const svgPrefix = env.BENCH_SVG_DIR || !QUICK ? '' : `${date}${suffix}-`;
  const files = writeReports(doc, { mdPath: `${base}.md`, svgDir, svgPrefix });
  console.log(`\nwrote ${base}.json\n${files.map((f) => `wrote ${f}`).join('\n')}`);
  const failed = doc.runs.filter((r) => !r.ok || r.rowsMatch === false).length;
  console.log(`\n${readFileSync(`${base}.md`, 'utf8')}`);
  if (failed) {
    console.error(`${failed} run(s) failed or returned the wrong row count`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.stack ?? e);
    process.exit(1);
  });
}
