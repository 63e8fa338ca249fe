import {
  BACKSLASH,
  COMMA,
  isNumberByte,
  nestedEnd,
  QUOTE,
  skipWs,
  stringEnd,
  ValueEndWatch,
  valueEnd,
} from './json-scan';
import { RowSlices, Token } from './row-slices';
import type { QueryStats, TrinoColumn, TrinoError } from './trino-types';

/** Trino's answer was not the JSON the protocol promises. */
export class TrinoProtocolError extends Error {
  override name = 'TrinoProtocolError';
}

/** The members of a page other than `data`: small, so they are parsed as plain JSON. */
export interface PageHead {
  id?: string;
  nextUri?: string;
  partialCancelUri?: string;
  columns?: TrinoColumn[];
  stats?: QueryStats;
  error?: TrinoError;
}

const KEPT = new Set(['id', 'nextUri', 'partialCancelUri', 'columns', 'stats', 'error']);
const EMPTY = Buffer.alloc(0);

type State = 'start' | 'members' | 'rows' | 'end';

/** Marks where scanning stopped for want of bytes, and whether the watch may be used. */
class Incomplete {
  constructor(
    readonly at: number,
    /** False for a member's key: it may be `"data"`, whose value is never waited for whole. */
    readonly watchable: boolean,
  ) {}
}

/** Above this, a gathered value gets a Buffer of its own (see Scratch.gather). */
const MAX_SCRATCH = 1024 * 1024;

/**
 * Where a stretch's bytes are gathered (the partial row left from before, then the new
 * chunks), reused from stretch to stretch and from page to page of one statement. A fresh
 * Buffer per stretch was a third of the external memory a stream churned through, and
 * external memory growth is what makes V8 run full collections here.
 */
export class Scratch {
  buf: Buffer = Buffer.alloc(0);

  /**
   * `rest` (possibly a view into this very buffer) followed by `chunks`, in the buffer. What
   * an earlier call returned is overwritten.
   */
  gather(rest: Buffer, chunks: Buffer[]): Buffer {
    let n = rest.length;
    for (const c of chunks) n += c.length;
    // A huge value (a long string, a big ARRAY) is gathered once, not kept for the statement.
    if (n > MAX_SCRATCH) return Buffer.concat([rest, ...chunks], n);
    if (n > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(n, this.buf.length * 2));
      rest.copy(grown, 0);
      this.buf = grown;
    } else if (rest.buffer === this.buf.buffer) {
      const from = rest.byteOffset - this.buf.byteOffset;
      this.buf.copyWithin(0, from, from + rest.length);
    } else rest.copy(this.buf, 0);
    let at = rest.length;
    for (const c of chunks) at += c.copy(this.buf, at);
    return this.buf.subarray(0, n);
  }
}

/**
 * Reads one page of Trino's result JSON incrementally, as chunks arrive, and hands out each
 * chunk's complete rows as slices of its bytes. It holds only the unread part of one chunk
 * plus one partial row (or member): a page is never decoded or built as objects.
 *
 * The rows a call returns are valid until the next call, to this tokenizer or to another
 * sharing its Scratch: their bytes and token arrays are reused, as allocating them per
 * chunk churned through external memory, which is what drives V8 to full collections here.
 */
export class PageTokenizer {
  readonly head: PageHead = {};
  private state: State = 'start';
  /** Bytes not yet consumed: the start of an incomplete row or member. */
  private rest: Buffer = EMPTY;
  /** While a long value is incomplete: its bytes so far, and the watch telling when it ends. */
  private parts: Buffer[] = [];
  private watch?: ValueEndWatch;
  private capacity = 1024;
  private kinds = new Uint8Array(this.capacity);
  private starts = new Int32Array(this.capacity);
  private ends = new Int32Array(this.capacity);
  private tokens = 0;

  /**
   * `width` is the column count when an earlier page brought the columns; `scratch` is shared
   * by the pages of one statement, which are tokenized one after the other.
   */
  constructor(
    private width?: number,
    private readonly scratch = new Scratch(),
  ) {}

  /** Takes the next chunks of the body; returns the rows they completed, if any. */
  write(chunks: Buffer[]): RowSlices | undefined {
    if (this.watch) {
      let ended = false;
      for (const chunk of chunks) {
        this.parts.push(chunk);
        ended ||= this.watch.feed(chunk);
      }
      if (!ended) return undefined;
      this.watch = undefined;
      return this.scan(this.takeParts());
    }
    // One copy at most: the partial row left from before and the new chunks, together.
    if (this.rest.length === 0 && chunks.length === 1) return this.scan(chunks[0]);
    return this.scan(this.scratch.gather(this.rest, chunks));
  }

  /** The body ended: throws unless the page was whole. */
  end(): RowSlices | undefined {
    const bytes = this.watch ? this.takeParts() : this.rest;
    this.watch = undefined;
    const rows = this.scan(bytes);
    if (this.state !== 'end' || skipWs(this.rest, 0, this.rest.length) !== this.rest.length)
      throw new TrinoProtocolError('Trino sent an incomplete page');
    return rows;
  }

  private scan(b: Buffer): RowSlices | undefined {
    this.tokens = 0;
    const r = this.states(b);
    if (r instanceof Incomplete) {
      this.rest = this.keepRest(b, r.at);
      if (r.watchable && this.rest.length > 0) {
        const watch = new ValueEndWatch();
        // Not yet complete by construction; the watch only learns its nesting so far.
        if (!watch.feed(this.rest)) {
          this.watch = watch;
          this.parts = [this.rest];
          this.rest = EMPTY;
        }
      }
    } else this.rest = this.keepRest(b, r);
    if (this.tokens === 0) return undefined;
    const width = this.width ?? 0;
    return new RowSlices(b, width, this.kinds, this.starts, this.ends, 0, this.tokens / width);
  }

  /**
   * The watched value's bytes, together: its start (in the scratch, which nothing else writes
   * while a value is watched) and the chunks that came since.
   */
  private takeParts(): Buffer {
    const [start, ...chunks] = this.parts;
    this.parts = [];
    return this.scratch.gather(start, chunks);
  }

  /**
   * `b` from `at` on, kept for the next call: a view when it already is in the scratch, else
   * copied there, so the rest never keeps the whole socket chunk it came from alive.
   */
  private keepRest(b: Buffer, at: number): Buffer {
    if (at >= b.length) return EMPTY;
    if (b.buffer === this.scratch.buf.buffer) return b.subarray(at);
    return this.scratch.gather(EMPTY, [b.subarray(at)]);
  }

  /** Runs the page's states over `b`; returns where it stopped. */
  private states(b: Buffer): number | Incomplete {
    const n = b.length;
    let i = 0;
    for (;;) {
      i = skipWs(b, i, n);
      if (i >= n) return i;
      const c = b[i];
      switch (this.state) {
        case 'start':
          if (c !== 123) throw new TrinoProtocolError('a page must be a JSON object');
          this.state = 'members';
          i++;
          break;
        case 'members': {
          if (c === COMMA) i++;
          else if (c === 125) {
            this.state = 'end';
            i++;
          } else {
            const r = this.member(b, i);
            if (r instanceof Incomplete) return r;
            i = r;
          }
          break;
        }
        case 'rows': {
          const r = this.rows(b, i);
          if (r instanceof Incomplete) return r;
          i = r;
          break;
        }
        case 'end':
          throw new TrinoProtocolError('text after the end of a page');
      }
    }
  }

  /** One `"key": value` member; `data` switches to rows, which are read one by one. */
  private member(b: Buffer, i: number): number | Incomplete {
    const n = b.length;
    if (b[i] !== QUOTE) throw new TrinoProtocolError('a page member must have a key');
    const keyEnd = stringEnd(b, i, n);
    if (keyEnd < 0) return new Incomplete(i, false);
    const key = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
    let j = skipWs(b, keyEnd, n);
    if (j >= n) return new Incomplete(i, false);
    if (b[j] !== 58) throw new TrinoProtocolError(`no ':' after "${key}"`);
    j = skipWs(b, j + 1, n);
    if (j >= n) return new Incomplete(i, false);
    if (key === 'data' && b[j] === 91) {
      if (this.width === undefined) throw new TrinoProtocolError('Trino sent rows before columns');
      this.state = 'rows';
      return j + 1;
    }
    const end = valueEnd(b, j, n);
    if (end < 0) return new Incomplete(i, true);
    if (KEPT.has(key)) this.keep(key as keyof PageHead, JSON.parse(b.toString('utf8', j, end)));
    return end;
  }

  private keep(key: keyof PageHead, value: unknown): void {
    (this.head as Record<string, unknown>)[key] = value;
    if (key === 'columns' && Array.isArray(value) && this.width === undefined)
      this.width = value.length;
  }

  /** Rows until the end of `data` or of the bytes; only whole rows are kept. */
  private rows(b: Buffer, i: number): number | Incomplete {
    const n = b.length;
    for (;;) {
      i = skipWs(b, i, n);
      if (i >= n) return i;
      const c = b[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === 93) {
        this.state = 'members';
        return i + 1;
      }
      if (c !== 91) throw new TrinoProtocolError('a row must be a JSON array');
      const end = this.row(b, i, n);
      if (end < 0) return new Incomplete(i, true);
      i = end;
    }
  }

  /**
   * One row `[v, ...]` at `i`: its values become tokens; -1 (nothing kept) if incomplete.
   * The hottest loop of the service: locals instead of fields, table lookups per byte.
   */
  private row(b: Buffer, i: number, n: number): number {
    const width = this.width ?? 0;
    const before = this.tokens;
    if (before + width >= this.capacity) this.grow(before + width + 1);
    const { kinds, starts, ends } = this;
    let t = before;
    let j = skipWs(b, i + 1, n);
    if (j < n && b[j] === 93) return this.rowEnd(before, t, j + 1);
    for (;;) {
      if (j >= n) return this.rollback(before);
      const c = b[j];
      let end = -1;
      let kind: number = Token.Number;
      if (c === QUOTE) {
        kind = Token.String;
        for (let k = j + 1; k < n; ) {
          const x = IN_STRING[b[k]];
          if (x === 0) k++;
          else if (x === 1) {
            end = k + 1;
            break;
          } else if (x === 2) {
            kind = Token.Escaped;
            k += 2;
          } else {
            if (kind === Token.String) kind = Token.Comma;
            k++;
          }
        }
      } else if (NUMBER[c] !== 0) {
        let k = j + 1;
        let seen = NUMBER[c];
        for (let x = 0; k < n && (x = NUMBER[b[k]]) !== 0; k++) seen |= x;
        if (k < n) end = k;
        if (seen & 4) kind = Token.Exponent;
        else if (seen & 2) kind = Token.Fraction;
      } else if (c === 91 || c === 123) {
        end = nestedEnd(b, j, n);
        kind = Token.Nested;
      } else if (c === 110) {
        end = this.literal(b, j, NULL);
        kind = Token.Null;
      } else if (c === 116 || c === 102) {
        end = this.literal(b, j, c === 116 ? TRUE : FALSE);
        kind = Token.Bool;
      } else throw new TrinoProtocolError(`unexpected '${String.fromCharCode(c)}' in a row`);
      if (end < 0) return this.rollback(before);
      // Past the capacity (a row wider than the columns) writes are dropped; rowEnd refuses it.
      kinds[t] = kind;
      starts[t] = j;
      ends[t] = end;
      t++;
      j = end;
      if (j < n && WS[b[j]] === 1) j = skipWs(b, j, n);
      if (j >= n) return this.rollback(before);
      const d = b[j];
      if (d === 93) return this.rowEnd(before, t, j + 1);
      if (d !== COMMA)
        throw new TrinoProtocolError(`unexpected '${String.fromCharCode(d)}' after a value`);
      j++;
      if (j < n && WS[b[j]] === 1) j = skipWs(b, j, n);
    }
  }

  private literal(b: Buffer, j: number, word: Buffer): number {
    if (j + word.length > b.length) return -1;
    if (b.compare(word, 0, word.length, j, j + word.length) !== 0)
      throw new TrinoProtocolError('unexpected literal in a row');
    return j + word.length;
  }

  private rowEnd(before: number, t: number, end: number): number {
    if (t - before !== this.width)
      throw new TrinoProtocolError(`a row has ${t - before} values for ${this.width} columns`);
    this.tokens = t;
    return end;
  }

  private rollback(before: number): number {
    this.tokens = before;
    return -1;
  }

  private grow(needed: number): void {
    while (this.capacity < needed) this.capacity *= 2;
    const kinds = new Uint8Array(this.capacity);
    const starts = new Int32Array(this.capacity);
    const ends = new Int32Array(this.capacity);
    kinds.set(this.kinds);
    starts.set(this.starts);
    ends.set(this.ends);
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
  }
}

/** Per byte inside a string: 1 the closing quote, 2 a backslash, 3 a comma, 0 anything else. */
const IN_STRING = new Uint8Array(256);
IN_STRING[QUOTE] = 1;
IN_STRING[BACKSLASH] = 2;
IN_STRING[COMMA] = 3;
/** For the bytes a JSON number is made of: 2 a dot, 4 an exponent, 1 a digit or sign. */
const NUMBER = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (isNumberByte(c)) NUMBER[c] = 1;
NUMBER[46] = 2;
NUMBER[101] = NUMBER[69] = 4;
/** 1 for JSON whitespace. */
const WS = new Uint8Array(256);
for (const c of [9, 10, 13, 32]) WS[c] = 1;

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
