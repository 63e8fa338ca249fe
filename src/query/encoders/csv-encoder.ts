import type { ResultColumns } from './columns';
import type { RowSlices } from '../../trino/row-slices';
import { pageWriter } from './byte-writer';
import { writeCsv } from './slice-values';
import { csvField } from './value-encoder';

/** CSV with `\r\n` line ends; null is an empty field, nested values are JSON text. */
export const csv = {
  header: (cols: ResultColumns): string =>
    `${cols.meta.map((c) => csvField(c.name)).join(',')}\r\n`,

  rows(cols: ResultColumns, rows: RowSlices): string {
    const width = rows.width;
    // CSV is never longer than the JSON it comes from, but for quotes and the line end.
    const w = pageWriter.reset(rows.span + rows.count * 2);
    for (let r = rows.first; r < rows.first + rows.count; r++) {
      const base = r * width;
      for (let c = 0; c < width; c++) {
        if (c > 0) w.byte(44);
        writeCsv(w, cols, c, rows, base + c);
      }
      w.byte(13);
      w.byte(10);
    }
    return w.take();
  },
};
