/**
 * Character-level scanning of JSON text for the page tokenizer. Every function returns the
 * index just after what it scanned, or -1 when the text ends first (more is on the wire).
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const COMMA = 44;

export function skipWs(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** A string starting at the quote `i`; sets `escaped` when it holds a backslash. */
export function stringEnd(t: string, i: number, out?: { escaped: boolean }): number {
  const n = t.length;
  let j = i + 1;
  for (;;) {
    if (j >= n) return -1;
    const c = t.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) {
      if (out) out.escaped = true;
      j += 2;
    } else j++;
  }
}

/** An array or object starting at `i`, strings inside it skipped whole. */
export function nestedEnd(t: string, i: number): number {
  const n = t.length;
  let depth = 0;
  for (let j = i; j < n; j++) {
    const c = t.charCodeAt(j);
    if (c === QUOTE) {
      j = stringEnd(t, j) - 1;
      if (j < 0) return -1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

/** True for the characters a JSON number is made of. */
export function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
}

/** A scalar (number or literal): it ends where its characters end, which must be in the text. */
export function scalarEnd(t: string, i: number): number {
  let j = i;
  for (;;) {
    const c = t.charCodeAt(j);
    if (Number.isNaN(c)) return -1;
    if (!isNumberChar(c) && !(c >= 97 && c <= 122)) return j;
    j++;
  }
}

/** Any JSON value starting at `i`. */
export function valueEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return stringEnd(t, i);
  if (c === OPEN_ARRAY || c === OPEN_OBJECT) return nestedEnd(t, i);
  return scalarEnd(t, i);
}

/**
 * Watches text arriving after an incomplete value (a huge string, a long row) and says when
 * the value has ended, reading each character once, so a value spread over many chunks is
 * scanned in linear time instead of from its start on every chunk.
 */
export class ValueEndWatch {
  private depth = 0;
  private inString = false;
  private escape = false;

  /** Feeds more text; true once a `,` `]` or `}` at the value's own level has been seen. */
  feed(t: string): boolean {
    for (let j = 0; j < t.length; j++) {
      const c = t.charCodeAt(j);
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
