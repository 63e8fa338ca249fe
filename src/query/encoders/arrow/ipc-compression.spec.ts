import { randomBytes } from 'node:crypto';
import { decompressFrameSync } from 'lz4-napi';
import { lz4Frame } from './ipc-compression';

describe('lz4Frame', () => {
  const text = (n: number): Buffer =>
    Buffer.from('carefully final deposits haggle; '.repeat(Math.ceil(n / 33)).slice(0, n));

  it.each([
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['one full block', text(64 * 1024)],
    ['a block and a byte', text(64 * 1024 + 1)],
    ['several blocks of text', text(300_000)],
    // Random bytes do not compress: their blocks are stored as is, flagged in the size word.
    ['random bytes', randomBytes(150_000)],
  ])('writes %s as a frame LZ4 reads back', (_name, data) => {
    const frame = lz4Frame(data);
    expect(decompressFrameSync(frame).equals(data)).toBe(true);
  });

  it('compresses text and stores random bytes with little overhead', () => {
    expect(lz4Frame(text(300_000)).length).toBeLessThan(30_000);
    const random = randomBytes(150_000);
    // Header, three size words and the end mark.
    expect(lz4Frame(random).length).toBe(150_000 + 7 + 3 * 4 + 4);
  });
});
