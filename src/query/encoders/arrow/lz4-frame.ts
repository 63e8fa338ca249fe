/**
 * LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) written into one
 * reused buffer. Arrow's LZ4_FRAME codec compresses each buffer of a record batch as its own
 * frame: thousands of small frames per download. lz4-napi returned each as a new Buffer
 * outside V8's heap, and those waited for a collection (bench/README.md, Arrow downloads);
 * here a batch's frames share memory that the next batch writes over.
 */

/**
 * Magic number, then FLG (version 1, independent blocks, no checksums), BD (64 KiB blocks) and
 * HC, the second byte of xxHash32 of FLG and BD: fixed, since they are.
 */
const HEADER = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82];
const BLOCK = 64 * 1024;
/**
 * The format's rules: a match starts 12 or more bytes before a block's end, and ends 5 or
 * more before it.
 */
const MF_LIMIT = 12;
const LAST_LITERALS = 5;
const HASH_LOG = 12;
/** After 2^6 misses in a row the search skips further ahead, as the reference encoder does. */
const SKIP_TRIGGER = 6;

/**
 * Where each 4-byte sequence was last seen. Never cleared: a stale position is only used
 * after the bytes there are compared with the ones at hand, so it can only find a true match.
 */
const seen = new Int32Array(1 << HASH_LOG);

/** Four bytes at once: one load where byte reads would take four. */
const read32 = (v: DataView, i: number): number => v.getInt32(i, true);

const hash = (seq: number): number => Math.imul(seq, 2654435761) >>> (32 - HASH_LOG);

/** How many bytes from `a` equal those from `b`, up to `end`: four at a time, then the rest. */
function matchLength(src: Uint8Array, v: DataView, a: number, b: number, end: number): number {
  const start = a;
  while (a + 4 <= end) {
    const diff = read32(v, a) ^ read32(v, b);
    if (diff !== 0) return a - start + ((31 - Math.clz32(diff & -diff)) >> 3);
    a += 4;
    b += 4;
  }
  while (a < end && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

/** Writes `n` as a length's continuation bytes (the 15 in the token already counted). */
function lengthBytes(dst: Uint8Array, d: number, n: number): number {
  for (; n >= 255; n -= 255) dst[d++] = 255;
  dst[d++] = n;
  return d;
}

/** Copies `src[s..e)` to `dst` at `d`; short runs by hand, which beats a native call. */
function copy(src: Uint8Array, s: number, e: number, dst: Uint8Array, d: number): number {
  if (e - s >= 32) {
    dst.set(src.subarray(s, e), d);
    return d + e - s;
  }
  while (s < e) dst[d++] = src[s++];
  return d;
}

/** One sequence: the literals `src[anchor..at)`, then a match of `length` at `offset` back. */
function sequence(
  src: Uint8Array,
  anchor: number,
  at: number,
  offset: number,
  length: number,
  dst: Uint8Array,
  d: number,
): number {
  const literals = at - anchor;
  const extra = length - 4;
  const token = d++;
  if (literals >= 15) d = lengthBytes(dst, d, literals - 15);
  d = copy(src, anchor, at, dst, d);
  dst[d++] = offset & 0xff;
  dst[d++] = offset >>> 8;
  if (extra >= 15) d = lengthBytes(dst, d, extra - 15);
  dst[token] = (Math.min(literals, 15) << 4) | Math.min(extra, 15);
  return d;
}

/**
 * `src[s..e)` as one LZ4 block at `dst[d..]`; returns where it ends. Greedy, one candidate
 * per position, as LZ4's fast mode: its speed matters more here than the last few percent.
 */
function block(
  src: Uint8Array,
  v: DataView,
  s: number,
  e: number,
  dst: Uint8Array,
  d: number,
): number {
  let anchor = s;
  const lastStart = e - MF_LIMIT;
  const matchEnd = e - LAST_LITERALS;
  let i = s;
  let misses = 1 << SKIP_TRIGGER;
  while (i < lastStart) {
    const seq = read32(v, i);
    const h = hash(seq);
    const ref = seen[h];
    seen[h] = i;
    if (ref < s || ref >= i || i - ref > 0xffff || read32(v, ref) !== seq) {
      i += misses++ >> SKIP_TRIGGER;
      continue;
    }
    let at = i;
    let from = ref;
    while (at > anchor && from > s && src[at - 1] === src[from - 1]) {
      at--;
      from--;
    }
    const length = i - at + matchLength(src, v, i + 4, ref + 4, matchEnd) + 4;
    d = sequence(src, anchor, at, at - from, length, dst, d);
    i = at + length;
    anchor = i;
    misses = 1 << SKIP_TRIGGER;
  }
  // The last literals: a token with no match.
  const literals = e - anchor;
  dst[d++] = Math.min(literals, 15) << 4;
  if (literals >= 15) d = lengthBytes(dst, d, literals - 15);
  return copy(src, anchor, e, dst, d);
}

/** Frames written one after another into memory kept from batch to batch. */
export class Lz4Frames {
  private out = Buffer.allocUnsafe(256 * 1024);
  private pos = 0;

  /** Starts a new batch: the frames handed out before are written over from here on. */
  reset(): void {
    this.pos = 0;
  }

  /** `src` as one LZ4 frame, valid until the next `reset`. */
  frame(src: Uint8Array): Uint8Array {
    const n = src.byteLength;
    const blocks = Math.max(1, Math.ceil(n / BLOCK));
    // The worst case of incompressible input, per the LZ4 block format, plus headers.
    this.room(HEADER.length + n + Math.ceil(n / 255) + 20 * blocks + 4);
    const out = this.out;
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const start = this.pos;
    let d = start;
    for (const b of HEADER) out[d++] = b;
    for (let s = 0; s < n; s += BLOCK) {
      const e = Math.min(n, s + BLOCK);
      const end = block(src, view, s, e, out, d + 4);
      const packed = end - d - 4;
      if (packed < e - s) {
        out.writeUInt32LE(packed, d);
        d = end;
      } else {
        // Stored as is, flagged by the size's high bit.
        out.writeUInt32LE((e - s + 0x80000000) >>> 0, d);
        d = copy(src, s, e, out, d + 4);
      }
    }
    out.writeUInt32LE(0, d);
    this.pos = d + 4;
    return out.subarray(start, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.out.length) return;
    // Frames already handed out keep the old memory; the new one starts empty.
    this.out = Buffer.allocUnsafe(Math.max(2 * this.out.length, n));
    this.pos = 0;
  }
}
