import { Data, type DataType } from 'apache-arrow';
import { Token, type RowSlices } from '../../../trino/row-slices';
import { ByteWriter } from '../byte-writer';

/**
 * Column builders for one record batch: each takes a value (or null) per row and ends as an
 * Arrow `Data`. Written here rather than with apache-arrow's own builders, whose timestamp
 * and time setters take JS numbers of milliseconds and so would round nanoseconds away.
 */
export interface ColumnBuilder {
  append(value: unknown): void;
  /**
   * Appends column `column` of every row of a stretch: straight from Trino's bytes where this
   * builder can for a token (a top-level integer, a plain string), else `read`'s JS value.
   * A column at a time, so each builder's loop calls one kind of code, not every column's.
   */
  appendColumn(rows: RowSlices, column: number, read: ReadValue): void;
  finish(): Data;
  /**
   * Empties the builder for the next batch, keeping its buffers: the writer has copied the
   * last batch out by then, and fresh typed arrays per batch were most of Arrow's garbage.
   */
  reset(): void;
}

/** Value `k` of a stretch as the JS value `append` takes (see arrow-stream.ts). */
export type ReadValue = (rows: RowSlices, k: number) => unknown;

/** Indexes of column `column`'s values in a stretch: from `first`, below `end`, a row apart. */
function columnKeys(rows: RowSlices, column: number): { first: number; end: number } {
  return {
    first: rows.first * rows.width + column,
    end: (rows.first + rows.count) * rows.width,
  };
}

/** Appends a column value by value, for builders that never read Trino's bytes. */
function appendValues(b: ColumnBuilder, rows: RowSlices, column: number, read: ReadValue): void {
  const { first, end } = columnKeys(rows, column);
  for (let k = first; k < end; k += rows.width) b.append(read(rows, k));
}

/** Validity bits, one per row, allocated only once a null turns up. */
class Validity {
  length = 0;
  nulls = 0;
  private bits?: Uint8Array;

  push(valid: boolean): void {
    const i = this.length++;
    if (valid) {
      if (this.bits) this.bits = setBit(grow(this.bits, (i >> 3) + 1), i);
      return;
    }
    if (!this.bits) {
      this.bits = new Uint8Array(Math.max(64, (i >> 3) + 1));
      for (let k = 0; k < i; k++) this.bits[k >> 3] |= 1 << (k & 7);
    }
    this.bits = grow(this.bits, (i >> 3) + 1);
    this.nulls++;
  }

  bitmap(): Uint8Array {
    return this.bits ? this.bits.subarray(0, (this.length + 7) >> 3) : new Uint8Array(0);
  }

  reset(): void {
    this.bits?.fill(0, 0, (this.length + 7) >> 3);
    this.length = 0;
    this.nulls = 0;
  }
}

function setBit(bits: Uint8Array, i: number): Uint8Array {
  bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** `a` with room for at least `n` items (doubling). */
function grow<A extends Uint8Array | Int32Array>(a: A, n: number): A {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Buffers by Arrow's BufferType: OFFSET, DATA, VALIDITY. */
function data(
  type: DataType,
  v: Validity,
  buffers: { offsets?: Int32Array; values?: ArrayBufferView },
  children: Data[] = [],
): Data {
  const b = [buffers.offsets, buffers.values, v.bitmap(), undefined];
  // The buffers match `type` by construction; Data's typing cannot follow that per type.
  return new Data(type, 0, v.length, v.nulls, b as never, children);
}

type Typed = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** How a fixed-width column reads a value, and (optionally) a slice of Trino's bytes. */
export interface FixedCodec<A> {
  make(n: number): A;
  /** Slots per value. */
  width: number;
  write(values: A, at: number, value: unknown): void;
  /** Writes value `k` of `rows` at `at` if it can; false leaves it to `write`. */
  slice?: (values: A, at: number, rows: RowSlices, k: number) => boolean;
  /** The buffer Arrow gets for `n` values (int64 columns fill 32-bit words, see int64Codec). */
  view?(values: A, n: number): ArrayBufferView;
}

/** A fixed-width column; a null's slots stay zero. */
export class FixedBuilder<A extends Typed | Uint32Array> implements ColumnBuilder {
  private readonly v = new Validity();
  private values: A;

  constructor(
    private readonly type: DataType,
    private readonly codec: FixedCodec<A>,
  ) {
    this.values = codec.make(64 * codec.width);
  }

  append(value: unknown): void {
    const at = this.room();
    this.v.push(value !== null);
    // A reused buffer may hold an earlier batch's value where this null goes.
    if (value === null) this.values.fill(0, at, at + this.codec.width);
    else this.codec.write(this.values, at, value);
  }

  appendColumn(rows: RowSlices, column: number, read: ReadValue): void {
    const slice = this.codec.slice;
    if (!slice) return appendValues(this, rows, column, read);
    this.reserve(rows.count);
    const { first, end } = columnKeys(rows, column);
    const width = this.codec.width;
    for (let k = first; k < end; k += rows.width) {
      if (slice(this.values, this.v.length * width, rows, k)) this.v.push(true);
      else this.append(read(rows, k));
    }
  }

  finish(): Data {
    const n = this.v.length;
    const values =
      this.codec.view?.(this.values, n) ?? this.values.subarray(0, n * this.codec.width);
    return data(this.type, this.v, { values });
  }

  reset(): void {
    this.v.reset();
  }

  /** Where the next value goes, growing the buffer when it is full. */
  private room(): number {
    this.reserve(1);
    return this.v.length * this.codec.width;
  }

  /** Grows the buffer (doubling) to hold `n` more values. */
  private reserve(n: number): void {
    const slots = (this.v.length + n) * this.codec.width;
    if (slots <= this.values.length) return;
    const bigger = this.codec.make(Math.max(slots, this.values.length * 2));
    (bigger as Typed).set(this.values as never);
    this.values = bigger;
  }
}

/** Booleans, one bit each. */
export class BoolBuilder implements ColumnBuilder {
  private readonly v = new Validity();
  private bits = new Uint8Array(64);

  constructor(private readonly type: DataType) {}

  append(value: unknown): void {
    const i = this.v.length;
    this.bits = grow(this.bits, (i >> 3) + 1);
    this.v.push(value !== null);
    if (value === true) setBit(this.bits, i);
  }

  appendColumn(rows: RowSlices, column: number, read: ReadValue): void {
    appendValues(this, rows, column, read);
  }

  finish(): Data {
    return data(this.type, this.v, { values: this.bits.subarray(0, (this.v.length + 7) >> 3) });
  }

  reset(): void {
    this.bits.fill(0, 0, (this.v.length + 7) >> 3);
    this.v.reset();
  }
}

/**
 * Utf8 or Binary: offsets and bytes; `encode` gives a value's. The bytes go through a
 * ByteWriter, whose copy of a short run by hand measured faster than a native copy per value.
 */
export class VarBuilder implements ColumnBuilder {
  private readonly v = new Validity();
  private offsets = new Int32Array(65);
  private readonly bytes = new ByteWriter(1024);

  constructor(
    private readonly type: DataType,
    private readonly encode: (value: unknown) => Buffer,
    /** True for Utf8 holding the string itself (not, say, Binary from base64 text). */
    private readonly plain = false,
  ) {}

  append(value: unknown): void {
    if (value !== null) this.bytes.bytes(this.encode(value));
    this.next(value !== null);
  }

  /** A string with no escapes is copied: its bytes between the quotes are its UTF-8 value. */
  appendColumn(rows: RowSlices, column: number, read: ReadValue): void {
    if (!this.plain) return appendValues(this, rows, column, read);
    const { kinds, starts, ends, bytes } = rows;
    this.offsets = grow(this.offsets, this.v.length + rows.count + 1);
    const { first, end } = columnKeys(rows, column);
    for (let k = first; k < end; k += rows.width) {
      const kind = kinds[k];
      if (kind !== Token.String && kind !== Token.Comma) this.append(read(rows, k));
      else {
        this.bytes.copy(bytes, starts[k] + 1, ends[k] - 1);
        this.next(true);
      }
    }
  }

  finish(): Data {
    return data(this.type, this.v, {
      offsets: this.offsets.subarray(0, this.v.length + 1),
      values: this.bytes.buf.subarray(0, this.bytes.pos),
    });
  }

  reset(): void {
    this.v.reset();
    this.bytes.reset(0);
  }

  /** Ends a value: its validity and where the next one starts. */
  private next(valid: boolean): void {
    this.v.push(valid);
    this.offsets = grow(this.offsets, this.v.length + 1);
    this.offsets[this.v.length] = this.bytes.pos;
  }
}

/** List (an array of items) or Map (an object's entries as key/value structs). */
export class ListBuilder implements ColumnBuilder {
  private readonly v = new Validity();
  private offsets = new Int32Array(65);
  private end = 0;

  constructor(
    private readonly type: DataType,
    private readonly child: ColumnBuilder,
    private readonly items: (value: unknown) => unknown[],
  ) {}

  append(value: unknown): void {
    if (value !== null)
      for (const item of this.items(value)) {
        this.child.append(item);
        this.end++;
      }
    this.v.push(value !== null);
    this.offsets = grow(this.offsets, this.v.length + 1);
    this.offsets[this.v.length] = this.end;
  }

  appendColumn(rows: RowSlices, column: number, read: ReadValue): void {
    appendValues(this, rows, column, read);
  }

  finish(): Data {
    return data(this.type, this.v, { offsets: this.offsets.subarray(0, this.v.length + 1) }, [
      this.child.finish(),
    ]);
  }

  reset(): void {
    this.v.reset();
    this.end = 0;
    this.child.reset();
  }
}

/** A struct: Trino sends a ROW as an array of its field values, a map entry as a pair. */
export class StructBuilder implements ColumnBuilder {
  private readonly v = new Validity();

  constructor(
    private readonly type: DataType,
    private readonly children: ColumnBuilder[],
  ) {}

  append(value: unknown): void {
    const fields = value === null ? [] : (value as unknown[]);
    this.children.forEach((c, i) => c.append(fields[i] ?? null));
    this.v.push(value !== null);
  }

  appendColumn(rows: RowSlices, column: number, read: ReadValue): void {
    appendValues(this, rows, column, read);
  }

  finish(): Data {
    return data(
      this.type,
      this.v,
      {},
      this.children.map((c) => c.finish()),
    );
  }

  reset(): void {
    this.v.reset();
    for (const c of this.children) c.reset();
  }
}
