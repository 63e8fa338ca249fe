import { PageTokenizer } from '../../src/trino/page-tokenizer';
import { RowSlices } from '../../src/trino/row-slices';
import type { TrinoColumn } from '../../src/trino/trino-types';
import { genericJson } from '../../src/query/encoders/value-encoder';

/** A page as Trino writes it (members in its order); BigInt values keep every digit. */
export function pageText(columns: TrinoColumn[], rows: unknown[][]): string {
  return (
    `{"id":"q1","nextUri":"http://trino/v1/statement/executing/q1/x/2",` +
    `"columns":${JSON.stringify(columns)},"data":${genericJson(rows)},` +
    `"stats":{"state":"RUNNING"}}`
  );
}

/** `rows` as the tokenizer hands them to a format (one batch for the whole page). */
export function slicesOf(columns: TrinoColumn[], rows: unknown[][]): RowSlices {
  const tokenizer = new PageTokenizer();
  const text = pageText(columns, rows);
  const batch = tokenizer.write([Buffer.from(text, 'utf8')]);
  const tail = tokenizer.end();
  if (tail) throw new Error('a page written whole must tokenize in one batch');
  return (
    batch ??
    new RowSlices(
      Buffer.alloc(0),
      columns.length,
      new Uint8Array(0),
      new Int32Array(0),
      new Int32Array(0),
      0,
      0,
    )
  );
}
