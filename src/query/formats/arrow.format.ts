import { ArrowStream } from '../encoders/arrow/arrow-stream';
import type { ArrowCodec } from '../encoders/arrow/ipc-compression';
import { downloadHeaders } from './download';
import type { ResultFormat } from './result-format';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** Splits `text` at `sep` where it is not inside double quotes. */
function splitUnquoted(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === sep && !quoted) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * The IPC buffer codec an Accept header asks for, by Arrow's HTTP convention:
 * `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` lists the codecs the
 * client reads, and the server may pick any of them or none. The service writes lz4; a list
 * without it, or no codecs parameter, gets uncompressed buffers.
 */
export function arrowCodec(accept: string | undefined): ArrowCodec | undefined {
  for (const range of splitUnquoted(accept ?? '', ',')) {
    const [type, ...params] = splitUnquoted(range, ';');
    if (type.toLowerCase() !== ARROW_STREAM) continue;
    const param = (name: string): string | undefined => {
      const p = params.find((x) => x.split('=')[0].trim().toLowerCase() === name);
      return p
        ?.slice(p.indexOf('=') + 1)
        .trim()
        .replace(/^"|"$/g, '');
    };
    if (Number(param('q') ?? 1) === 0) continue;
    const codecs = (param('codecs') ?? '').toLowerCase().split(/[\s,]+/);
    if (codecs.includes('lz4')) return 'lz4';
  }
  return undefined;
}

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
