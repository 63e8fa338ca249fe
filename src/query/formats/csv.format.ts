import { csv } from '../encoders/csv-encoder';
import { downloadHeaders } from './download';
import type { ResultFormat } from './result-format';

/** `POST /query/download/csv`: a CSV cannot say it failed, so a failure aborts the transfer. */
export function csvFormat(filename?: string): ResultFormat {
  return {
    endpoint: 'csv',
    headers: downloadHeaders('csv', 'text/csv; charset=utf-8', filename),
    headAfterColumns: true,
    head: (cols) => csv.header(cols),
    rows: (cols, rows) => csv.rows(cols, rows),
    end: () => '',
    failed: () => undefined,
  };
}
