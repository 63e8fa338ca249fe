import { typeNode, type TrinoColumn } from '../../trino/trino-types';
import { csvText, jsonEncoder, type JsonEncoder } from './value-encoder';

/** A result's columns, compiled once per query into what every encoder needs. */
export interface ResultColumns {
  /** `{name, type}` as the metadata event and document show them (names made unique). */
  meta: { name: string; type: string }[];
  /** `"name":` prefixes, JSON-escaped once rather than per row. */
  keys: string[];
  json: JsonEncoder[];
  csv: ((v: unknown) => string)[];
}

/** Duplicate names get `_2`, `_3`... so that row objects never lose a column. */
export function uniqueNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}

export function compileColumns(columns: TrinoColumn[]): ResultColumns {
  const names = uniqueNames(columns.map((c) => c.name));
  const nodes = columns.map((c) => typeNode(c.typeSignature, c.type));
  return {
    meta: columns.map((c, i) => ({ name: names[i], type: c.type })),
    keys: names.map((n) => `${JSON.stringify(n)}:`),
    json: nodes.map(jsonEncoder),
    csv: nodes.map(csvText),
  };
}

/** One row as a JSON object keyed by column name. */
export function rowObject(cols: ResultColumns, row: unknown[]): string {
  let out = '{';
  for (let i = 0; i < cols.keys.length; i++) {
    const v = row[i];
    out +=
      (i > 0 ? ',' : '') +
      cols.keys[i] +
      (v === null || v === undefined ? 'null' : cols.json[i](v));
  }
  return `${out}}`;
}
