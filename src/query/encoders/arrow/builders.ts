import { Data, type DataType } from 'apache-arrow';

/**
 * Column builders for one record batch: each takes a value (or null) per row and ends as an
 * Arrow `Data`. Written here rather than with apache-arrow's own builders, whose timestamp
 * and time setters take JS numbers of milliseconds and so would round nanoseconds away.
 */
export interface ColumnBuilder {
  append(value: unknown): void;
  finish(): Data;
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

type Typed = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/**
 * A fixed-width column: `width` slots of `Array` per row, filled by `write` (not called for
 * a null, whose slots stay zero).
 */
export class FixedBuilder<A extends Typed | Uint32Array> implements ColumnBuilder {
  private readonly v = new Validity();
  private values: A;

  constructor(
    private readonly type: DataType,
    private readonly make: (n: number) => A,
    private readonly width: number,
    private readonly write: (values: A, at: number, value: unknown) => void,
  ) {
    this.values = make(64 * width);
  }

  append(value: unknown): void {
    const at = this.v.length * this.width;
    if (at + this.width > this.values.length) {
      const bigger = this.make(this.values.length * 2);
      (bigger as Typed).set(this.values as never);
      this.values = bigger;
    }
    this.v.push(value !== null);
    if (value !== null) this.write(this.values, at, value);
  }

  finish(): Data {
    return data(this.type, this.v, { values: this.values.subarray(0, this.v.length * this.width) });
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

  finish(): Data {
    return data(this.type, this.v, { values: this.bits.subarray(0, (this.v.length + 7) >> 3) });
  }
}

/** Utf8 or Binary: offsets and bytes; `bytes` gives a value's. */
export class VarBuilder implements ColumnBuilder {
  private readonly v = new Validity();
  private offsets = new Int32Array(65);
  private bytes = new Uint8Array(1024);
  private end = 0;

  constructor(
    private readonly type: DataType,
    private readonly encode: (value: unknown) => Uint8Array,
  ) {}

  append(value: unknown): void {
    if (value !== null) {
      const b = this.encode(value);
      this.bytes = grow(this.bytes, this.end + b.length);
      this.bytes.set(b, this.end);
      this.end += b.length;
    }
    this.v.push(value !== null);
    this.offsets = grow(this.offsets, this.v.length + 1);
    this.offsets[this.v.length] = this.end;
  }

  finish(): Data {
    return data(this.type, this.v, {
      offsets: this.offsets.subarray(0, this.v.length + 1),
      values: this.bytes.subarray(0, this.end),
    });
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

  finish(): Data {
    return data(this.type, this.v, { offsets: this.offsets.subarray(0, this.v.length + 1) }, [
      this.child.finish(),
    ]);
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

  finish(): Data {
    return data(
      this.type,
      this.v,
      {},
      this.children.map((c) => c.finish()),
    );
  }
}
