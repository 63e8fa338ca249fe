import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** Hooks run once the socket has taken a chunk's bytes, keyed by the chunk. */
const afterWrite = new WeakMap<object, () => void>();

/**
 * Marks `chunk` so that `release` runs once the socket has written it (and not if the write
 * failed): from then on nothing reads its memory, and the producer may fill it again. A
 * chunk that a stage between producer and socket replaces (compression) is never released,
 * so its memory is simply left to the garbage collector.
 */
export function releaseWhenWritten<C extends object>(chunk: C, release: () => void): C {
  afterWrite.set(chunk, release);
  return chunk;
}

/** Resolves when `res` wants more, or has closed (at once if it has). */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes `body` to `res` with backpressure, the headers with its first chunk. The service
 * writes bodies itself, rather than handing Nest a stream to pipe, to learn when each chunk
 * has been written (`releaseWhenWritten`), so that Arrow's batch buffers are reused instead
 * of left for the garbage collector (docs/design.md, "Backpressure").
 *
 * - The client leaving destroys `body`, which cancels the query.
 * - `body` failing after the first chunk aborts the transfer: the client sees a cut
 *   response, never a short one that looks complete; `onAbort` hears why.
 * - `body` failing before its first chunk rejects, with nothing written, so the exception
 *   filter answers it like any other error.
 */
export async function sendBody(
  res: ServerResponse,
  headers: Record<string, string>,
  body: Readable,
  onAbort: (e: Error) => void,
): Promise<void> {
  const leave = (): void => {
    if (!body.readableEnded) body.destroy();
  };
  // The client may have left while the query was being opened: 'close' has fired by then.
  if (res.destroyed) return leave();
  res.once('close', leave);
  let started = false;
  const start = (): void => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    started = true;
  };
  try {
    for await (const chunk of body as AsyncIterable<string | Buffer>) {
      if (!started) start();
      const release = afterWrite.get(chunk as object);
      const more = release ? res.write(chunk, (e) => e || release()) : res.write(chunk);
      if (!more) await drained(res);
      if (res.destroyed) return;
    }
    if (!started) start();
    res.end();
  } catch (e) {
    // The client left first: its leaving destroyed the body, and nobody is there to tell.
    if (res.destroyed) return;
    if (!started && !res.headersSent) throw e;
    onAbort(e as Error);
    res.destroy();
  } finally {
    res.off('close', leave);
  }
}
