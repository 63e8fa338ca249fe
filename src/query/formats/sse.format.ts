import { sse } from '../encoders/sse-encoder';
import type { ResultFormat } from './result-format';

/** `POST /query`: Server-Sent Events; the head goes out at once and every failure is an event. */
export const sseFormat: ResultFormat = {
  endpoint: 'sse',
  headers: {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    // nginx buffers responses unless told not to; an SSE stream must not wait in a proxy.
    'X-Accel-Buffering': 'no',
  },
  headAfterColumns: false,
  keepAlive: sse.keepAlive,
  head: (cols) => sse.metadata(cols),
  rows: (cols, rows) => sse.rows(cols, rows),
  progress: (p) => sse.progress(p),
  end: (rowCount, truncated, queryId) => sse.complete(rowCount, truncated, queryId),
  failed: (failure) => (failure ? sse.error(failure) : ''),
};
