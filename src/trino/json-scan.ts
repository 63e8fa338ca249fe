/**
 * Byte-level scanning of JSON text for the page tokenizer. Every structural character of JSON
 * is ASCII and every byte of a multi-byte UTF-8 character is 0x80 or above, so bytes can be
 * scanned without decoding. Each function returns the index just after what it scanned, or
 * -1 when the bytes end first (more is on the wire).
 */

export const QUOTE = 34;
export const BACKSLASH = 92;
export const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

export function skipWs(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
  return i;
}

/** A string starting at the quote `i`. */
export function stringEnd(b: Uint8Array, i: number, n: number): number {
  for (let j = i + 1; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

/** An array or object starting at `i`, strings inside it skipped whole. */
export function nestedEnd(b: Uint8Array, i: number, n: number): number {
  let depth = 0;
  for (let j = i; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) {
      j = stringEnd(b, j, n) - 1;
      if (j < 0) return -1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

/** True for the bytes a JSON number is made of. */
export function isNumberByte(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
}

/** A number or literal: it ends where its letters and digits end, which must be in the bytes. */
function scalarEnd(b: Uint8Array, i: number, n: number): number {
  for (let j = i; j < n; j++) {
    const c = b[j];
    if (!isNumberByte(c) && !(c >= 97 && c <= 122)) return j;
  }
  return -1;
}

/** Any JSON value starting at `i`. */
export function valueEnd(b: Uint8Array, i: number, n: number): number {
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i, n);
  if (c === OPEN_ARRAY || c === OPEN_OBJECT) return nestedEnd(b, i, n);
  return scalarEnd(b, i, n);
}

/**
 * Watches bytes arriving after an incomplete value (a huge string, a long row) and says when
 * the value has ended, reading each byte once, so a value spread over many chunks is scanned
 * in linear time instead of from its start on every chunk.
 */
export class ValueEndWatch {
  private depth = 0;
  private inString = false;
  private escape = false;

  /** Feeds more bytes; true once a `,` `]` or `}` at the value's own level has been seen. */
  feed(b: Uint8Array): boolean {
    for (let j = 0; j < b.length; j++) {
      const c = b[j];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) this.depth++;
      else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (this.depth === 0) return true;
        this.depth--;
      } else if (c === COMMA && this.depth === 0) return true;
    }
    return false;
  }
}
