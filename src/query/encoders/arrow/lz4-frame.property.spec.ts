import fc from 'fast-check';
import { decompressFrameSync } from 'lz4-napi';
import { Lz4Frames } from './lz4-frame';

const SEED = 20261206;
const RUNS = 150;

/**
 * Bytes with repeats at every distance: runs of a few symbols, copies of earlier stretches,
 * noise. The block compressor keeps its table from block to block and from frame to frame,
 * so a stale entry meeting new bytes is the case to try.
 */
const input = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5000 }))
        .map(([b, n]) => new Uint8Array(n).fill(97 + b)),
      fc
        .tuple(fc.stringMatching(/^[a-c ]{1,40}$/), fc.integer({ min: 1, max: 3000 }))
        .map(([s, n]) => new Uint8Array(Buffer.from(s.repeat(n)))),
    ),
    { maxLength: 12 },
  )
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

describe('Lz4Frames (property)', () => {
  it('writes frames that LZ4 reads back exactly, frame after frame, batch after batch', () => {
    const frames = new Lz4Frames();
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 4 }), (batch) => {
        frames.reset();
        const written = batch.map((b) => frames.frame(b));
        written.forEach((frame, i) => {
          const back = decompressFrameSync(Buffer.from(frame));
          expect(back.equals(batch[i])).toBe(true);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
