import { typeNode, type TrinoColumn } from '../../trino/trino-types';
import { Fragment } from './byte-writer';
import { csvText, jsonEncoder, type JsonEncoder } from './value-encoder';

/** A result's columns, compiled once per query into what every encoder needs. */
export interface ResultColumns {
  /** Trino's columns as it sent them (formats that map types themselves read these). */
  source: TrinoColumn[];
  /** `{name, type}` as the metadata event and document show them (names made unique). */
  meta: { name: string; type: string }[];
  /**
   * `{"name":` for the first column, `,"name":` for the others: JSON-escaped once per query,
   * as fragments the writer copies a word at a time.
   */
  keyFragments: Fragment[];
  /** The bytes of all key fragments: what a row object adds to its values. */
  keyBytes: number;
  /** True for DECIMAL columns, whose strings are written as bare JSON numbers. */
  bare: boolean[];
  /** Encoders for nested values (ARRAY, MAP, ROW), which are decoded before writing. */
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
  const keyFragments = names.map((n, i) =>
    Fragment.of(`${i === 0 ? '{' : ','}${JSON.stringify(n)}:`),
  );
  return {
    source: columns,
    meta: columns.map((c, i) => ({ name: names[i], type: c.type })),
    keyFragments,
    keyBytes: keyFragments.reduce((sum, k) => sum + k.length, 0) + 1,
    bare: nodes.map((n) => n.base === 'decimal'),
    json: nodes.map(jsonEncoder),
    csv: nodes.map(csvText),
  };
}
