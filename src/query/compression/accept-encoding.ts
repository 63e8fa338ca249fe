/** A content coding the service can write a download in. */
export type ContentCoding = 'br' | 'zstd' | 'gzip';

/**
 * Among codings the client accepts equally, the service's choice: brotli at its fast quality
 * gave smaller bodies than gzip at its fastest level for half the CPU (docs/compression.md);
 * zstd, where Node has it, before gzip.
 */
const SERVER_PREFERENCE: readonly ContentCoding[] = ['br', 'zstd', 'gzip'];

/** One entry of Accept-Encoding: `gzip;q=0.5`. */
interface Weighted {
  coding: string;
  q: number;
}

/** RFC 9110 §12.4.2: a qvalue is 0 to 1 with at most three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The header's entries; a malformed one (a bad qvalue, an empty name) is skipped, not fatal. */
function entries(header: string): Weighted[] {
  const out: Weighted[] = [];
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    if (!name) continue;
    let q = 1;
    let valid = true;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k?.toLowerCase() !== 'q') continue;
      if (v === undefined || !QVALUE.test(v)) valid = false;
      else q = Number(v);
    }
    // x-gzip is gzip (RFC 9110 §8.4.1.3).
    const coding = name.toLowerCase() === 'x-gzip' ? 'gzip' : name.toLowerCase();
    if (valid) out.push({ coding, q });
  }
  return out;
}

/**
 * The coding a response should use for `header` (RFC 9110 §12.5.3): the highest qvalue wins,
 * ties go to a compressed coding in the server's order; `identity` when the client did not ask
 * or asked for nothing the service has.
 * Returns undefined when nothing the service can write is acceptable, identity included
 * (`identity;q=0`, or `*;q=0` without identity listed): the caller answers 406.
 */
export function negotiateEncoding(
  header: string | undefined,
  available: readonly ContentCoding[],
): ContentCoding | 'identity' | undefined {
  if (header === undefined || header.trim() === '') return 'identity';
  const listed = entries(header);
  const qOf = (coding: string): number | undefined =>
    listed.find((e) => e.coding === coding)?.q ?? listed.find((e) => e.coding === '*')?.q;
  let best: ContentCoding | 'identity' | undefined;
  let bestQ = 0;
  for (const coding of SERVER_PREFERENCE) {
    const q = available.includes(coding) ? (qOf(coding) ?? 0) : 0;
    if (q > bestQ) [best, bestQ] = [coding, q];
  }
  // Identity is acceptable unless excluded by name or by `*`; when not named it is the
  // fallback, below any coding the client lists (`gzip;q=0.3` alone means gzip).
  const identityQ = qOf('identity') ?? Number.MIN_VALUE;
  if (identityQ > bestQ) best = 'identity';
  return best;
}
