import {
  AsyncByteQueue,
  Data,
  Field,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
} from 'apache-arrow';
import { parseExact } from '../../../trino/exact-json';
import { Token, type RowSlices } from '../../../trino/row-slices';
import type { TrinoColumn } from '../../../trino/trino-types';
import { arrowColumn, type ArrowColumn } from './arrow-types';
import type { ColumnBuilder } from './builders';
import { Lz4StreamWriter, type ArrowCodec } from './ipc-compression';

/**
 * Takes what apache-arrow's writer emits, synchronously, instead of queueing it for an async
 * reader: each page's bytes are handed on as soon as the page is encoded.
 */
class Collected extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];
  private length = 0;

  override write(value: Uint8Array): void {
    this.chunks.push(value);
    this.length += value.byteLength;
  }

  /**
   * Everything written since the last take, as one Buffer. Copied here rather than with
   * Buffer.concat, which wraps each of a batch's hundred-odd pieces in a new view first.
   */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [];
    this.length = 0;
    return out;
  }
}

/** Value `k` of a stretch as the JS value the column converters read (text stays text). */
function value(rows: RowSlices, k: number): unknown {
  const { bytes, starts, ends } = rows;
  switch (rows.kinds[k]) {
    case Token.Null:
      return null;
    case Token.Bool:
      return bytes[starts[k]] === 116;
    case Token.String:
    case Token.Comma:
      return bytes.toString('utf8', starts[k] + 1, ends[k] - 1);
    case Token.Escaped:
      return JSON.parse(bytes.toString('utf8', starts[k], ends[k])) as string;
    case Token.Nested:
      return parseExact(bytes.toString('utf8', starts[k], ends[k]));
    default:
      // Numbers keep their digits as text: a BIGINT is read by BigInt(), never rounded.
      return bytes.toString('latin1', starts[k], ends[k]);
  }
}

/**
 * One query's Arrow IPC stream: the schema (Trino's type of each field in its metadata, the
 * query id in the schema's), one record batch per stretch of a page, and at the end an empty
 * batch whose metadata says how many rows went out and whether `size` truncated them.
 */
export class ArrowStream {
  private readonly sink = new Collected();
  private readonly writer: RecordBatchStreamWriter;
  private readonly columns: ArrowColumn[];
  /** One per column for the whole stream, emptied before each batch. */
  private readonly builders: ColumnBuilder[];
  private readonly schema: Schema;

  /** `codec` compresses each batch's buffers (the schema and batch headers stay plain). */
  constructor(columns: TrinoColumn[], names: string[], queryId: string, codec?: ArrowCodec) {
    this.writer = codec === 'lz4' ? new Lz4StreamWriter() : new RecordBatchStreamWriter();
    this.columns = columns.map((c) => arrowColumn(c.typeSignature));
    this.builders = this.columns.map((c) => c.builder());
    this.schema = new Schema(
      this.columns.map(
        (a, i) => new Field(names[i], a.type, true, new Map([['trino.type', columns[i].type]])),
      ),
      new Map([['trino.query_id', queryId]]),
    );
  }

  head(): Buffer {
    this.writer.reset(this.sink, this.schema);
    return this.sink.take();
  }

  rows(rows: RowSlices): Buffer {
    const builders = this.builders;
    for (const b of builders) b.reset();
    const width = rows.width;
    for (let r = rows.first; r < rows.first + rows.count; r++)
      for (let c = 0; c < width; c++) {
        const b = builders[c];
        const k = r * width + c;
        if (!b.appendSlice?.(rows, k)) b.append(value(rows, k));
      }
    return this.batch(
      rows.count,
      builders.map((b) => b.finish()),
    );
  }

  end(rowCount: number, truncated: boolean, queryId: string): Buffer {
    const empty = this.columns.map((c) => c.builder().finish());
    const metadata = new Map([
      ['trino.query_id', queryId],
      ['trino.row_count', String(rowCount)],
      ['trino.truncated', String(truncated)],
    ]);
    const out = this.batch(0, empty, metadata);
    this.writer.finish();
    return Buffer.concat([out, this.sink.take()]);
  }

  private batch(length: number, children: Data[], metadata?: Map<string, string>): Buffer {
    const struct = new Data(new Struct(this.schema.fields), 0, length, 0, undefined, children);
    this.writer.write(new RecordBatch(this.schema, struct, metadata));
    return this.sink.take();
  }
}
