import type { ResultColumns } from './columns';
import { csvField } from './value-encoder';

/** CSV with `\r\n` line ends; null is an empty field, nested values are JSON text. */
export const csv = {
  header: (cols: ResultColumns): string =>
    `${cols.meta.map((c) => csvField(c.name)).join(',')}\r\n`,

  rows(cols: ResultColumns, rows: unknown[][]): string {
    let out = '';
    for (const row of rows) {
      for (let i = 0; i < cols.csv.length; i++) {
        const v = row[i];
        if (i > 0) out += ',';
        if (v !== null && v !== undefined) out += cols.csv[i](v);
      }
      out += '\r\n';
    }
    return out;
  },
};
