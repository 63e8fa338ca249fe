import { type Data, Message, type Schema, Type } from 'apache-arrow';

/** MetadataVersion.V5 and MessageHeader.RecordBatch, as Arrow's Message table stores them. */
const V5 = 4;
const RECORD_BATCH = 3;

const pad8 = (n: number): number => (n + 7) & ~7;
/** The bytes of any typed array, as a Buffer over the same memory. */
export const bytesOf = (v: ArrayBufferView): Buffer =>
  Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const EMPTY = new Uint8Array(0);
/** A message's Buffer when its writer keeps none to fill again. */
const fresh = (bytes: number): Buffer => Buffer.allocUnsafe(bytes);

/** Compresses body buffers (a result that is not smaller is dropped for the input). */
export interface BufferCodec {
  /** Called as each batch starts: the last batch's results have been copied out by then. */
  reset(): void;
  compress(buffer: Uint8Array): Uint8Array;
}

/** One body buffer as written: its bytes, behind an 8-byte length when compressed. */
interface Region {
  bytes: Uint8Array;
  /** The uncompressed length (or -1, stored as is) that precedes a compressed buffer. */
  prefix?: number;
  /** Where it starts in the body, and its length there (prefix included). */
  offset: number;
  length: number;
}

/**
 * Nodes (columns and their children, depth first) and their buffers in the order the IPC
 * format lists them: validity first (empty when nothing is null), then offsets, then values.
 * Each buffer is cut to what `length` values use: a builder's buffers have room to spare.
 * Every Data here starts at offset 0 (built by the service, never sliced).
 */
function collect(data: Data, nodes: Data[], buffers: Uint8Array[]): void {
  const d = data as unknown as Parts;
  const n = d.length;
  const bits = (b: Uint8Array): Uint8Array => b.subarray(0, (n + 7) >> 3);
  const offsets = (): Int32Array => d.valueOffsets.subarray(0, n + 1);
  nodes.push(data);
  buffers.push(d.nullCount > 0 ? bits(d.nullBitmap) : EMPTY);
  const type = d.typeId;
  if (type === Type.Utf8 || type === Type.Binary) {
    const o = offsets();
    buffers.push(bytesOf(o), bytesOf(d.values.subarray(0, o[n])));
  } else if (type === Type.List || type === Type.Map) buffers.push(bytesOf(offsets()));
  else if (type === Type.Bool) buffers.push(bits(d.values as Uint8Array));
  else if (type !== Type.Struct) buffers.push(bytesOf(d.values.subarray(0, n * d.stride)));
  for (const child of d.children) collect(child, nodes, buffers);
}

/** What is read of a Data, whose buffers apache-arrow types as `any` for a type not known. */
interface Parts {
  typeId: Type;
  length: number;
  nullCount: number;
  stride: number;
  children: Data[];
  nullBitmap: Uint8Array;
  valueOffsets: Int32Array;
  values: { subarray(begin: number, end: number): ArrayBufferView };
}

/** `buffer` as written at `offset`: compressed when that makes it smaller. */
function region(buffer: Uint8Array, offset: number, codec?: BufferCodec): Region {
  if (!codec || buffer.byteLength === 0)
    return { bytes: buffer, offset, length: buffer.byteLength };
  const packed = codec.compress(buffer);
  const [bytes, prefix] =
    packed.byteLength < buffer.byteLength ? [packed, buffer.byteLength] : [buffer, -1];
  return { bytes, prefix, offset, length: 8 + bytes.byteLength };
}

/** How a batch is written: its buffers' codec, custom metadata, where its Buffer comes from. */
export interface BatchOptions {
  codec?: BufferCodec;
  metadata?: Map<string, string>;
  alloc?: (bytes: number) => Buffer;
}

/**
 * One record batch as an encapsulated IPC stream message: continuation marker, metadata
 * length, the Message flatbuffer, then the body, everything padded to 8 bytes, in one Buffer.
 * Written here rather than by apache-arrow's RecordBatchStreamWriter, which wraps each batch
 * in a RecordBatch, visits every column and collects a hundred-odd pieces: 7 % of a
 * download's CPU, spent per batch (bench/README.md, "Arrow downloads").
 */
export function recordBatchMessage(
  length: number,
  columns: Data[],
  { codec, metadata, alloc = fresh }: BatchOptions = {},
): Buffer {
  const nodes: Data[] = [];
  const buffers: Uint8Array[] = [];
  for (const c of columns) collect(c, nodes, buffers);
  codec?.reset();
  const regions: Region[] = [];
  let bodyLength = 0;
  for (const b of buffers) {
    const r = region(b, bodyLength, codec);
    regions.push(r);
    bodyLength = pad8(bodyLength + r.length);
  }
  const meta = FLAT.reset();
  writeMessage(meta, { length, nodes, regions, bodyLength, codec, metadata });
  const out = framed(meta.bytes(), bodyLength, alloc);
  const bodyStart = out.byteLength - bodyLength;
  let at = bodyStart;
  for (const r of regions) {
    const start = bodyStart + r.offset;
    out.fill(0, at, start);
    at = start;
    if (r.prefix !== undefined) {
      writeInt64(out, at, r.prefix);
      at += 8;
    }
    out.set(r.bytes, at);
    at += r.bytes.byteLength;
  }
  out.fill(0, at);
  return out;
}

/** The schema message (apache-arrow encodes it: once per stream, its cost does not matter). */
export function schemaMessage(schema: Schema): Buffer {
  return framed(Message.encode(Message.from(schema)), 0, fresh);
}

/**
 * A Buffer with room for `body` bytes after the framed metadata: continuation marker,
 * metadata length, the metadata itself and its zero padding to 8 bytes.
 */
function framed(metadata: Uint8Array, body: number, alloc: (bytes: number) => Buffer): Buffer {
  const metaLength = pad8(metadata.byteLength);
  const out = alloc(8 + metaLength + body);
  out.writeUInt32LE(0xffffffff, 0);
  out.writeInt32LE(metaLength, 4);
  out.set(metadata, 8);
  out.fill(0, 8 + metadata.byteLength, 8 + metaLength);
  return out;
}

/** The end-of-stream marker: a continuation and a zero metadata length. */
export const END_OF_STREAM = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

interface BatchMeta {
  length: number;
  nodes: Data[];
  regions: Region[];
  bodyLength: number;
  codec?: BufferCodec;
  metadata?: Map<string, string>;
}

/**
 * The Message table (Message.fbs) with a RecordBatch header, laid out front to back: each
 * vtable just before its table, every reference pointing forward as flatbuffers require.
 */
function writeMessage(w: FlatWriter, m: BatchMeta): void {
  const root = w.ref();
  // Message: version@4, header_type@6, header@8, custom_metadata@12, bodyLength@16.
  const message = w.table(24, m.metadata ? [4, 6, 8, 16, 12] : [4, 6, 8, 16]);
  w.point(root, message);
  w.i16(message + 4, V5);
  w.u8(message + 6, RECORD_BATCH);
  w.i64(message + 16, m.bodyLength);
  // RecordBatch: nodes@4, length@8, buffers@16, compression@20.
  const batch = w.table(24, [8, 4, 16, m.codec ? 20 : 0]);
  w.point(message + 8, batch);
  w.i64(batch + 8, m.length);
  w.point(batch + 4, w.structs(m.nodes.length));
  for (const n of m.nodes) w.push64(n.length, n.nullCount);
  w.point(batch + 16, w.structs(m.regions.length));
  for (const r of m.regions) w.push64(r.offset, r.length);
  // BodyCompression with its defaults, LZ4_FRAME per BUFFER, which flatbuffers leave out.
  if (m.codec) w.point(batch + 20, w.table(4, []));
  if (m.metadata) w.point(message + 12, keyValues(w, m.metadata));
}

/** A vector of KeyValue tables (key@4, value@8); returns where the vector starts. */
function keyValues(w: FlatWriter, entries: Map<string, string>): number {
  const vector = w.vector(entries.size);
  let i = 0;
  for (const [key, value] of entries) {
    const kv = w.table(12, [4, 8]);
    w.point(vector + 4 + 4 * i++, kv);
    w.point(kv + 4, w.string(key));
    w.point(kv + 8, w.string(value));
  }
  return vector;
}

function writeInt64(b: Buffer, at: number, v: number): void {
  // Two words: exact for every |v| < 2^53, and -1 as all ones.
  b.writeUInt32LE(v >>> 0, at);
  b.writeInt32LE(Math.floor(v / 2 ** 32), at + 4);
}

/** A flatbuffer written from the front into a growing buffer, aligned as flatbuffers read it. */
class FlatWriter {
  private buf = Buffer.alloc(1024);
  pos = 0;

  reset(): this {
    this.pos = 0;
    return this;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Reserves a 4-byte reference (uoffset), returned to be pointed later. */
  ref(): number {
    return this.take(4, 4);
  }

  /** Makes the reference at `at` point to `target`, which lies after it. */
  point(at: number, target: number): void {
    this.buf.writeUInt32LE(target - at, at);
  }

  /** A vtable, then its table of `size` bytes (8-aligned); field i sits at `fields[i]`. */
  table(size: number, fields: number[]): number {
    const vtable = this.take(4 + 2 * fields.length, 2);
    this.buf.writeUInt16LE(4 + 2 * fields.length, vtable);
    this.buf.writeUInt16LE(size, vtable + 2);
    fields.forEach((f, i) => this.buf.writeUInt16LE(f, vtable + 4 + 2 * i));
    const table = this.take(size, 8);
    this.buf.writeInt32LE(table - vtable, table);
    return table;
  }

  /** A vector's length of `n` 16-byte structs, placed so the structs are 8-aligned. */
  structs(n: number): number {
    const at = this.take(4, 8, 4);
    this.buf.writeUInt32LE(n, at);
    return at;
  }

  /** A vector of `n` references, returned as where its length is. */
  vector(n: number): number {
    const at = this.take(4 + 4 * n, 4);
    this.buf.writeUInt32LE(n, at);
    return at;
  }

  string(s: string): number {
    const n = Buffer.byteLength(s);
    const at = this.take(4 + n + 1, 4);
    this.buf.writeUInt32LE(n, at);
    this.buf.write(s, at + 4);
    return at;
  }

  /** Appends one struct of two int64s. */
  push64(a: number, b: number): void {
    const at = this.take(16, 8);
    writeInt64(this.buf, at, a);
    writeInt64(this.buf, at + 8, b);
  }

  i64(at: number, v: number): void {
    writeInt64(this.buf, at, v);
  }

  i16(at: number, v: number): void {
    this.buf.writeInt16LE(v, at);
  }

  u8(at: number, v: number): void {
    this.buf[at] = v;
  }

  /** `n` zeroed bytes starting where `start % align === phase`. */
  private take(n: number, align: number, phase = 0): number {
    let at = this.pos;
    while (at % align !== phase) at++;
    if (at + n > this.buf.length) {
      const grown = Buffer.alloc(Math.max(2 * this.buf.length, at + n));
      this.buf.copy(grown, 0, 0, this.pos);
      this.buf = grown;
    }
    this.buf.fill(0, this.pos, at + n);
    this.pos = at + n;
    return at;
  }
}

/** One for every stream: a batch's metadata is written and copied out synchronously. */
const FLAT = new FlatWriter();
