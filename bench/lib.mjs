// Shared helpers for the benchmark harness (plain ESM, run directly with node; no build step).
import { readFileSync } from 'node:fs';
import { request } from 'undici';

/**
 * Counts occurrences of a byte pattern in a stream of chunks, including matches that straddle
 * chunk boundaries (the last pattern.length-1 bytes of each chunk are carried over).
 */
/** Every reader, in the order tables and charts show them (the baseline first). */
export const READERS = [
  'trino-bytes',
  'limit',
  'trino-cli',
  'trino-client',
  'python-trino',
  'svc-csv',
  'svc-json',
  'svc-sse',
  'svc-arrow',
  'svc-arrow-lz4',
  'svc-csv-gzip',
  'svc-json-gzip',
  'svc-csv-br',
  'svc-json-br',
  'df-arrow',
  'df-trino',
];

export class PatternCounter {
  constructor(pattern) {
    this.pattern = Buffer.from(pattern);
    this.carry = Buffer.alloc(0);
    this.count = 0;
  }

  /** Feeds one chunk; returns the number of matches that completed inside it. */
  push(chunk) {
    const p = this.pattern;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let n = 0;
    let i = buf.indexOf(p);
    while (i !== -1) {
      n++;
      i = buf.indexOf(p, i + p.length);
    }
    // Keep a tail that cannot contain a whole match already counted.
    const keep = Math.min(p.length - 1, buf.length);
    this.carry = keep > 0 ? Buffer.from(buf.subarray(buf.length - keep)) : Buffer.alloc(0);
    // A match fully inside the carried tail was counted in the previous round; the tail is
    // shorter than the pattern, so that cannot happen.
    this.count += n;
    return n;
  }
}

export const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat times are in these ticks

/** user+system CPU seconds of a process from /proc/<pid>/stat, or null. */
export function procCpuSeconds(pid) {
  if (!pid) return null;
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces: split after the closing parenthesis
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** VmRSS of a process in bytes, or null. */
export function procRssBytes(pid) {
  if (!pid) return null;
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples VmRSS every intervalMs until stop(); returns { before, peak, samples }. */
export function startRssSampler(pid, intervalMs = 50) {
  const before = procRssBytes(pid);
  let peak = before ?? 0;
  let samples = 0;
  const t = setInterval(() => {
    const v = procRssBytes(pid);
    if (v !== null) {
      samples++;
      if (v > peak) peak = v;
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(t);
      const v = procRssBytes(pid);
      if (v !== null && v > peak) peak = v;
      return { before, peak: before === null ? null : peak, samples };
    },
  };
}

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function stats(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (!v.length) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

export const fmtNum = (x, digits = 0) =>
  x === null || x === undefined
    ? '–'
    : Number(x).toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      });

/** 1234567 -> "1.23 M", 12345 -> "12.3 k". */
export function fmtSi(x) {
  if (x === null || x === undefined) return '–';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)} G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (a >= 1e3) return `${(x / 1e3).toPrecision(3)} k`;
  return x.toPrecision(3);
}

export const mib = (b) => (b === null || b === undefined ? null : b / 1048576);

export function localDate(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The first value of `sql`'s result, read straight from Trino (the runs' expected counts). */
export async function trinoScalar(trino, sql) {
  let res = await request(`${trino}/v1/statement`, {
    method: 'POST',
    body: sql,
    headers: { 'X-Trino-User': 'bench' },
  });
  let value = null;
  for (;;) {
    const page = await res.body.json();
    if (page.error) throw new Error(page.error.message);
    if (page.data?.length) value = page.data[0][0];
    if (!page.nextUri) return value;
    res = await request(page.nextUri, { headers: { 'X-Trino-User': 'bench' } });
  }
}
