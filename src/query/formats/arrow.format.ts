import { ArrowStream } from '../encoders/arrow/arrow-stream';
import type { ArrowCodec } from '../encoders/arrow/ipc-compression';
import { downloadHeaders } from './download';
import type { ResultFormat } from './result-format';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/**
 * `POST /query/download/arrow`: an Arrow IPC stream. Like CSV it cannot say it failed, so a
 * failure aborts the transfer; a stream that ended well closes with the empty batch whose
 * metadata gives the row count (docs/arrow.md).
 */
export function arrowFormat(filename?: string, codec?: ArrowCodec): ResultFormat {
  let stream: ArrowStream | undefined;
  const type = codec ? `${ARROW_STREAM}; codecs=${codec}` : ARROW_STREAM;
  return {
    endpoint: 'arrow',
    // The body depends on Accept too: its codecs parameter asks for compressed buffers.
    headers: { ...downloadHeaders('arrow', type, filename), Vary: 'Accept, Accept-Encoding' },
    headAfterColumns: true,
    // A record batch per 128 KiB of page: the batch's framing and builders are spread over
    // more rows than the text formats' stretch (its output is a Buffer either way).
    scanBytes: 128 * 1024,
    head: (cols, queryId) => {
      stream = new ArrowStream(
        cols.source,
        cols.meta.map((m) => m.name),
        queryId,
        codec,
      );
      return stream.head();
    },
    rows: (_cols, rows) => stream!.rows(rows),
    end: (rowCount, truncated, id) => stream!.end(rowCount, truncated, id),
    failed: () => undefined,
  };
}
