import { Field, Schema } from 'apache-arrow';
import { parseExact } from '../../../trino/exact-json';
import { Token, type RowSlices } from '../../../trino/row-slices';
import type { TrinoColumn } from '../../../trino/trino-types';
import { BatchBuffers } from './batch-buffers';
import { arrowColumn, type ArrowColumn } from './arrow-types';
import type { ColumnBuilder } from './builders';
import { CODECS, type ArrowCodec } from './ipc-compression';
import { END_OF_STREAM, recordBatchMessage, schemaMessage, type BufferCodec } from './ipc-message';

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
  private readonly codec?: BufferCodec;
  private readonly columns: ArrowColumn[];
  /** One per column for the whole stream, emptied before each batch. */
  private readonly builders: ColumnBuilder[];
  private readonly schema: Schema;
  private readonly buffers = new BatchBuffers();

  /** `codec` compresses each batch's buffers (the schema and batch headers stay plain). */
  constructor(columns: TrinoColumn[], names: string[], queryId: string, codec?: ArrowCodec) {
    this.codec = codec && CODECS[codec];
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
    return schemaMessage(this.schema);
  }

  rows(rows: RowSlices): Buffer {
    const builders = this.builders;
    for (const b of builders) b.reset();
    for (let c = 0; c < builders.length; c++) builders[c].appendColumn(rows, c, value);
    return recordBatchMessage(
      rows.count,
      builders.map((b) => b.finish()),
      { codec: this.codec, alloc: this.buffers.take },
    );
  }

  end(rowCount: number, truncated: boolean, queryId: string): Buffer {
    const empty = this.columns.map((c) => c.builder().finish());
    const metadata = new Map([
      ['trino.query_id', queryId],
      ['trino.row_count', String(rowCount)],
      ['trino.truncated', String(truncated)],
    ]);
    return Buffer.concat([
      recordBatchMessage(0, empty, { codec: this.codec, metadata }),
      END_OF_STREAM,
    ]);
  }
}
