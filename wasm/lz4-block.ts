// One LZ4 block (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md), compressed in
// WebAssembly for the service's Arrow LZ4_FRAME downloads. The same greedy fast mode as
// LZ4's reference encoder, one candidate per position, as the JavaScript it replaced, for a
// fifth less CPU (bench/README.md, Arrow downloads).
// Built by scripts/build-wasm.sh into src/query/encoders/arrow/lz4-block.wasm; lz4-frame.ts
// frames the blocks and reads the memory's layout from the exports:
//   [0, TABLE_END)           where each 4-byte sequence was last seen (4096 addresses)
//   [INPUT, INPUT + 64 KiB)  the block to compress
//   [OUTPUT, ...)            its compressed form, at most 64 KiB + 64 KiB / 255 + 16

const HASH_LOG: u32 = 12;
/** After 2^6 misses in a row the search skips further ahead, as the reference encoder does. */
const SKIP_TRIGGER: u32 = 6;
/** The format's rules: a match starts 12 or more bytes before the end, ends 5 or more before. */
const MF_LIMIT: usize = 12;
const LAST_LITERALS: usize = 5;

export const TABLE_END: usize = 4 << HASH_LOG;
export const INPUT: usize = TABLE_END;
export const OUTPUT: usize = INPUT + 65536;

/** The table slot of a 4-byte sequence: Knuth's multiplicative hash, top HASH_LOG bits. */
function slot(seq: u32): usize {
  return (<usize>((seq * 2654435761) >> (32 - HASH_LOG))) << 2;
}

/** Writes `n` as a length's continuation bytes (the 15 in the token already counted). */
function lengthBytes(d: usize, n: usize): usize {
  for (; n >= 255; n -= 255) store<u8>(d++, 255);
  store<u8>(d++, <u8>n);
  return d;
}

/** One token, with `literals` and a match length `length` (at least 4) in its nibbles. */
function token(d: usize, literals: usize, length: usize): void {
  store<u8>(d, <u8>((min<usize>(literals, 15) << 4) | min<usize>(length - 4, 15)));
}

/** How many bytes from `a` equal those from `b`, up to `end`: eight at a time, then the rest. */
function matchLength(a: usize, b: usize, end: usize): usize {
  const start = a;
  while (a + 8 <= end) {
    const diff = load<u64>(a) ^ load<u64>(b);
    if (diff != 0) return a - start + <usize>(ctz(diff) >> 3);
    a += 8;
    b += 8;
  }
  while (a < end && load<u8>(a) == load<u8>(b)) {
    a++;
    b++;
  }
  return a - start;
}

/**
 * Compresses the `n` bytes at INPUT (n <= 64 KiB) to OUTPUT; returns the compressed length.
 * The table is never cleared: it holds addresses, and one is used only if it lies before the
 * position at hand in this block and its bytes equal the ones there, so a stale entry from an
 * earlier block can only find a true match.
 */
export function block(n: usize): usize {
  const end = INPUT + n;
  const lastStart = end - MF_LIMIT;
  const matchEnd = end - LAST_LITERALS;
  let anchor = INPUT;
  let i = INPUT;
  let d = OUTPUT;
  let misses: usize = 1 << SKIP_TRIGGER;
  while (i < lastStart) {
    const seq = load<u32>(i);
    const cell = slot(seq);
    const ref = <usize>load<u32>(cell);
    store<u32>(cell, <u32>i);
    if (ref < INPUT || ref >= i || i - ref > 0xffff || load<u32>(ref) != seq) {
      i += misses++ >> SKIP_TRIGGER;
      continue;
    }
    // Extend the match backwards over literals that match too.
    let at = i;
    let from = ref;
    while (at > anchor && from > INPUT && load<u8>(at - 1) == load<u8>(from - 1)) {
      at--;
      from--;
    }
    const length = i - at + 4 + matchLength(i + 4, ref + 4, matchEnd);
    const literals = at - anchor;
    const t = d++;
    if (literals >= 15) d = lengthBytes(d, literals - 15);
    memory.copy(d, anchor, literals);
    d += literals;
    store<u16>(d, <u16>(at - from));
    d += 2;
    if (length - 4 >= 15) d = lengthBytes(d, length - 4 - 15);
    token(t, literals, length);
    i = at + length;
    anchor = i;
    misses = 1 << SKIP_TRIGGER;
  }
  // The last literals: a token with no match.
  const literals = end - anchor;
  store<u8>(d++, <u8>(min<usize>(literals, 15) << 4));
  if (literals >= 15) d = lengthBytes(d, literals - 15);
  memory.copy(d, anchor, literals);
  return d + literals - OUTPUT;
}
