import type { ResultColumns } from './columns';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting: fields with a quote, comma or line break are quoted, quotes doubled. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

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
        if (v !== null && v !== undefined) out += csvField(cols.csv[i](v));
      }
      out += '\r\n';
    }
    return out;
  },
};
