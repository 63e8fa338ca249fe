import type { TypeNode } from '../../trino/trino-types';

/** Turns one value of a known Trino type into JSON text. */
export type JsonEncoder = (v: unknown) => string;

/** Any JSON value, with BigInt written as its exact digits (for types we don't model). */
export function genericJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(genericJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${genericJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const integer: JsonEncoder = (v) => (typeof v === 'number' ? String(v) : genericJson(v));
/** Trino sends DECIMAL as a string; it is written as a JSON number with every digit and its scale. */
const decimal: JsonEncoder = (v) => (typeof v === 'string' ? v : genericJson(v));
/** NaN and infinities arrive as strings and stay strings; finite values round-trip exactly. */
const floating: JsonEncoder = (v) => (typeof v === 'number' ? String(v) : genericJson(v));

function arrayOf(inner: JsonEncoder): JsonEncoder {
  return (v) => {
    if (!Array.isArray(v)) return genericJson(v);
    let out = '[';
    for (let i = 0; i < v.length; i++)
      out += (i > 0 ? ',' : '') + (v[i] === null ? 'null' : inner(v[i]));
    return `${out}]`;
  };
}

function mapOf(inner: JsonEncoder): JsonEncoder {
  return (v) => {
    if (v === null || typeof v !== 'object') return genericJson(v);
    let out = '{';
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      out += `${first ? '' : ','}${JSON.stringify(k)}:${x === null ? 'null' : inner(x)}`;
      first = false;
    }
    return `${out}}`;
  };
}

/** A row with named fields becomes an object; a row with no names stays an array. */
function rowOf(fields: JsonEncoder[], names: (string | undefined)[]): JsonEncoder {
  if (names.every((n) => n === undefined)) {
    return (v) =>
      Array.isArray(v)
        ? `[${v.map((x, i) => (x === null ? 'null' : (fields[i] ?? genericJson)(x))).join(',')}]`
        : genericJson(v);
  }
  const keys = names.map((n, i) => `${JSON.stringify(n ?? `_${i + 1}`)}:`);
  return (v) => {
    if (!Array.isArray(v)) return genericJson(v);
    return `{${keys.map((k, i) => k + (v[i] === null ? 'null' : fields[i](v[i]))).join(',')}}`;
  };
}

/** Compiles the JSON encoder for one column type, once per query. */
export function jsonEncoder(node: TypeNode): JsonEncoder {
  switch (node.base) {
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'tinyint':
      return integer;
    case 'decimal':
      return decimal;
    case 'double':
    case 'real':
      return floating;
    case 'array':
      return arrayOf(jsonEncoder(node.args[0]));
    case 'map':
      return mapOf(jsonEncoder(node.args[1]));
    case 'row':
      return rowOf(node.args.map(jsonEncoder), node.fieldNames);
    default:
      // varchar, char, date, time, timestamp, interval, uuid, ipaddress, json, varbinary (base64)...
      return genericJson;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting: fields with a quote, comma or line break are quoted, quotes doubled. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Types whose text can never hold a quote, comma or line break: no quoting check per value. */
const PLAIN_CSV = new Set([
  'bigint',
  'integer',
  'smallint',
  'tinyint',
  'decimal',
  'double',
  'real',
  'boolean',
  'date',
  'uuid',
]);

/**
 * One CSV field, quoted as RFC 4180 requires: scalars as Trino sent them, nested values as
 * JSON text. Numbers (String(v) is JSON's text for every finite double) skip the check.
 */
export function csvText(node: TypeNode): (v: unknown) => string {
  switch (node.base) {
    case 'array':
    case 'map':
    case 'row': {
      const json = jsonEncoder(node);
      return (v) => csvField(json(v));
    }
    default:
      if (PLAIN_CSV.has(node.base))
        return (v) =>
          typeof v === 'string' ? v : typeof v === 'number' ? String(v) : genericJson(v);
      return (v) =>
        csvField(typeof v === 'string' ? v : typeof v === 'number' ? String(v) : genericJson(v));
  }
}
