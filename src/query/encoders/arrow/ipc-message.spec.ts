import {
  type Data,
  Field,
  MessageReader,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  makeData,
  tableFromIPC,
  vectorFromArray,
  Bool,
  Int64,
  List,
  Utf8,
  Float64,
} from 'apache-arrow';
import { CODECS } from './ipc-compression';
import { END_OF_STREAM, recordBatchMessage, schemaMessage } from './ipc-message';
import '../../../../test/support/arrow-lz4';

/** Columns of every buffer layout the service writes: flat, bits, offsets, nested, nulls. */
function columns(): Data[] {
  const vec = <T>(values: T[], type: Bool | Int64 | Utf8 | Float64 | List): Data =>
    vectorFromArray(values, type as never).data[0];
  const list = new List(new Field('item', new Int64(), true));
  const s = new Struct([new Field('a', new Utf8(), true), new Field('b', new Float64(), true)]);
  const struct = makeData({
    type: s,
    length: 3,
    nullCount: 1,
    nullBitmap: Uint8Array.of(0b101),
    children: [vec(['x', null, 'zz'], new Utf8()), vec([1.5, 0, NaN], new Float64())],
  });
  return [
    vec([1n, null, -9223372036854775808n], new Int64()),
    vec([true, false, null], new Bool()),
    vec(['é', '', null], new Utf8()),
    vec([[1n, 2n], [], null], list),
    struct,
  ];
}

const big = (_: string, v: unknown): unknown => (typeof v === 'bigint' ? String(v) : v);

const schemaOf = (cols: Data[]): Schema =>
  new Schema(cols.map((c, i) => new Field(`c${i}`, c.type, true)));

interface Batch {
  nodes: { length: number; nullCount: number }[];
  buffers: Buffer[];
}

/** A stream's record batches: nodes, and each buffer's bytes as its region says. */
function batches(stream: Uint8Array): Batch[] {
  const reader = new MessageReader(stream);
  const out: Batch[] = [];
  for (let m = reader.readMessage(); m; m = reader.readMessage()) {
    const body = Buffer.from(reader.readMessageBody(m.bodyLength));
    if (!m.isRecordBatch()) continue;
    const h = m.header();
    out.push({
      nodes: h.nodes.map(({ length, nullCount }) => ({ length, nullCount })),
      buffers: h.buffers.map(({ offset, length }) => body.subarray(offset, offset + length)),
    });
  }
  return out;
}

describe('recordBatchMessage', () => {
  it("writes the same nodes, buffers and body bytes as apache-arrow's own writer", () => {
    const cols = columns();
    const schema = schemaOf(cols);
    const metadata = new Map([['trino.row_count', '3']]);
    const struct = makeData({ type: new Struct(schema.fields), length: 3, children: cols });
    const theirs = RecordBatchStreamWriter.writeAll([
      new RecordBatch(schema, struct, metadata),
    ]).toUint8Array(true);
    const ours = Buffer.concat([
      schemaMessage(schema),
      recordBatchMessage(3, cols, { metadata }),
      END_OF_STREAM,
    ]);
    const [[a], [b]] = [batches(theirs), batches(ours)];
    expect(b.nodes).toEqual(a.nodes);
    expect(b.buffers).toHaveLength(a.buffers.length);
    // apache-arrow's regions run to the next multiple of 8; ours end where the data does.
    b.buffers.forEach((buffer, i) =>
      expect(buffer).toEqual(a.buffers[i].subarray(0, buffer.length)),
    );
    expect(b.buffers.map((x) => x.length)).toEqual([
      1, 24, 1, 1, 1, 16, 2, 1, 16, 0, 16, 1, 1, 16, 3, 0, 24,
    ]);
    const table = tableFromIPC(ours);
    expect(table.batches[0].metadata.get('trino.row_count')).toBe('3');
    expect(JSON.stringify(table.get(2), big)).toBe(
      '{"c0":"-9223372036854775808","c1":null,"c2":null,"c3":null,"c4":{"a":"zz","b":null}}',
    );
    expect(table.toArray().map((r) => JSON.stringify(r, big))).toEqual(
      tableFromIPC(theirs)
        .toArray()
        .map((r) => JSON.stringify(r, big)),
    );
  });

  it('frames every message to 8 bytes, metadata and body alike', () => {
    const cols = columns();
    for (const codec of [undefined, CODECS.lz4]) {
      const out = recordBatchMessage(3, cols, { codec, metadata: new Map([['k', 'odd-length']]) });
      expect(out.readUInt32LE(0)).toBe(0xffffffff);
      const metaLength = out.readInt32LE(4);
      expect(metaLength % 8).toBe(0);
      expect(out.byteLength % 8).toBe(0);
      const reader = new MessageReader(out);
      const m = reader.readMessage()!;
      expect(m.bodyLength).toBe(out.byteLength - 8 - metaLength);
      expect(reader.readMessageBody(m.bodyLength).byteLength).toBe(m.bodyLength);
    }
  });

  it('stores a buffer that lz4 would not shrink as is, behind -1', () => {
    const cols = [vectorFromArray([1n], new Int64()).data[0]];
    const out = recordBatchMessage(1, cols, { codec: CODECS.lz4 });
    const [{ buffers }] = batches(out);
    // The validity buffer is empty; the 8 value bytes follow the -1 that says "stored as is".
    expect(buffers[0]).toHaveLength(0);
    expect(buffers[1].readBigInt64LE(0)).toBe(-1n);
    expect(buffers[1].readBigInt64LE(8)).toBe(1n);
    const table = tableFromIPC(Buffer.concat([schemaMessage(schemaOf(cols)), out]));
    expect(table.getChild('c0')!.get(0)).toBe(1n);
  });
});
