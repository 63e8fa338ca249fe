import { MessageReader, tableFromIPC } from 'apache-arrow';
import { decompressFrameSync } from 'lz4-napi';
import { PageTokenizer, Scratch } from '../../../trino/page-tokenizer';
import type { TrinoColumn } from '../../../trino/trino-types';
import { ArrowStream } from './arrow-stream';
import type { ArrowCodec } from './ipc-compression';
import '../../../../test/support/arrow-lz4';

const sig = (rawType: string, ...longs: number[]) => ({
  rawType,
  arguments: longs.map((value) => ({ kind: 'LONG' as const, value })),
});
const COLUMNS: TrinoColumn[] = [
  { name: 'big', type: 'bigint', typeSignature: sig('bigint') },
  { name: 'dec', type: 'decimal(38, 2)', typeSignature: sig('decimal', 38, 2) },
  { name: 's', type: 'varchar', typeSignature: sig('varchar') },
  {
    name: 'arr',
    type: 'array(bigint)',
    typeSignature: { rawType: 'array', arguments: [{ kind: 'TYPE', value: sig('bigint') }] },
  },
  { name: 'ts', type: 'timestamp(9)', typeSignature: sig('timestamp', 9) },
];

/** Each page's rows as Trino's page JSON, tokenized as the service does, one batch a page. */
function stream(...pages: string[][]): Buffer {
  return streamWith(undefined, ...pages);
}

function streamWith(codec: ArrowCodec | undefined, ...pages: string[][]): Buffer {
  const arrow = new ArrowStream(COLUMNS, ['big', 'dec', 's', 'arr', 'ts'], 'q1', codec);
  const parts = [arrow.head()];
  for (const rows of pages) {
    const page = `{"id":"q","columns":${JSON.stringify(COLUMNS)},"data":[${rows.join(',')}]}`;
    const tokenizer = new PageTokenizer(undefined, new Scratch());
    const slices = tokenizer.write([Buffer.from(page)]);
    if (slices) parts.push(arrow.rows(slices));
    tokenizer.end();
  }
  const count = pages.reduce((n, rows) => n + rows.length, 0);
  parts.push(arrow.end(count, false, 'q1'));
  return Buffer.concat(parts);
}

describe('ArrowStream', () => {
  it('writes exact values and nulls that apache-arrow reads back', () => {
    const table = tableFromIPC(
      stream([
        '[-9223372036854775808,"-12.50","a\\"b\\u00e9",[9223372036854775807,null],"1969-12-31 23:59:59.999999999"]',
        '[null,null,null,null,null]',
      ]),
    );
    expect(table.numRows).toBe(2);
    expect(table.schema.metadata.get('trino.query_id')).toBe('q1');
    expect(table.schema.fields[1].metadata.get('trino.type')).toBe('decimal(38, 2)');
    const row = table.get(0)!.toJSON();
    expect(row.big).toBe(-9223372036854775808n);
    expect(String(row.s)).toBe('a"bé');
    expect([...(row.arr as Iterable<bigint | null>)]).toEqual([9223372036854775807n, null]);
    const values = (name: string): ArrayLike<unknown> =>
      (table.getChild(name)!.data[0] as { values: ArrayLike<unknown> }).values;
    expect(values('ts')[0]).toBe(-1n);
    expect(Array.from(values('dec')).slice(0, 4)).toEqual(
      // -1250 as 128-bit two's complement, least significant word first.
      [0xfffffb1e, 0xffffffff, 0xffffffff, 0xffffffff],
    );
    expect(table.get(1)!.toArray()).toEqual([null, null, null, null, null]);
  });

  it('reuses its buffers across batches without carrying a value over', () => {
    const long = 'x'.repeat(3000);
    const full = `[7,"1.25","${long}",[1,2,3],"2020-01-01 00:00:00.000000001"]`;
    const table = tableFromIPC(
      stream(Array<string>(100).fill(full), [
        '[null,null,null,null,null]',
        '[8,"2.50","y",[],null]',
      ]),
    );
    expect(table.numRows).toBe(102);
    expect(table.get(99)!.toJSON().s).toBe(long);
    expect(table.get(100)!.toArray()).toEqual([null, null, null, null, null]);
    const last = table.get(101)!.toJSON();
    expect([last.big, String(last.s), [...(last.arr as Iterable<bigint>)], last.ts]).toEqual([
      8n,
      'y',
      [],
      null,
    ]);
    // The null's slot in the second batch is zero, not the first batch's 7.
    const second = table.getChild('big')!.data[1] as { values: ArrayLike<bigint> };
    expect([second.values[0], second.values[1]]).toEqual([0n, 8n]);
  });

  it('keeps every value of a batch large enough to grow its buffers', () => {
    const n = 1000;
    const big = (i: number): bigint => BigInt(i) * 9_007_199_254_740_993n - 4_503_599_627_370_496n;
    const small = (i: number): number => (i - 500) * 1_000_000_007;
    const rows = Array.from({ length: n }, (_, i) =>
      JSON.stringify([i % 3 ? small(i) : 0, null, `s${i}`, null, null]).replace(
        /^\[\d+|^\[-?\d+/,
        `[${i % 3 ? small(i) : big(i)}`,
      ),
    );
    const table = tableFromIPC(stream(rows));
    const got = [...table.getChild('big')!].map((v) => BigInt(v as bigint));
    expect(got).toEqual(Array.from({ length: n }, (_, i) => (i % 3 ? BigInt(small(i)) : big(i))));
    expect([...table.getChild('s')!].map(String)).toEqual(
      Array.from({ length: n }, (_, i) => `s${i}`),
    );
  });

  it('copies plain strings of every length exactly, short and long', () => {
    const strings = [0, 1, 31, 62, 63, 64, 65, 200].map(
      (n) => 'é'.repeat(n >> 1) + 'x'.repeat(n & 1),
    );
    const table = tableFromIPC(
      stream(strings.map((v) => `[1,"1.00",${JSON.stringify(v)},[],null]`)),
    );
    expect([...table.getChild('s')!].map(String)).toEqual(strings);
  });

  it('writes a result with no rows as a schema and its closing batch', () => {
    const table = tableFromIPC(stream([]));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual([
      'Int64',
      'Decimal[38e+2]',
      'Utf8',
      'List<Int64>',
      'Timestamp<NANOSECOND>',
    ]);
  });

  describe('with lz4 buffers', () => {
    const rows = Array.from(
      { length: 500 },
      (_, i) => `[${i},"${i}.25","row ${i % 7} of a repeated text",[${i},${i}],null]`,
    );

    it('reads back as the uncompressed stream does, and is smaller', () => {
      const plain = stream(rows, ['[null,null,null,null,null]']);
      const lz4 = streamWith('lz4', rows, ['[null,null,null,null,null]']);
      expect(lz4.byteLength).toBeLessThan(plain.byteLength / 2);
      const [a, b] = [tableFromIPC(plain), tableFromIPC(lz4)];
      expect(b.numRows).toBe(501);
      for (const name of ['big', 'dec', 's', 'arr', 'ts'])
        expect(String([...b.getChild(name)!])).toBe(String([...a.getChild(name)!]));
    });

    it('prefixes each buffer with its uncompressed length, as pyarrow reads it', () => {
      const reader = new MessageReader(streamWith('lz4', rows));
      let checked = 0;
      for (let m = reader.readMessage(); m; m = reader.readMessage()) {
        const body = reader.readMessageBody(m.bodyLength);
        if (!m.isRecordBatch()) continue;
        const batch = m.header();
        expect(batch.compression).not.toBeNull();
        for (const { offset, length } of batch.buffers) {
          if (length === 0) continue;
          const view = Buffer.from(body.buffer, body.byteOffset + offset, length);
          const prefix = view.readBigInt64LE(0);
          const data = view.subarray(8);
          if (prefix === -1n) continue; // stored as is
          expect(BigInt(decompressFrameSync(data).byteLength)).toBe(prefix);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    });
  });
});
