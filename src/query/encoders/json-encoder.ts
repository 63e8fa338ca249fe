import type { RowSlices } from '../../trino/row-slices';
import type { ResultColumns } from './columns';
import { Fragment } from './byte-writer';
import { objectRows } from './slice-values';

const COMMA = Fragment.of(',');
const CLOSE = Fragment.of('}');
const NONE = Fragment.of('');

/**
 * The JSON download, written progressively: `{"metadata":{...},"data":[row,...]}`. A failure
 * after the head closes the array and adds `"error"`, so the document stays valid and says so.
 */
export const jsonDoc = {
  head: (cols: ResultColumns): string =>
    `{"metadata":${JSON.stringify({ columns: cols.meta, type: 'metadata' })},"data":[`,

  rows: (cols: ResultColumns, rows: RowSlices, first: boolean): string =>
    objectRows(cols, rows, COMMA, CLOSE, first ? NONE : COMMA),

  /** `truncated` appears only when `size` cut the result, so plain documents keep their shape. */
  end: (truncated: boolean): string => (truncated ? '],"truncated":true}' : ']}'),

  failed: (message: string): string => `],"error":${JSON.stringify(message)}}`,
};
