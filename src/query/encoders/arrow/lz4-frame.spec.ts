import { randomBytes } from 'node:crypto';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { Lz4Frames } from './lz4-frame';

/** Inputs shaped like a batch's buffers: text, integers, zeros, noise, and the edges. */
function samples(): Record<string, Buffer> {
  const text = Buffer.from(
    Array.from({ length: 3000 }, (_, i) => `customer#${i % 97} furiously regular ${i * 7}`).join(
      '',
    ),
  );
  const ints = Buffer.alloc(8 * 20_000);
  for (let i = 0; i < 20_000; i++) ints.writeBigInt64LE(BigInt(i * 32 + (i % 5)), i * 8);
  return {
    empty: Buffer.alloc(0),
    oneByte: Buffer.from([7]),
    twelve: Buffer.from('abcabcabcabc'),
    thirteen: Buffer.from('aaaaaaaaaaaaa'),
    text,
    ints,
    zeros: Buffer.alloc(300_000),
    noise: randomBytes(70_000),
    block: Buffer.concat([text, text]).subarray(0, 64 * 1024),
    blockPlusOne: Buffer.concat([text, text]).subarray(0, 64 * 1024 + 1),
  };
}

describe('Lz4Frames', () => {
  it.each(Object.entries(samples()))('writes %s as a frame LZ4 reads back exactly', (_, input) => {
    const frames = new Lz4Frames();
    const frame = frames.frame(input);
    expect(Buffer.from(frame).subarray(0, 7).toString('hex')).toBe('04224d18604082');
    expect(decompressFrameSync(Buffer.from(frame)).equals(input)).toBe(true);
  });

  it('compresses about as well as lz4-napi (lz4_flex)', () => {
    const { text, ints, zeros } = samples();
    for (const input of [text, ints, zeros]) {
      const ours = new Lz4Frames().frame(input).byteLength;
      const theirs = compressFrameSync(input).byteLength;
      expect(ours).toBeLessThan(input.byteLength * 0.6);
      expect(ours).toBeLessThan(theirs * 1.05);
    }
  });

  it('keeps the frames of one batch intact while writing the next ones', () => {
    const frames = new Lz4Frames();
    const inputs = Object.values(samples());
    const written = inputs.map((b) => frames.frame(b));
    written.forEach((f, i) =>
      expect(decompressFrameSync(Buffer.from(f)).equals(inputs[i])).toBe(true),
    );
    frames.reset();
    const again = frames.frame(inputs[4]);
    expect(decompressFrameSync(Buffer.from(again)).equals(inputs[4])).toBe(true);
  });

  it('stores incompressible blocks as they are', () => {
    const noise = randomBytes(1000);
    const frame = new Lz4Frames().frame(noise);
    expect(Buffer.from(frame).readUInt32LE(7)).toBe((1000 + 0x80000000) >>> 0);
    expect(frame.byteLength).toBe(7 + 4 + 1000 + 4);
  });
});

describe('Lz4Frames on inputs that skip ahead', () => {
  it('never reads past the end of a buffer that stops matching near its end', () => {
    // Text long enough to match, then noise: the search's growing steps run to the end.
    for (let tail = 1; tail < 400; tail += 7) {
      const input = Buffer.concat([Buffer.alloc(2000, 'ab'), randomBytes(tail * 10)]);
      const frame = new Lz4Frames().frame(input);
      expect(decompressFrameSync(Buffer.from(frame)).equals(input)).toBe(true);
    }
  });
});
