import { parseExact } from './exact-json';

/** The JSON token kind of one value, as the tokenizer found it in Trino's text. */
export const Token = {
  Null: 0,
  /** `true` or `false`. */
  Bool: 1,
  /** Number text, digits as Trino sent them. */
  Number: 2,
  /** A string with no backslash: its text between the quotes is its value. */
  String: 3,
  /** A string with escapes, decoded only when a format needs the value. */
  Escaped: 4,
  /** An ARRAY, MAP or ROW value: one slice of JSON text. */
  Nested: 5,
} as const;

/**
 * Rows of one stretch of a page, as slices of the page's own text: value `c` of row `r` is
 * `text.slice(starts[k], ends[k])` with `k = r * width + c`, of kind `kinds[k]`. Nothing is
 * decoded until a format asks, so BIGINT digits are never rounded and strings keep escapes.
 */
export class RowSlices {
  constructor(
    readonly text: string,
    readonly width: number,
    readonly kinds: Uint8Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** Index of the first row handed out (rows before it were already delivered). */
    readonly first: number,
    /** How many rows are handed out, from `first`. */
    readonly count: number,
  ) {}

  /** The first `n` rows only (a `size` limit). */
  take(n: number): RowSlices {
    if (n >= this.count) return this;
    return new RowSlices(this.text, this.width, this.kinds, this.starts, this.ends, this.first, n);
  }

  /** All but the first `n` rows (rows a retried page already delivered). */
  skip(n: number): RowSlices {
    const k = Math.min(n, this.count);
    const { text, width, kinds, starts, ends } = this;
    return new RowSlices(text, width, kinds, starts, ends, this.first + k, this.count - k);
  }

  /**
   * The rows as JS values (exact: a BIGINT beyond 2^53 becomes a BigInt), for the service's
   * own small queries; streams never call this.
   */
  values(): unknown[][] {
    const rows: unknown[][] = [];
    for (let r = this.first; r < this.first + this.count; r++) {
      const row: unknown[] = [];
      for (let k = r * this.width; k < (r + 1) * this.width; k++)
        row.push(parseExact(this.text.slice(this.starts[k], this.ends[k])));
      rows.push(row);
    }
    return rows;
  }
}
