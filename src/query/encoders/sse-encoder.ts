import type { Progress } from '../batches';
import type { RowSlices } from '../../trino/row-slices';
import type { ResultColumns } from './columns';
import { Fragment } from './byte-writer';
import { objectRows } from './slice-values';

const ROW_OPEN = Fragment.of('data: {"type":"row","data":');
const ROW_CLOSE = Fragment.of('}}\n\n');

/** Server-Sent Events framing: one `data:` line per JSON event, then a blank line. */
export const sse = {
  metadata: (cols: ResultColumns): string =>
    `data: ${JSON.stringify({ type: 'metadata', columns: cols.meta })}\n\n`,

  rows: (cols: ResultColumns, rows: RowSlices): string =>
    objectRows(cols, rows, ROW_OPEN, ROW_CLOSE),

  complete: (rowCount: number, truncated: boolean, queryId: string): string =>
    `data: ${JSON.stringify({ type: 'complete', rowCount, truncated, queryId })}\n\n`,

  error: (e: {
    message: string;
    errorName?: string;
    errorType?: string;
    queryId?: string;
  }): string =>
    `data: ${JSON.stringify({ type: 'error', error: e.message, errorName: e.errorName, errorType: e.errorType, queryId: e.queryId })}\n\n`,

  progress: (p: Progress): string => `data: ${JSON.stringify({ type: 'progress', ...p })}\n\n`,

  /** A comment line: proxies see traffic, EventSource ignores it. */
  keepAlive: ': keep-alive\n\n',
};
