import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Duration,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  IntervalMonthDayNano,
  List,
  Map_,
  Struct,
  Time,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';
import { Token, type RowSlices } from '../../../trino/row-slices';
import type { ClientTypeSignature } from '../../../trino/trino-types';
import { genericJson } from '../value-encoder';
import {
  BoolBuilder,
  type ColumnBuilder,
  FixedBuilder,
  type FixedCodec,
  ListBuilder,
  StructBuilder,
  VarBuilder,
} from './builders';
import {
  daysFromCivil,
  epochDays,
  epochTime,
  intervalMillis,
  intervalMonths,
  timeOfDay,
  unscaled,
} from './trino-text';

/** An Arrow type for a Trino type, and how to build a column of it. */
export interface ArrowColumn {
  type: DataType;
  builder(): ColumnBuilder;
}

/** A value as text: Trino's own for scalars, exact JSON for anything nested. */
const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${v}`;
  return genericJson(v);
};
const utf8 = (v: unknown): Buffer => Buffer.from(text(v), 'utf8');

/** Arrow's time units by the fractional digits they hold exactly. */
const UNITS: [number, TimeUnit][] = [
  [0, TimeUnit.SECOND],
  [3, TimeUnit.MILLISECOND],
  [6, TimeUnit.MICROSECOND],
  [9, TimeUnit.NANOSECOND],
];

/** A column of one fixed-width type. */
function fixedColumn<
  A extends Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint32Array,
>(type: DataType, codec: FixedCodec<A>): ArrowColumn {
  return { type, builder: () => new FixedBuilder(type, codec) };
}

/** A top-level integer token as a JS number, when it has at most 15 digits (always exact). */
function smallInteger(rows: RowSlices, k: number): number | undefined {
  if (rows.kinds[k] !== Token.Number) return undefined;
  const b = rows.bytes;
  const end = rows.ends[k];
  let i = rows.starts[k];
  const negative = b[i] === 45;
  if (negative) i++;
  if (end - i > 15) return undefined;
  let n = 0;
  for (; i < end; i++) n = n * 10 + b[i] - 48;
  return negative ? -n : n;
}

/** 10^0 to 10^22: the powers of ten a double holds exactly (parsed, as `**` may round). */
const EXACT_TENS = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * A top-level number token with at most 15 digits and no exponent, read from its bytes as the
 * double Number() would give: its digits and the power of ten are both exact doubles then,
 * and IEEE division rounds their quotient correctly (Clinger's fast path). Anything else
 * (exponents, more digits, Trino's "NaN" strings) is left to Number().
 */
function plainFloat(rows: RowSlices, k: number): number | undefined {
  const kind = rows.kinds[k];
  if (kind !== Token.Fraction && kind !== Token.Number) return undefined;
  const b = rows.bytes;
  const end = rows.ends[k];
  let i = rows.starts[k];
  const negative = b[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 46) point = digits;
    else {
      m = m * 10 + c - 48;
      digits++;
    }
  }
  if (digits > 15) return undefined;
  const x = point < 0 ? m : m / EXACT_TENS[digits - point];
  return negative ? -x : x;
}

/** A top-level `"YYYY-MM-DD"` token as days since the epoch, read from its bytes. */
function plainDate(rows: RowSlices, k: number): number | undefined {
  const b = rows.bytes;
  const s = rows.starts[k] + 1;
  if (rows.kinds[k] !== Token.String || rows.ends[k] - s !== 11 || b[s + 4] !== 45)
    return undefined;
  const d = (i: number): number => b[s + i] - 48;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  return daysFromCivil(year, d(5) * 10 + d(6), d(8) * 10 + d(9));
}

/** One number per row; integer columns also read Trino's digits straight from its bytes. */
function fixed<A extends Int8Array | Int16Array | Int32Array | Float32Array | Float64Array>(
  type: DataType,
  make: (n: number) => A,
  write: (v: unknown) => number,
  integer = false,
): ArrowColumn {
  const codec: FixedCodec<A> = {
    make,
    width: 1,
    write: (a, i, v) => (a[i] = write(v)),
    slice: integer
      ? (a, i, rows, k) => {
          const n = smallInteger(rows, k);
          if (n === undefined) return false;
          a[i] = n;
          return true;
        }
      : undefined,
  };
  return fixedColumn(type, codec);
}

/**
 * double and real: from the bytes when plainFloat can, else Number() of Trino's text, which
 * also reads its "NaN", "Infinity" and "-Infinity" as the float values. (A real is rounded
 * to a double first, then to 32 bits, by either path alike.) Its own closure, as for dates.
 */
function float<A extends Float32Array | Float64Array>(
  type: DataType,
  make: (n: number) => A,
): ArrowColumn {
  return fixedColumn(type, {
    make,
    width: 1,
    write: (a, i, v) => (a[i] = Number(text(v))),
    slice: (a, i, rows, k) => {
      const x = plainFloat(rows, k);
      if (x === undefined) return false;
      a[i] = x;
      return true;
    },
  });
}

/**
 * 64-bit integers, kept as pairs of 32-bit words (low first, as Arrow's little-endian layout
 * has them) so that the common small value is stored without making a BigInt.
 */
function int64(type: DataType, read: (v: unknown) => bigint, integer = false): ArrowColumn {
  const codec: FixedCodec<Int32Array> = {
    make: (n) => new Int32Array(n),
    width: 2,
    write: (a, i, v) => {
      const u = BigInt.asUintN(64, read(v));
      a[i] = Number(u & 0xffffffffn);
      a[i + 1] = Number(u >> 32n);
    },
    slice: integer
      ? (a, i, rows, k) => {
          const n = smallInteger(rows, k);
          if (n === undefined) return false;
          const high = Math.floor(n / 4294967296);
          a[i] = n - high * 4294967296;
          a[i + 1] = high;
          return true;
        }
      : undefined,
    view: (a, n) => new BigInt64Array(a.buffer, a.byteOffset, n),
  };
  return fixedColumn(type, codec);
}

const asBigInt = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(text(v)));

/** Utf8 holding Trino's text: for types Arrow has no exact match for. */
const TEXT: ArrowColumn = {
  type: new Utf8(),
  builder: () => new VarBuilder(new Utf8(), utf8, true),
};

function longArg(sig: ClientTypeSignature, i: number, fallback: number): number {
  const arg = sig.arguments?.filter((a) => a.kind === 'LONG')[i];
  return arg ? Number(arg.value) : fallback;
}

function decimal(precision: number, scale: number): ArrowColumn {
  return fixedColumn(new Decimal(scale, precision, 128), {
    make: (n) => new Uint32Array(n),
    width: 4,
    write: (a, i, v) => {
      // Two's complement, 128 bits, least significant word first.
      let x = BigInt.asUintN(128, unscaled(text(v), scale));
      for (let w = 0; w < 4; w++, x >>= 32n) a[i + w] = Number(x & 0xffffffffn);
    },
  });
}

/** time(p) and timestamp(p): the unit that holds p digits; beyond nanoseconds, Trino's text. */
function temporal(precision: number, timestamp: boolean): ArrowColumn {
  const unit = UNITS.find(([digits]) => precision <= digits);
  if (!unit) return TEXT;
  const [digits, u] = unit;
  if (timestamp) return int64(new Timestamp(u), (v) => epochTime(text(v), digits));
  if (digits <= 3)
    return fixed(
      new Time(u, 32),
      (n) => new Int32Array(n),
      (v) => Number(timeOfDay(text(v), digits)),
    );
  return int64(new Time(u, 64), (v) => timeOfDay(text(v), digits));
}

function list(item: ArrowColumn): ArrowColumn {
  const type = new List(new Field('item', item.type, true));
  return { type, builder: () => new ListBuilder(type, item.builder(), (v) => v as unknown[]) };
}

/** Trino sends a map as a JSON object: keys are text, to be read as the key type. */
function map(key: ArrowColumn, value: ArrowColumn): ArrowColumn {
  const entry = new Struct<{ key: DataType; value: DataType }>([
    new Field('key', key.type, false),
    new Field('value', value.type, true),
  ]);
  const type = new Map_<DataType, DataType>(new Field('entries', entry, false));
  return {
    type,
    builder: () =>
      new ListBuilder(type, new StructBuilder(entry, [key.builder(), value.builder()]), (v) =>
        Object.entries(v as object),
      ),
  };
}

function row(sig: ClientTypeSignature): ArrowColumn {
  const fields: { name: string; column: ArrowColumn }[] = [];
  for (const arg of sig.arguments ?? []) {
    if (arg.kind !== 'NAMED_TYPE' && arg.kind !== 'TYPE') continue;
    const name = arg.kind === 'NAMED_TYPE' ? arg.value.fieldName?.name : undefined;
    const inner = arg.kind === 'NAMED_TYPE' ? arg.value.typeSignature : arg.value;
    fields.push({ name: name ?? `_${fields.length + 1}`, column: arrowColumn(inner) });
  }
  const type = new Struct(fields.map((f) => new Field(f.name, f.column.type, true)));
  return {
    type,
    builder: () =>
      new StructBuilder(
        type,
        fields.map((f) => f.column.builder()),
      ),
  };
}

function typeArg(sig: ClientTypeSignature, i: number): ClientTypeSignature {
  const arg = sig.arguments?.filter((a) => a.kind === 'TYPE')[i];
  return arg?.kind === 'TYPE' ? arg.value : { rawType: 'unknown' };
}

/** The Arrow column for a Trino type (docs/arrow.md has the table). */
export function arrowColumn(sig: ClientTypeSignature | undefined): ArrowColumn {
  if (!sig) return TEXT;
  switch (sig.rawType.toLowerCase()) {
    case 'bigint':
      return int64(new Int64(), asBigInt, true);
    case 'integer':
      return fixed(new Int32(), (n) => new Int32Array(n), Number, true);
    case 'smallint':
      return fixed(new Int16(), (n) => new Int16Array(n), Number, true);
    case 'tinyint':
      return fixed(new Int8(), (n) => new Int8Array(n), Number, true);
    case 'double':
      return float(new Float64(), (n) => new Float64Array(n));
    case 'real':
      return float(new Float32(), (n) => new Float32Array(n));
    case 'decimal':
      return decimal(longArg(sig, 0, 38), longArg(sig, 1, 0));
    case 'boolean':
      return { type: new Bool(), builder: () => new BoolBuilder(new Bool()) };
    case 'varbinary':
      return {
        type: new Binary(),
        builder: () => new VarBuilder(new Binary(), (v) => Buffer.from(text(v), 'base64')),
      };
    case 'date':
      // Its own slice closure, not fixed()'s: one closure calling two different readers made
      // that call site slower for the integer columns (bench/README.md, "Arrow downloads").
      return fixedColumn(new DateDay(), {
        make: (n) => new Int32Array(n),
        width: 1,
        write: (a, i, v) => (a[i] = epochDays(text(v))),
        slice: (a, i, rows, k) => {
          const days = plainDate(rows, k);
          if (days === undefined) return false;
          a[i] = days;
          return true;
        },
      });
    case 'time':
      return temporal(longArg(sig, 0, 3), false);
    case 'timestamp':
      return temporal(longArg(sig, 0, 3), true);
    case 'interval day to second':
      return int64(new Duration(TimeUnit.MILLISECOND), (v) => intervalMillis(text(v)));
    case 'interval year to month':
      // Months, days, then nanoseconds as two 32-bit words: only the months are set.
      return fixedColumn(new IntervalMonthDayNano(), {
        make: (n) => new Int32Array(n),
        width: 4,
        write: (a, i, v) => (a[i] = intervalMonths(text(v))),
      });
    case 'array':
      return list(arrowColumn(typeArg(sig, 0)));
    case 'map':
      return map(arrowColumn(typeArg(sig, 0)), arrowColumn(typeArg(sig, 1)));
    case 'row':
      return row(sig);
    default:
      // varchar, char, json, uuid, ipaddress, zoned times and timestamps, and anything unknown.
      return TEXT;
  }
}
