import { jsonDoc } from '../encoders/json-encoder';
import { downloadHeaders } from './download';
import type { ResultFormat } from './result-format';

/** `POST /query/download/json`: a failure closes the document with an `error` member. */
export function jsonFormat(filename?: string): ResultFormat {
  return {
    endpoint: 'json',
    headers: downloadHeaders('json', 'application/json; charset=utf-8', filename),
    headAfterColumns: true,
    head: (cols) => jsonDoc.head(cols),
    rows: (cols, rows, first) => jsonDoc.rows(cols, rows, first),
    end: (_rowCount, truncated) => jsonDoc.end(truncated),
    failed: (failure) => (failure ? jsonDoc.failed(failure.message) : ''),
  };
}
