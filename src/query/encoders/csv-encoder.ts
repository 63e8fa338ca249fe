import type { ResultColumns } from './columns';
import type { RowSlices } from '../../trino/row-slices';
import { csvValue } from './slice-values';
import { csvField } from './value-encoder';

/** CSV with `\r\n` line ends; null is an empty field, nested values are JSON text. */
export const csv = {
  header: (cols: ResultColumns): string =>
    `${cols.meta.map((c) => csvField(c.name)).join(',')}\r\n`,

  rows(cols: ResultColumns, rows: RowSlices): string {
    const width = rows.width;
    let out = '';
    for (let r = rows.first; r < rows.first + rows.count; r++) {
      const base = r * width;
      for (let c = 0; c < width; c++) out += (c > 0 ? ',' : '') + csvValue(cols, c, rows, base + c);
      out += '\r\n';
    }
    return out;
  },
};
