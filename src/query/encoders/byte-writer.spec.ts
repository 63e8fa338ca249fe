import { ByteWriter, Fragment } from './byte-writer';

describe('ByteWriter.take', () => {
  it('hands out ASCII and UTF-8 as the string whose UTF-8 is the written bytes', () => {
    const w = new ByteWriter(8);
    w.text('plain,1\r\n');
    expect(w.take()).toBe('plain,1\r\n');
    const bytes = Buffer.from('Zoë,日本,😀\r\n', 'utf8');
    w.bytes(bytes);
    const text = w.take();
    expect(Buffer.from(text, 'utf8').equals(bytes)).toBe(true);
  });

  it('starts empty after a take, and gives back what a large page grew', () => {
    const w = new ByteWriter(64);
    w.bytes(Buffer.alloc(1024 * 1024, 0x61));
    expect(w.take()).toHaveLength(1024 * 1024);
    expect(w.buf.length).toBeLessThan(1024 * 1024);
    w.reset(4).byte(0x62);
    expect(w.take()).toBe('b');
  });
});

describe('ByteWriter.fragment', () => {
  it('writes fragments of every length at every alignment, across growth, byte for byte', () => {
    const w = new ByteWriter(8);
    const expected: Buffer[] = [];
    for (let n = 0; n <= 40; n++) {
      // A byte first, so fragments start at every offset modulo four.
      w.byte(0x7c);
      const text = `"é${'k'.repeat(n)}":`.slice(0, n);
      const f = Fragment.of(text);
      w.fragment(f);
      expected.push(Buffer.from('|'), f.bytes);
    }
    expect(Buffer.from(w.take(), 'utf8').equals(Buffer.concat(expected))).toBe(true);
  });
});

describe('ByteWriter.copy', () => {
  it('copies runs of every length, from every offset to every alignment, byte for byte', () => {
    const src = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff));
    const w = new ByteWriter(8);
    const expected: Buffer[] = [];
    for (let n = 0; n <= 40; n++)
      for (let s = 0; s < 4; s++) {
        w.byte(0x2c);
        w.copy(src, s + n, s + 2 * n);
        // Another source between runs: the writer's view of the first must not be reused.
        const other = Buffer.from([n, s, 0xfe, 0xff, 0x80]);
        w.copy(other, 0, other.length);
        expected.push(Buffer.from([0x2c]), src.subarray(s + n, s + 2 * n), other);
      }
    const out = w.buf.subarray(0, w.pos);
    expect(out.equals(Buffer.concat(expected))).toBe(true);
  });
});
