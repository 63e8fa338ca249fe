import { releaseWhenWritten } from '../../send-body';

/**
 * Buffers kept for refilling: a stream has about this many batches in flight (four read
 * ahead, one being written), so more would sit idle.
 */
const KEPT = 6;

/**
 * The output Buffers of one stream's record batches, each filled again once the socket has
 * written it. A fresh Buffer per batch is memory outside V8's heap, freed only when a
 * collection finds it dead: with little other garbage, collections come seldom and those
 * Buffers piled up (bench/README.md, "Arrow downloads"). A Buffer that never reaches the
 * socket as it is (a compressed body) is never handed back, and is collected as before.
 */
export class BatchBuffers {
  private readonly free: Buffer[] = [];

  /** `bytes` bytes, uninitialised: the batch writer fills every one. */
  readonly take = (bytes: number): Buffer => {
    let whole = this.free.pop();
    // Room to spare, so the next batch, a little longer, still fits.
    if (!whole || whole.length < bytes) whole = Buffer.allocUnsafeSlow(bytes + (bytes >> 3));
    const kept = whole;
    return releaseWhenWritten(whole.subarray(0, bytes), () => {
      if (this.free.length < KEPT) this.free.push(kept);
    });
  };
}
