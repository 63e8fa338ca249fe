// Encoding CPU on recorded pages (npm run bench:encode [-- <commit>]): the service's own work
// from Trino's page bytes to a format's output (tokenizer, values, framing, LZ4), measured in
// a process of its own with no Trino, sockets or HTTP client sharing the two cores. Service
// CPU in a live download moves 10-15 % between repetitions here; this moves a few percent, so
// a change to the encoders can be measured against its commit.
// Pages of each table are fetched from Trino once into bench/tmp/pages-<table>/. Per
// repetition the builds take turns (order alternating); each format runs in a fresh process:
// a warm-up pass, then BENCH_ENCODE_PASSES passes, of which the fastest counts.
// Env: BENCH_BUILDS (name=dir,...; set by scripts/bench-builds.sh), BENCH_ENCODE_TABLES
// (orders,lineitem), BENCH_ENCODE_FORMATS (csv,json,arrow,arrow-lz4), BENCH_ENCODE_REPS (2),
// BENCH_ENCODE_PASSES (3), BENCH_TRINO_URL, BENCH_TAG.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDate, median } from './lib.mjs';

const env = process.env;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRINO = env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const list = (v, d) => (v ?? d).split(',').filter(Boolean);
const builds = list(env.BENCH_BUILDS, `after=${ROOT}`).map((b) => b.split('='));
const TABLES = list(env.BENCH_ENCODE_TABLES, 'orders,lineitem');
const FORMATS = list(env.BENCH_ENCODE_FORMATS, 'csv,json,arrow,arrow-lz4');
const REPS = Number(env.BENCH_ENCODE_REPS ?? 2);
const PASSES = Number(env.BENCH_ENCODE_PASSES ?? 3);

/** Trino's pages of `SELECT * FROM tpch.sf1.<table>`, as sent, one file each. */
async function record(table) {
  const dir = path.join(ROOT, 'bench/tmp', `pages-${table}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const headers = { 'X-Trino-User': 'bench' };
  let res = await fetch(`${TRINO}/v1/statement`, {
    method: 'POST',
    headers,
    body: `SELECT * FROM tpch.sf1.${table}`,
  });
  for (let i = 0; ; i++) {
    if (!res.ok) throw new Error(`Trino answered ${res.status} for ${table}`);
    const body = Buffer.from(await res.arrayBuffer());
    writeFileSync(path.join(partial, `${String(i).padStart(5, '0')}.json`), body);
    const page = JSON.parse(body.toString('utf8'));
    if (page.error) throw new Error(`${table}: ${page.error.message}`);
    if (!page.nextUri) break;
    res = await fetch(page.nextUri, { headers });
  }
  renameSync(partial, dir);
  return dir;
}

function measure(dir, pages, format) {
  const out = execFileSync(
    process.execPath,
    [path.join(ROOT, 'bench/encode-run.mjs'), dir, pages, format, String(PASSES)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.toString().trim().split('\n').pop());
}

const runs = [];
for (const table of TABLES) {
  const pages = await record(table);
  for (let rep = 1; rep <= REPS; rep++) {
    const order = rep % 2 ? builds : [...builds].reverse();
    for (const [build, dir] of order)
      for (const format of FORMATS) {
        const r = measure(dir, pages, format);
        const best = Math.min(...r.cpuMs);
        runs.push({ table, rep, build, format, rows: r.rows, output: r.bytes, best });
        console.log(
          `${build} ${table} ${format} rep ${rep}: ${r.cpuMs.map((ms) => ms.toFixed(0)).join(', ')} ms CPU, ${r.rows} rows`,
        );
      }
  }
}

// Seconds of CPU per million rows, median over repetitions of each one's fastest pass.
const perM = (table, build, format) => {
  const mine = runs.filter((r) => r.table === table && r.build === build && r.format === format);
  return median(mine.map((r) => (r.best / 1000 / r.rows) * 1e6));
};
const names = builds.map(([b]) => b);
const lines = [
  `Encoding CPU on recorded pages (bench/encode.mjs), ${REPS} repetitions × best of ${PASSES} passes, median; s per million rows, and × the same build's CSV.`,
  '',
  `| table | format | ${names.map((b) => `${b}: CPU s/M, × CSV`).join(' | ')} |`,
  `|---|---|${names.map(() => '---').join('|')}|`,
];
for (const table of TABLES)
  for (const format of FORMATS) {
    const cells = names.map((b) => {
      const v = perM(table, b, format);
      const csv = perM(table, b, 'csv');
      return `${v.toFixed(3)}, ${csv ? (v / csv).toFixed(2) : '–'}`;
    });
    lines.push(`| ${table} | ${format} | ${cells.join(' | ')} |`);
  }
const file = path.join(ROOT, 'bench/results', `${localDate()}-encode${env.BENCH_TAG ?? ''}`);
writeFileSync(`${file}.json`, JSON.stringify({ builds, REPS, PASSES, runs }, null, 1));
writeFileSync(`${file}.md`, `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\nwrote ${file}.json and ${file}.md`);
