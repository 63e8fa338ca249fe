import { isAscii } from 'node:buffer';

/**
 * What the one shared writer keeps between pages; a larger page's growth is given back. Room
 * for a compressed JSON body's output of a 128 KiB stretch (about twice that), so the buffer
 * is not dropped and grown again for every chunk.
 */
const KEPT_BYTES = 512 * 1024;

/**
 * The output of one stretch of rows, written byte by byte: page bytes are copied straight
 * across, so a value is never decoded into a JS string and encoded again. Grows by doubling.
 *
 * `take()` hands the bytes out as a JS string and empties the writer, so one buffer serves
 * every page of every stream (encoding is synchronous). Why a string and not a Buffer: a
 * Buffer is memory outside V8's heap, and every 64 MiB of it awaiting collection forces a
 * full collection; a string of under 128 KiB lives in the young generation and dies in a
 * cheap scavenge (bench/README.md, "Page tokenizer").
 */
export class ByteWriter {
  buf: Buffer;
  /** The same bytes, for writing four bytes at a time. */
  private view: DataView;
  private source?: Buffer;
  private sourceDataView: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
    this.view = viewOf(this.buf);
  }

  /** Starts a new stretch of output, with room for `n` bytes. */
  reset(n: number): this {
    this.pos = 0;
    this.room(n);
    return this;
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.view = viewOf(grown);
  }

  /**
   * Copies `src[s..e)`. A short run (most values) by hand, a word at a time: that measured
   * twice as fast as a byte loop, which itself beats a native call's overhead.
   */
  copy(src: Buffer, s: number, e: number): void {
    const n = e - s;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n >= 32) pos += src.copy(buf, pos, s, e);
    else {
      if (n >= 4) {
        const from = this.sourceView(src);
        const view = this.view;
        for (; s + 4 <= e; s += 4, pos += 4) view.setUint32(pos, from.getUint32(s, true), true);
      }
      for (; s < e; s++) buf[pos++] = src[s];
    }
    this.pos = pos;
  }

  /** A view of `src`, kept while the values come from the same bytes (a stretch of a page). */
  private sourceView(src: Buffer): DataView {
    if (src !== this.source) {
      this.source = src;
      this.sourceDataView = viewOf(src);
    }
    return this.sourceDataView;
  }

  /** Copies a whole fragment. */
  bytes(src: Buffer): void {
    this.copy(src, 0, src.length);
  }

  /**
   * Copies a fragment written once per query (a JSON key, an SSE frame): a word at a time,
   * which measured 2.3 times as fast as a byte loop or a native copy for JSON keys.
   */
  fragment(f: Fragment): void {
    this.room(f.length);
    const view = this.view;
    const words = f.words;
    let pos = this.pos;
    for (let i = 0; i < words.length; i++) {
      view.setUint32(pos, words[i], true);
      pos += 4;
    }
    const buf = this.buf;
    const tail = f.tail;
    for (let i = 0; i < tail.length; i++) buf[pos++] = tail[i];
    this.pos = pos;
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

  /**
   * What was written, as the string whose UTF-8 is exactly these bytes (they are whole rows of
   * valid UTF-8: Trino's text, or values encoded here). ASCII, the common case, is copied
   * without decoding.
   */
  take(): string {
    const out = this.buf.subarray(0, this.pos);
    const text = isAscii(out) ? out.toString('latin1') : out.toString('utf8');
    this.pos = 0;
    if (this.buf.length > KEPT_BYTES) {
      this.buf = Buffer.allocUnsafe(KEPT_BYTES);
      this.view = viewOf(this.buf);
    }
    return text;
  }
}

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.length);
}

/** Bytes written many times over: split once into little-endian words and a tail. */
export class Fragment {
  readonly words: Uint32Array;
  readonly tail: Buffer;
  readonly length: number;

  constructor(readonly bytes: Buffer) {
    const n = bytes.length >> 2;
    this.words = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.words[i] = bytes.readUInt32LE(i * 4);
    this.tail = bytes.subarray(n * 4);
    this.length = bytes.length;
  }

  static of(text: string): Fragment {
    return new Fragment(Buffer.from(text, 'utf8'));
  }
}

/** The writer every text format shares: a page is encoded synchronously, then taken. */
export const pageWriter = new ByteWriter(KEPT_BYTES);
