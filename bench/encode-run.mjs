// One measurement for bench/encode.mjs: the service's CPU for turning recorded Trino pages
// into one format, in this process, with nothing else running in it (no Trino, no sockets).
// Args: <build dir> <pages dir> <format: csv|json|arrow|arrow-lz4> <passes>. Prints JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [buildDir, pagesDir, format, passes] = process.argv.slice(2);
const load = createRequire(path.join(buildDir, 'package.json'));
const dist = (m) => load(path.join(buildDir, 'dist/src', m));
// First, as main.ts does: WebAssembly (the LZ4 blocks) then compiles as in the service.
dist('wasm-tiers.js');
const { PageTokenizer, Scratch } = dist('trino/page-tokenizer.js');
const { compileColumns } = dist('query/encoders/columns.js');
const { arrowFormat } = dist('query/formats/arrow.format.js');
const { csvFormat } = dist('query/formats/csv.format.js');
const { jsonFormat } = dist('query/formats/json.format.js');

const pages = readdirSync(pagesDir)
  .sort()
  .map((f) => readFileSync(path.join(pagesDir, f)));
const make = {
  csv: () => csvFormat(),
  json: () => jsonFormat(),
  arrow: () => arrowFormat(),
  'arrow-lz4': () => arrowFormat(undefined, 'lz4'),
}[format];
// The stretch each format's rows call gets in the service (trino-statement.ts, the formats).
const scanBytes = make().scanBytes ?? 32 * 1024;

/** One pass over every page, as TrinoStatement feeds a format; returns rows and output size. */
function pass() {
  const out = make();
  const scratch = new Scratch();
  let cols;
  let rows = 0;
  let bytes = 0;
  let first = true;
  const take = (tokenizer, slices) => {
    if (!cols && tokenizer.head.columns) {
      cols = compileColumns(tokenizer.head.columns);
      bytes += out.head(cols, 'bench').length;
    }
    if (!slices || slices.count === 0) return;
    bytes += out.rows(cols, slices, first).length;
    first = false;
    rows += slices.count;
  };
  for (const page of pages) {
    const tokenizer = new PageTokenizer(cols?.source.length, scratch);
    for (let s = 0; s < page.length; s += scanBytes)
      take(tokenizer, tokenizer.write([page.subarray(s, s + scanBytes)]));
    take(tokenizer, tokenizer.end());
  }
  bytes += out.end(rows, false, 'bench').length;
  return { rows, bytes };
}

pass(); // warm-up: compiled code, grown buffers
const cpuMs = [];
let result;
for (let i = 0; i < Number(passes); i++) {
  const start = process.cpuUsage();
  result = pass();
  const used = process.cpuUsage(start);
  cpuMs.push((used.user + used.system) / 1000);
}
console.log(JSON.stringify({ ...result, cpuMs }));
