import { parseExact } from '../../trino/exact-json';
import { Token, type RowSlices } from '../../trino/row-slices';
import { pageWriter, type ByteWriter, type Fragment } from './byte-writer';
import type { ResultColumns } from './columns';
import { csvField } from './value-encoder';

const NULL = Buffer.from('null');
const DOT = 46;
const ZERO = 48;

/** Below 1e-6 JavaScript switches to exponent notation: `0.000000` or `-0.000000` at the start. */
function tiny(b: Uint8Array, s: number, e: number): boolean {
  const from = b[s] === 45 ? s + 1 : s;
  if (e - from < 8 || b[from] !== ZERO || b[from + 1] !== DOT) return false;
  for (let i = from + 2; i < from + 8; i++) if (b[i] !== ZERO) return false;
  return true;
}

/**
 * A number with a fraction, as the service has always written it (JSON.parse, then String).
 * Its text is copied, less trailing fraction zeros, when that is provably what
 * String(Number(text)) gives: at most 15 significant digits (each such decimal maps to its own
 * double, whose shortest form is those digits) and inside the range where JavaScript writes
 * plain notation. Anything else, and every exponent, takes the slow path. (An integer is
 * copied as it is, so a BIGINT never loses a digit.)
 */
export function writeFraction(w: ByteWriter, b: Buffer, s: number, e: number): void {
  if (e - s > 16 || tiny(b, s, e)) return slowNumber(w, b, s, e);
  let end = e;
  while (b[end - 1] === ZERO) end--;
  if (b[end - 1] === DOT) end--;
  // "-0.0" is negative zero, which String() writes as "0".
  if (end - s === 2 && b[s] === 45 && b[s + 1] === ZERO) return w.byte(ZERO);
  w.copy(b, s, end);
}

function slowNumber(w: ByteWriter, b: Buffer, s: number, e: number): void {
  w.text(String(Number(b.toString('latin1', s, e))));
}

/** Value `k` (of column `c`) as JSON text, exactly as the value encoders write it. */
function writeJson(w: ByteWriter, cols: ResultColumns, c: number, rs: RowSlices, k: number): void {
  const b = rs.bytes;
  const s = rs.starts[k];
  const e = rs.ends[k];
  switch (rs.kinds[k]) {
    case Token.Null:
      return w.bytes(NULL);
    case Token.Fraction:
      return writeFraction(w, b, s, e);
    case Token.Exponent:
      return slowNumber(w, b, s, e);
    case Token.String:
    case Token.Comma:
      // A DECIMAL arrives as a string and is written as a JSON number with all its digits.
      return cols.bare[c] ? w.copy(b, s + 1, e - 1) : w.copy(b, s, e);
    case Token.Escaped: {
      const v = JSON.parse(b.toString('utf8', s, e)) as string;
      return w.text(cols.bare[c] ? v : JSON.stringify(v));
    }
    case Token.Nested:
      return w.text(cols.json[c](parseExact(b.toString('utf8', s, e))));
    default:
      // An integer (every digit kept) or a boolean: copied as it is.
      return w.copy(b, s, e);
  }
}

/** Value `k` (of column `c`) as an RFC 4180 field. */
export function writeCsv(
  w: ByteWriter,
  cols: ResultColumns,
  c: number,
  rs: RowSlices,
  k: number,
): void {
  const b = rs.bytes;
  const s = rs.starts[k];
  const e = rs.ends[k];
  switch (rs.kinds[k]) {
    case Token.Null:
      return;
    case Token.Fraction:
      return writeFraction(w, b, s, e);
    case Token.Exponent:
      return slowNumber(w, b, s, e);
    case Token.String:
      // With no escapes the bytes hold no quote or line break, and here no comma either.
      return w.copy(b, s + 1, e - 1);
    case Token.Comma:
      return w.copy(b, s, e);
    case Token.Escaped:
      return w.text(csvField(JSON.parse(b.toString('utf8', s, e)) as string));
    case Token.Nested:
      return w.text(cols.csv[c](parseExact(b.toString('utf8', s, e))));
    default:
      // An integer (every digit kept) or a boolean: copied as it is.
      return w.copy(b, s, e);
  }
}

/**
 * Each row as a JSON object between `before` and `after`: key fragments serialized once per
 * query, value bytes spliced between them. `firstBefore` opens the very first row.
 */
export function objectRows(
  cols: ResultColumns,
  rs: RowSlices,
  before: Fragment,
  after: Fragment,
  firstBefore = before,
): string {
  const width = rs.width;
  const open = cols.keyFragments;
  const w = pageWriter.reset(rs.span + rs.count * (cols.keyBytes + before.length + after.length));
  for (let r = rs.first; r < rs.first + rs.count; r++) {
    w.fragment(r === rs.first ? firstBefore : before);
    const base = r * width;
    for (let c = 0; c < width; c++) {
      w.fragment(open[c]);
      writeJson(w, cols, c, rs, base + c);
    }
    w.fragment(after);
  }
  return w.take();
}
