import { Readable } from 'node:stream';

/** What a body is made of: strings of text (framing and rows), Buffers of binary (Arrow, compressed). */
export type Chunk = string | Buffer;

/**
 * A byte stream pulled from an async iterator: the next chunk is produced only when the
 * consumer (the socket) wants more, which is the backpressure the service rests on.
 * Destroying it (the client went away) aborts `controller` first, so an in-flight Trino
 * request is cut at once instead of after it completes, then lets the iterator clean up and
 * calls `onClose` whatever state the iterator was in.
 */
export function readableFrom(
  source: AsyncIterator<Chunk>,
  controller: AbortController,
  onClose: () => Promise<void>,
): Readable {
  let reading = false;
  /** Set once the source ended or threw: a destroy after that is not the client leaving. */
  let settled = false;
  return new Readable({
    // Counted in chunks: in object mode a text format's string goes to the socket as it is,
    // where a byte-mode Readable would copy it into a Buffer (the churn ByteWriter.take
    // avoids). Four chunks are at most about half a Trino page (Arrow's batches: a few
    // hundred KiB), so the next page is fetched while the socket writes these, and no more
    // than that is held.
    objectMode: true,
    highWaterMark: 4,
    read(): void {
      if (reading) return;
      reading = true;
      void (async () => {
        try {
          for (;;) {
            const next = await source.next();
            if (next.done === true) {
              settled = true;
              this.push(null);
              break;
            }
            if (!this.push(next.value)) break;
          }
        } catch (e) {
          settled = true;
          this.destroy(e as Error);
        } finally {
          reading = false;
        }
      })();
    },
    destroy(error, callback): void {
      if (!settled && !controller.signal.aborted) controller.abort(new ClientGone());
      // An async generator destroyed before its first read never runs its finally block, so
      // the cleanup is called here too (it is idempotent).
      Promise.resolve(source.return?.())
        .catch(() => undefined)
        .then(onClose)
        .catch(() => undefined)
        .finally(() => callback(error));
    },
  });
}

/** The abort reason when the reader went away: nothing can be told to it any more. */
export class ClientGone extends Error {
  override name = 'ClientGone';
  constructor() {
    super('client disconnected');
  }
}

/**
 * Interleaves `keepAlive` into `source` whenever it has been silent for `intervalMs`, so
 * proxies with idle timeouts don't cut a long query that has not produced rows yet.
 */
export async function* withKeepAlive(
  source: AsyncIterator<Chunk>,
  intervalMs: number,
  keepAlive: string,
): AsyncGenerator<Chunk> {
  try {
    for (;;) {
      const next = source.next();
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<'tick'>((resolve) => {
          timer = setTimeout(() => resolve('tick'), intervalMs);
        });
        const result = await Promise.race([next, tick]);
        clearTimeout(timer);
        if (result === 'tick') {
          yield keepAlive;
          continue;
        }
        if (result.done) return;
        yield result.value;
        break;
      }
    }
  } finally {
    await source.return?.();
  }
}
