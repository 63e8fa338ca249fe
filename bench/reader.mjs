// One benchmark run of one Node reader, in its own process so readers do not share a heap or
// an event loop with the harness. Usage:
//   node bench/reader.mjs '{"reader":"limit","sql":"SELECT ...","concurrency":1}'
// Prints one JSON line: { rows, bytes, ttfrMs, wallMs, clientCpuS, streams? }.
// wallMs/ttfrMs are measured from just before the first request is sent.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import { Message } from 'apache-arrow';
import { Agent, request } from 'undici';
import { PatternCounter } from './lib.mjs';

const require = createRequire(import.meta.url);
const opts = JSON.parse(process.argv[2]);
const TRINO = opts.trinoUrl ?? process.env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const SERVICE = opts.serviceUrl ?? process.env.BENCH_SERVICE_URL ?? 'http://127.0.0.1:3100';
const SVC_AUTH =
  'Basic ' +
  Buffer.from(process.env.BENCH_SERVICE_CREDENTIALS ?? 'alice:alice-password').toString('base64');

const agent = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 });

/** POST /v1/statement as the bench user. */
function submit(sql) {
  return request(`${TRINO}/v1/statement`, {
    method: 'POST',
    body: sql,
    headers: { 'X-Trino-User': 'bench', 'Content-Type': 'text/plain' },
    dispatcher: agent,
  });
}

/** Baseline: Trino's own protocol, minimal. POST /v1/statement, follow nextUri, drop pages. */
async function limitReader(sql, t0) {
  let rows = 0;
  let bytes = 0;
  let ttfrMs = null;
  let res = await submit(sql);
  for (;;) {
    const chunks = [];
    for await (const c of res.body) {
      bytes += c.length;
      chunks.push(c);
    }
    if (res.statusCode !== 200) throw new Error(`Trino HTTP ${res.statusCode}`);
    const page = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (page.error) throw new Error(`Trino: ${page.error.message}`);
    if (page.data?.length) {
      if (ttfrMs === null) ttfrMs = performance.now() - t0;
      rows += page.data.length;
    }
    if (!page.nextUri) break;
    res = await request(page.nextUri, {
      headers: { 'X-Trino-User': 'bench' },
      dispatcher: agent,
    });
  }
  return { rows, bytes, ttfrMs };
}

/**
 * The physical limit of Trino's output here: follows `nextUri` and discards each page's bytes
 * unparsed. The `nextUri` is found by text search near the start of the page (Trino writes it
 * before `columns` and `data`), and rows are counted as `],[` separators plus one per page
 * with data, which is exact for TPC-H (its values hold no `],[`).
 */
async function trinoBytesReader(sql, t0) {
  let rows = 0;
  let bytes = 0;
  let ttfrMs = null;
  const NEXT = Buffer.from('"nextUri":"');
  let res = await submit(sql);
  for (;;) {
    if (res.statusCode !== 200) throw new Error(`Trino HTTP ${res.statusCode}`);
    const seps = new PatternCounter('],[');
    const data = new PatternCounter('"data":[[');
    let head = Buffer.alloc(0);
    let nextUri;
    for await (const c of res.body) {
      bytes += c.length;
      seps.push(c);
      data.push(c);
      if (head.length < 4096) head = Buffer.concat([head, c]).subarray(0, 4096);
      if (nextUri === undefined) {
        const at = head.indexOf(NEXT);
        const end = at < 0 ? -1 : head.indexOf('"', at + NEXT.length);
        if (end > 0) nextUri = head.subarray(at + NEXT.length, end).toString('utf8');
      }
    }
    if (data.count) {
      rows += seps.count + 1;
      if (ttfrMs === null) ttfrMs = performance.now() - t0;
    }
    if (!nextUri) break;
    res = await request(nextUri, { headers: { 'X-Trino-User': 'bench' }, dispatcher: agent });
  }
  return { rows, bytes, ttfrMs };
}

/** npm trino-client: iterate QueryResult pages. It exposes no byte count. */
async function trinoClientReader(sql, t0) {
  const { Trino, BasicAuth } = require('trino-client');
  const trino = Trino.create({
    server: TRINO,
    catalog: 'tpch',
    schema: 'sf1',
    auth: new BasicAuth('bench'),
  });
  let rows = 0;
  let ttfrMs = null;
  const iter = await trino.query(sql);
  for await (const r of iter) {
    if (r.error) throw new Error(`Trino: ${r.error.message}`);
    if (r.data?.length) {
      if (ttfrMs === null) ttfrMs = performance.now() - t0;
      rows += r.data.length;
    }
  }
  return { rows, bytes: null, ttfrMs };
}

/**
 * The service's endpoints, consumed as bytes arrive. Rows are counted without parsing:
 *  csv:  '\n' minus the header line (TPC-H values contain no newlines; verified against count(*))
 *  sse:  occurrences of "type":"row" (JSON escapes quotes inside values, so no false hits)
 *  json: '},{' after the '"data":[' marker, plus one if a row exists
 *  arrow: the record batches' row counts, from their headers (ArrowRowCounter)
 * With `coding` (gzip, br) the body is asked for compressed; `bytes` are then the bytes on the
 * wire, and rows are counted in the decompressed text. With `accept`, the request's Accept
 * header (an Arrow stream with lz4 buffers, which the reader decompresses as it reads).
 */
async function serviceReader(format, sql, t0, coding, accept) {
  const path = {
    csv: '/query/download/csv',
    json: '/query/download/json',
    arrow: '/query/download/arrow',
    sse: '/query',
  }[format];
  const res = await request(`${SERVICE}${path}`, {
    method: 'POST',
    body: JSON.stringify({ sql }),
    headers: {
      'Content-Type': 'application/json',
      Authorization: SVC_AUTH,
      ...(coding ? { 'Accept-Encoding': coding } : {}),
      ...(accept ? { Accept: accept } : {}),
    },
    dispatcher: agent,
  });
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    // Past the replica's memory budget the service refuses at once; the mixed runs count that.
    if (opts.countRefused && res.statusCode === 503 && res.headers['retry-after'] === '1') {
      if (JSON.parse(text).errorName === 'REPLICA_FULL')
        return { rows: 0, bytes: 0, ttfrMs: null, refused: 1 };
    }
    throw new Error(`service HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  }
  if ((res.headers['content-encoding'] ?? undefined) !== coding)
    throw new Error(`asked for ${coding ?? 'identity'}, got ${res.headers['content-encoding']}`);
  const wire = { bytes: 0 };
  const body = decoded(res.body, coding, wire);
  let ttfrMs = null;
  let rows = 0;
  if (format === 'csv') {
    const nl = new PatternCounter('\n');
    for await (const c of body) {
      nl.push(c);
      if (ttfrMs === null && nl.count >= 2) ttfrMs = performance.now() - t0;
    }
    rows = Math.max(0, nl.count - 1);
  } else if (format === 'arrow') {
    const counter = new ArrowRowCounter();
    for await (const c of body) {
      counter.push(c);
      if (ttfrMs === null && counter.rows > 0) ttfrMs = performance.now() - t0;
    }
    if (!counter.ended) throw new Error('Arrow stream ended without its end-of-stream marker');
    rows = counter.rows;
  } else if (format === 'sse') {
    const rowEv = new PatternCounter('"type":"row"');
    const errEv = new PatternCounter('"type":"error"');
    for await (const c of body) {
      rowEv.push(c);
      errEv.push(c);
      if (ttfrMs === null && rowEv.count >= 1) ttfrMs = performance.now() - t0;
    }
    if (errEv.count) throw new Error('SSE stream carried an error event');
    rows = rowEv.count;
  } else {
    const marker = new PatternCounter('"data":[');
    const first = new PatternCounter('"data":[{');
    const sep = new PatternCounter('},{');
    const err = new PatternCounter('],"error":');
    let inData = false;
    for await (const c of body) {
      err.push(c);
      if (!inData) {
        // The header (metadata) is small and arrives in the first chunk(s); count separators
        // only in chunks after the marker chunk, and in the marker chunk only after the marker.
        marker.push(c);
        first.push(c);
        if (marker.count) {
          inData = true;
          const s = c.toString('latin1');
          const at = s.indexOf('"data":[');
          sep.push(at >= 0 ? c.subarray(at) : c);
        }
      } else {
        sep.push(c);
        if (!first.count) first.push(c);
      }
      if (ttfrMs === null && first.count) ttfrMs = performance.now() - t0;
    }
    if (err.count) throw new Error('JSON document ends with an error member');
    rows = first.count ? sep.count + 1 : 0;
  }
  return { rows, bytes: wire.bytes, ttfrMs };
}

/**
 * Counts an Arrow IPC stream's rows from its record batch headers alone, as the CSV reader
 * counts line ends: the bodies (values, compressed or not) are skipped, never decoded, so the
 * bench measures the service rather than a JavaScript Arrow reader sharing its two cores.
 * `ended` is true once the end-of-stream marker arrived.
 */
class ArrowRowCounter {
  rows = 0;
  ended = false;
  #pending = Buffer.alloc(0);
  /** Body bytes still to skip. */
  #skip = 0;

  push(chunk) {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    for (;;) {
      if (this.#skip) {
        const n = Math.min(this.#skip, buf.length);
        this.#skip -= n;
        buf = buf.subarray(n);
        if (this.#skip) break;
      }
      if (buf.length < 8) break;
      // A message: 0xFFFFFFFF, the metadata's length, the metadata, then its body.
      const length = buf.readInt32LE(4);
      if (length === 0) {
        this.ended = true;
        buf = buf.subarray(8);
        continue;
      }
      if (buf.length < 8 + length) break;
      const message = Message.decode(buf.subarray(8, 8 + length));
      if (message.isRecordBatch()) this.rows += message.header().length;
      this.#skip = message.bodyLength;
      buf = buf.subarray(8 + length);
    }
    this.#pending = Buffer.from(buf);
  }
}

/** The body's chunks, decompressed when `coding` is set; counts the bytes on the wire. */
async function* decoded(body, coding, wire) {
  async function* counted() {
    for await (const c of body) {
      wire.bytes += c.length;
      yield c;
    }
  }
  if (!coding) {
    yield* counted();
    return;
  }
  const decoder = coding === 'gzip' ? createGunzip() : createBrotliDecompress();
  // pipeline destroys the decoder when the body fails, so the loop below throws too.
  pipeline(Readable.from(counted()), decoder, () => undefined);
  yield* decoder;
}

/** Arrow's HTTP convention for asking for compressed buffers (docs/arrow.md). */
const ARROW_LZ4 = 'application/vnd.apache.arrow.stream; codecs=lz4';

/** The formats of the load test, in turn: stream i of a `svc-mixed` run reads MIXED[i % 3]. */
const MIXED = ['csv', 'json', 'sse'];

function runOne(reader, sql, t0, i) {
  switch (reader) {
    case 'svc-mixed':
      return serviceReader(MIXED[i % MIXED.length], sql, t0);
    case 'limit':
      return limitReader(sql, t0);
    case 'trino-bytes':
      return trinoBytesReader(sql, t0);
    case 'trino-client':
      return trinoClientReader(sql, t0);
    case 'svc-csv':
      return serviceReader('csv', sql, t0);
    case 'svc-json':
      return serviceReader('json', sql, t0);
    case 'svc-sse':
      return serviceReader('sse', sql, t0);
    case 'svc-arrow':
      return serviceReader('arrow', sql, t0);
    case 'svc-arrow-lz4':
      return serviceReader('arrow', sql, t0, undefined, ARROW_LZ4);
    case 'svc-csv-gzip':
      return serviceReader('csv', sql, t0, 'gzip');
    case 'svc-json-gzip':
      return serviceReader('json', sql, t0, 'gzip');
    case 'svc-csv-br':
      return serviceReader('csv', sql, t0, 'br');
    case 'svc-json-br':
      return serviceReader('json', sql, t0, 'br');
    default:
      throw new Error(`unknown reader ${reader}`);
  }
}

async function main() {
  const n = opts.concurrency ?? 1;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const streams = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const s0 = performance.now();
      const r = await runOne(opts.reader, opts.sql, s0, i);
      return { ...r, wallMs: performance.now() - s0 };
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sum = (k) =>
    streams.some((s) => s[k] === null) ? null : streams.reduce((a, s) => a + s[k], 0);
  const out = {
    rows: sum('rows'),
    bytes: sum('bytes'),
    ttfrMs: n === 1 ? streams[0].ttfrMs : Math.min(...streams.map((s) => s.ttfrMs ?? Infinity)),
    wallMs,
    clientCpuS: (cpu.user + cpu.system) / 1e6,
    refused: streams.reduce((a, s) => a + (s.refused ?? 0), 0),
  };
  if (n > 1) out.streams = streams;
  process.stdout.write(JSON.stringify(out) + '\n');
  await agent.close();
}

main().catch((e) => {
  process.stderr.write(`reader ${opts.reader}: ${e.stack ?? e}\n`);
  process.exit(1);
});
