import type { Progress } from '../batches';
import { rowObject, type ResultColumns } from './columns';

/** Server-Sent Events framing: one `data:` line per JSON event, then a blank line. */
export const sse = {
  metadata: (cols: ResultColumns): string =>
    `data: ${JSON.stringify({ type: 'metadata', columns: cols.meta })}\n\n`,

  rows(cols: ResultColumns, rows: unknown[][]): string {
    let out = '';
    for (const row of rows) out += `data: {"type":"row","data":${rowObject(cols, row)}}\n\n`;
    return out;
  },

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
