/**
 * An output buffer written byte by byte: page bytes are copied straight across, so a value
 * is never decoded into a JS string and encoded again. Grows by doubling.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Copies `src[s..e)`; short runs by hand, which beats a native call's overhead. */
  copy(src: Buffer, s: number, e: number): void {
    const n = e - s;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n < 32) for (let i = s; i < e; i++) buf[pos++] = src[i];
    else pos += src.copy(buf, pos, s, e);
    this.pos = pos;
  }

  /** Copies a whole fragment. */
  bytes(src: Buffer): void {
    this.copy(src, 0, src.length);
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A JS string, as UTF-8 (the slow paths: decoded, re-encoded values). */
  text(s: string): void {
    this.room(Buffer.byteLength(s, 'utf8'));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** What was written; the buffer is not written to again. */
  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
