import { parseExact } from '../../trino/exact-json';
import { Token, type RowSlices } from '../../trino/row-slices';
import type { ResultColumns } from './columns';
import { csvField } from './value-encoder';

/**
 * Number text as the service has always written it (JSON.parse, then String, or every digit
 * of an integer). Integer text is copied as it is, so a BIGINT never loses a digit. Decimal
 * text is copied when it is provably what String(Number(text)) gives: at most 15 significant
 * digits (each maps to its own double, whose shortest form is those digits), no exponent, no
 * trailing zero, and inside the range where JavaScript writes plain notation.
 */
export function numberText(t: string, s: number, e: number): string {
  const text = t.slice(s, e);
  let dot = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dot = true;
    else if (c === 101 || c === 69) return String(Number(text));
  }
  if (!dot) return text;
  if (text.length <= 16 && text.charCodeAt(text.length - 1) !== 48 && !TINY.test(text)) return text;
  return String(Number(text));
}

/** Below 1e-6 JavaScript switches to exponent notation. */
const TINY = /^-?0\.000000/;

/** Value `k` (of column `c`) as JSON text, exactly as the value encoders write it. */
export function jsonValue(cols: ResultColumns, c: number, rs: RowSlices, k: number): string {
  const t = rs.text;
  const s = rs.starts[k];
  const e = rs.ends[k];
  switch (rs.kinds[k]) {
    case Token.Null:
      return 'null';
    case Token.Number:
      return numberText(t, s, e);
    case Token.String:
      // A DECIMAL arrives as a string and is written as a JSON number with all its digits.
      return cols.bare[c] ? t.slice(s + 1, e - 1) : t.slice(s, e);
    case Token.Escaped: {
      const v = JSON.parse(t.slice(s, e)) as string;
      return cols.bare[c] ? v : JSON.stringify(v);
    }
    case Token.Nested:
      return cols.json[c](parseExact(t.slice(s, e)));
    default:
      return t.slice(s, e);
  }
}

/** Value `k` (of column `c`) as an RFC 4180 field. */
export function csvValue(cols: ResultColumns, c: number, rs: RowSlices, k: number): string {
  const t = rs.text;
  const s = rs.starts[k];
  const e = rs.ends[k];
  switch (rs.kinds[k]) {
    case Token.Null:
      return '';
    case Token.Number:
      return numberText(t, s, e);
    case Token.String: {
      // With no escapes the text holds no quote or line break; only a comma needs quoting.
      const v = t.slice(s + 1, e - 1);
      return v.indexOf(',') < 0 ? v : `"${v}"`;
    }
    case Token.Escaped:
      return csvField(JSON.parse(t.slice(s, e)) as string);
    case Token.Nested:
      return cols.csv[c](parseExact(t.slice(s, e)));
    default:
      return t.slice(s, e);
  }
}

/**
 * Each row as a JSON object between `before` and `after`: key fragments serialized once per
 * query, value text spliced between them. `firstBefore` opens the very first row.
 */
export function objectRows(
  cols: ResultColumns,
  rs: RowSlices,
  before: string,
  after: string,
  firstBefore = before,
): string {
  const width = rs.width;
  const open = cols.objectKeys;
  let out = '';
  for (let r = rs.first; r < rs.first + rs.count; r++) {
    out += r === rs.first ? firstBefore : before;
    const base = r * width;
    for (let c = 0; c < width; c++) out += open[c] + jsonValue(cols, c, rs, base + c);
    out += after;
  }
  return out;
}
