import { once } from 'node:events';
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Chunk } from '../readable-from';
import type { ContentCoding } from './accept-encoding';

/** zstd arrived in Node 22.15 and 23.8; typed here because this project's Node types predate it. */
interface ZstdZlib {
  createZstdCompress?: (options: { flush: number; params: Record<number, number> }) => Transform;
  constants: { ZSTD_e_flush?: number; ZSTD_c_compressionLevel?: number };
}
const zstd = zlib as unknown as ZstdZlib;

/** The codings this Node can write, in no particular order. */
export function availableCodings(): ContentCoding[] {
  return typeof zstd.createZstdCompress === 'function' ? ['br', 'zstd', 'gzip'] : ['br', 'gzip'];
}

/**
 * A compressor at the fast level chosen by measurement (docs/compression.md) that flushes at
 * the end of every write: everything written so far comes out without ending the stream.
 * One operation per chunk; a write and then a separate flush were two trips through
 * libuv's thread pool for every chunk.
 */
function compressor(coding: ContentCoding): Transform {
  const c = zlib.constants;
  switch (coding) {
    case 'gzip':
      return zlib.createGzip({ level: 1, flush: c.Z_SYNC_FLUSH });
    case 'br':
      // A 256 KiB window compressed TPC-H as well as the 4 MiB default, in less memory.
      return zlib.createBrotliCompress({
        flush: c.BROTLI_OPERATION_FLUSH,
        params: { [c.BROTLI_PARAM_QUALITY]: 1, [c.BROTLI_PARAM_LGWIN]: 18 },
      });
    case 'zstd':
      return zstd.createZstdCompress!({
        flush: zstd.constants.ZSTD_e_flush!,
        params: { [zstd.constants.ZSTD_c_compressionLevel!]: 1 },
      });
  }
}

/** Everything the compressor produced so far, as one Buffer. */
function take(out: Buffer[]): Buffer {
  const b = out.length === 1 ? out[0] : Buffer.concat(out);
  out.length = 0;
  return b;
}

/**
 * `source` compressed with `coding`, pulled as the reader wants it. Each chunk is flushed
 * through, so a reader decompressing as it goes sees rows as pages arrive. When `source`
 * throws (a download that must abort), the compressor is dropped without its trailer and
 * the error goes on: a decompressing client then fails instead of reading a short file.
 */
export async function* compressed(
  source: AsyncIterator<Chunk>,
  coding: ContentCoding,
): AsyncGenerator<Buffer> {
  const stream = compressor(coding);
  const out: Buffer[] = [];
  stream.on('data', (b: Buffer) => out.push(b));
  const ended = once(stream, 'end');
  // An error is seen through `ended` or a write; this keeps it from being unhandled.
  ended.catch(() => undefined);
  try {
    for (;;) {
      const next = await source.next();
      if (next.done === true) break;
      if (next.value.length === 0) continue;
      await new Promise<void>((resolve, reject) =>
        stream.write(next.value, (e) => (e ? reject(e) : resolve())),
      );
      if (out.length > 0) yield take(out);
    }
    stream.end();
    await ended;
    if (out.length > 0) yield take(out);
  } finally {
    stream.destroy();
    await source.return?.();
  }
}
