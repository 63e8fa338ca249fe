import * as zlib from 'node:zlib';
import type { Chunk } from '../readable-from';
import type { ContentCoding } from './accept-encoding';
import { availableCodings, compressed } from './compress';

const c = zlib.constants;

/** Decodes a whole body; throws when it was cut before its end. */
function decode(coding: ContentCoding, body: Buffer): Buffer {
  return coding === 'gzip' ? zlib.gunzipSync(body) : zlib.brotliDecompressSync(body);
}

/** Decodes what arrived so far, without requiring the end of the stream. */
function decodeSoFar(coding: ContentCoding, body: Buffer): Buffer {
  return coding === 'gzip'
    ? zlib.gunzipSync(body, { finishFlush: c.Z_SYNC_FLUSH })
    : zlib.brotliDecompressSync(body, { finishFlush: c.BROTLI_OPERATION_FLUSH });
}

async function* chunks(parts: Chunk[], failAfter?: Error): AsyncGenerator<Chunk> {
  for (const p of parts) yield await Promise.resolve(p);
  if (failAfter) throw failAfter;
}

const PAGES: Chunk[] = [
  'orderkey,comment\r\n',
  '',
  Buffer.from('1,"naïve ""quoted"" text"\r\n'.repeat(2000)),
  '2,plain\r\n'.repeat(5000),
];

describe.each<ContentCoding>(['gzip', 'br'])('compressed(%s)', (coding) => {
  it('decodes to exactly the bytes written', async () => {
    const out: Buffer[] = [];
    for await (const b of compressed(chunks(PAGES), coding)) out.push(b);
    expect(decode(coding, Buffer.concat(out)).toString('utf8')).toBe(PAGES.join(''));
  });

  it('hands out each chunk before the next is asked for', async () => {
    const source = chunks(PAGES);
    const gen = compressed(source, coding);
    let sent = '';
    let got = Buffer.alloc(0);
    for (const p of PAGES.filter((x) => x.length > 0)) {
      const next = await gen.next();
      expect(next.done).toBe(false);
      got = Buffer.concat([got, next.value as Buffer]);
      sent += p.toString();
      expect(decodeSoFar(coding, got).toString('utf8')).toBe(sent);
    }
    await gen.return(undefined);
  });

  it('ends without the trailer when the source fails, and passes the error on', async () => {
    const out: Buffer[] = [];
    const boom = new Error('query failed midway');
    await expect(
      (async () => {
        for await (const b of compressed(chunks(PAGES, boom), coding)) out.push(b);
      })(),
    ).rejects.toBe(boom);
    const body = Buffer.concat(out);
    expect(decodeSoFar(coding, body).toString('utf8')).toBe(PAGES.join(''));
    expect(() => decode(coding, body)).toThrow();
  });

  it('writes a valid empty body for an empty source', async () => {
    const out: Buffer[] = [];
    for await (const b of compressed(chunks([]), coding)) out.push(b);
    expect(decode(coding, Buffer.concat(out)).length).toBe(0);
  });

  it('closes the source when the reader stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Chunk> {
      try {
        for (;;) yield await Promise.resolve('row\r\n');
      } finally {
        closed = true;
      }
    }
    const gen = compressed(source(), coding);
    await gen.next();
    await gen.return(undefined);
    expect(closed).toBe(true);
  });
});

describe('availableCodings', () => {
  it('offers zstd exactly when this Node can write it', () => {
    const hasZstd = typeof (zlib as unknown as Record<string, unknown>).createZstdCompress;
    expect(availableCodings().includes('zstd')).toBe(hasZstd === 'function');
    expect(availableCodings()).toEqual(expect.arrayContaining(['br', 'gzip']));
  });
});
