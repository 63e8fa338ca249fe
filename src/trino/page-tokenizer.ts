import { StringDecoder } from 'node:string_decoder';
import { isNumberChar, nestedEnd, skipWs, stringEnd, ValueEndWatch, valueEnd } from './json-scan';
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

type State = 'start' | 'members' | 'rows' | 'end';

/** Marks where scanning stopped for want of text, and whether the watch may be used. */
class Incomplete {
  constructor(
    readonly at: number,
    /** False for a member's key: it may be `"data"`, whose value is never waited for whole. */
    readonly watchable: boolean,
  ) {}
}

/**
 * Reads one page of Trino's result JSON incrementally, as chunks arrive from the socket, and
 * hands out each chunk's complete rows as slices of its text. It holds only the unread part
 * of one chunk plus one partial row (or member): a page is never built as objects.
 */
export class PageTokenizer {
  readonly head: PageHead = {};
  private state: State = 'start';
  private readonly decoder = new StringDecoder('utf8');
  /** Text not yet consumed: the start of an incomplete row or member. */
  private rest = '';
  /** While a long value is incomplete: its text so far, and the watch telling when it ends. */
  private parts: string[] = [];
  private watch?: ValueEndWatch;
  private capacity = 256;
  private kinds = new Uint8Array(0);
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private tokens = 0;
  private readonly escaped = { escaped: false };

  /** `width` is the column count when an earlier page brought the columns. */
  constructor(private width?: number) {}

  /** Takes the next chunk of the body; returns the rows it completed, if any. */
  write(chunk: Buffer): RowSlices | undefined {
    const s = this.decoder.write(chunk);
    if (this.watch) {
      this.parts.push(s);
      if (!this.watch.feed(s)) return undefined;
      this.watch = undefined;
      const text = this.parts.join('');
      this.parts = [];
      return this.scan(text);
    }
    return this.scan(this.rest + s);
  }

  /** The body ended: throws unless the page was whole. */
  end(): RowSlices | undefined {
    const tail = this.decoder.end();
    const text = this.watch ? this.parts.join('') + tail : this.rest + tail;
    this.watch = undefined;
    this.parts = [];
    const rows = this.scan(text);
    if (this.state !== 'end' || skipWs(this.rest, 0) !== this.rest.length)
      throw new TrinoProtocolError('Trino sent an incomplete page');
    return rows;
  }

  private scan(text: string): RowSlices | undefined {
    this.tokens = 0;
    this.kinds = new Uint8Array(this.capacity);
    this.starts = new Int32Array(this.capacity);
    this.ends = new Int32Array(this.capacity);
    const r = this.states(text);
    if (r instanceof Incomplete) {
      this.rest = text.slice(r.at);
      if (r.watchable && this.rest.length > 0) {
        const watch = new ValueEndWatch();
        // Not yet complete by construction; the watch only learns its nesting so far.
        if (!watch.feed(this.rest)) {
          this.watch = watch;
          this.parts = [this.rest];
          this.rest = '';
        }
      }
    } else this.rest = text.slice(r);
    const width = this.width ?? 0;
    const rows = width === 0 ? this.tokens : this.tokens / width;
    if (this.tokens === 0) return undefined;
    return new RowSlices(text, width, this.kinds, this.starts, this.ends, 0, rows);
  }

  /** Runs the page's states over `text`; returns where it stopped. */
  private states(t: string): number | Incomplete {
    let i = 0;
    for (;;) {
      i = skipWs(t, i);
      if (i >= t.length) return i;
      const c = t.charCodeAt(i);
      switch (this.state) {
        case 'start':
          if (c !== 123) throw new TrinoProtocolError('a page must be a JSON object');
          this.state = 'members';
          i++;
          break;
        case 'members': {
          if (c === 44) i++;
          else if (c === 125) {
            this.state = 'end';
            i++;
          } else {
            const r = this.member(t, i);
            if (r instanceof Incomplete) return r;
            i = r;
          }
          break;
        }
        case 'rows': {
          const r = this.rows(t, i);
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
  private member(t: string, i: number): number | Incomplete {
    if (t.charCodeAt(i) !== 34) throw new TrinoProtocolError('a page member must have a key');
    const keyEnd = stringEnd(t, i);
    if (keyEnd < 0) return new Incomplete(i, false);
    const key = JSON.parse(t.slice(i, keyEnd)) as string;
    let j = skipWs(t, keyEnd);
    if (j >= t.length) return new Incomplete(i, false);
    if (t.charCodeAt(j) !== 58) throw new TrinoProtocolError(`no ':' after "${key}"`);
    j = skipWs(t, j + 1);
    if (j >= t.length) return new Incomplete(i, false);
    if (key === 'data' && t.charCodeAt(j) === 91) {
      if (this.width === undefined) throw new TrinoProtocolError('Trino sent rows before columns');
      this.state = 'rows';
      return j + 1;
    }
    const end = valueEnd(t, j);
    if (end < 0) return new Incomplete(i, true);
    if (KEPT.has(key)) this.keep(key as keyof PageHead, JSON.parse(t.slice(j, end)));
    return end;
  }

  private keep(key: keyof PageHead, value: unknown): void {
    (this.head as Record<string, unknown>)[key] = value;
    if (key === 'columns' && Array.isArray(value) && this.width === undefined)
      this.width = value.length;
  }

  /** Rows until the end of `data` or of the text; only whole rows are kept. */
  private rows(t: string, i: number): number | Incomplete {
    const n = t.length;
    for (;;) {
      i = skipWs(t, i);
      if (i >= n) return i;
      const c = t.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 93) {
        this.state = 'members';
        return i + 1;
      }
      if (c !== 91) throw new TrinoProtocolError('a row must be a JSON array');
      const end = this.row(t, i);
      if (end < 0) return new Incomplete(i, true);
      i = end;
    }
  }

  /** One row `[v, ...]` at `i`: its values become tokens; -1 (nothing kept) if incomplete. */
  private row(t: string, i: number): number {
    const n = t.length;
    const before = this.tokens;
    let j = skipWs(t, i + 1);
    if (t.charCodeAt(j) === 93) return this.rowEnd(before, j + 1);
    for (;;) {
      if (j >= n) return this.rollback(before);
      const c = t.charCodeAt(j);
      let end: number;
      let kind: number;
      if (c === 34) {
        this.escaped.escaped = false;
        end = stringEnd(t, j, this.escaped);
        kind = this.escaped.escaped ? Token.Escaped : Token.String;
      } else if (c === 91 || c === 123) {
        end = nestedEnd(t, j);
        kind = Token.Nested;
      } else if (c === 110) {
        end = this.literal(t, j, 'null');
        kind = Token.Null;
      } else if (c === 116 || c === 102) {
        end = this.literal(t, j, c === 116 ? 'true' : 'false');
        kind = Token.Bool;
      } else {
        end = j;
        while (isNumberChar(t.charCodeAt(end))) end++;
        if (end === j) throw new TrinoProtocolError(`unexpected '${t[j]}' in a row`);
        if (end >= n) end = -1;
        kind = Token.Number;
      }
      if (end < 0) return this.rollback(before);
      this.push(kind, j, end);
      j = skipWs(t, end);
      if (j >= n) return this.rollback(before);
      const d = t.charCodeAt(j);
      if (d === 93) return this.rowEnd(before, j + 1);
      if (d !== 44) throw new TrinoProtocolError(`unexpected '${t[j]}' after a value`);
      j = skipWs(t, j + 1);
    }
  }

  private literal(t: string, j: number, word: string): number {
    if (j + word.length > t.length) return -1;
    if (!t.startsWith(word, j)) throw new TrinoProtocolError('unexpected literal in a row');
    return j + word.length;
  }

  private rowEnd(before: number, end: number): number {
    if (this.tokens - before !== this.width)
      throw new TrinoProtocolError(
        `a row has ${this.tokens - before} values for ${this.width} columns`,
      );
    return end;
  }

  private rollback(before: number): number {
    this.tokens = before;
    return -1;
  }

  private push(kind: number, start: number, end: number): void {
    if (this.tokens === this.capacity) this.grow();
    this.kinds[this.tokens] = kind;
    this.starts[this.tokens] = start;
    this.ends[this.tokens] = end;
    this.tokens++;
  }

  private grow(): void {
    this.capacity *= 2;
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
