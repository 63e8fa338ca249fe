import { parseExact } from './exact-json';

/** The JSON token kind of one value, as the tokenizer found it in Trino's text. */
export const Token = {
  Null: 0,
  /** `true` or `false`. */
  Bool: 1,
  /** An integer: digits (and a sign) as Trino sent them. */
  Number: 2,
  /** A string with no backslash and no comma: its bytes between the quotes are its value. */
  String: 3,
  /** Like String, but holding a comma (which CSV must quote). */
  Comma: 4,
  /** A string with escapes, decoded only when a format needs the value. */
  Escaped: 5,
  /** An ARRAY, MAP or ROW value: one slice of JSON text. */
  Nested: 6,
  /** A number with a fraction and no exponent. */
  Fraction: 7,
  /** A number with an exponent. */
  Exponent: 8,
} as const;

/**
 * Rows of one stretch of a page, as slices of the page's own bytes: value `c` of row `r` is
 * `bytes[starts[k]..ends[k])` with `k = r * width + c`, of kind `kinds[k]`. Nothing is
 * decoded until a format asks, so BIGINT digits are never rounded and strings keep escapes.
 */
export class RowSlices {
  constructor(
    readonly bytes: Buffer,
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
    const { bytes, width, kinds, starts, ends } = this;
    return new RowSlices(bytes, width, kinds, starts, ends, this.first, n);
  }

  /** How many bytes of page text the handed-out rows span. */
  get span(): number {
    if (this.count === 0) return 0;
    const last = (this.first + this.count) * this.width - 1;
    return this.ends[last] - this.starts[this.first * this.width];
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
        row.push(parseExact(this.bytes.toString('utf8', this.starts[k], this.ends[k])));
      rows.push(row);
    }
    return rows;
  }
}
