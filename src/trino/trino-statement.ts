import { PageTokenizer, Scratch } from './page-tokenizer';
import type { RowSlices } from './row-slices';
import type { PageBytes, StatementOptions, TrinoClient } from './trino-client';
import { TrinoQueryError } from './trino-errors';
import type { PageHead } from './page-tokenizer';
import type { QueryStats, TrinoColumn } from './trino-types';

/**
 * How much page text is tokenized (and so written out) at a time, unless the reader asks
 * otherwise: large enough that framing costs nothing per row, small enough that a text
 * format's output of it (JSON and SSE: about twice the page text) stays a string below V8's
 * 128 KiB large-object size, which dies young (see ByteWriter.take).
 */
const SCAN_BYTES = 32 * 1024;

/**
 * A page received whole (Trino is never left waiting on a slow reader), tokenized as read.
 * `bytes` are given back to the client's pool once the page has ended.
 */
interface Page {
  chunks: Buffer[];
  tokenizer: PageTokenizer;
  bytes?: PageBytes;
}

/**
 * One running statement: reads Trino's answers page by page, on demand, at most one page
 * ahead of the reader, so a slow reader slows Trino instead of filling memory; a page is
 * kept as Trino's bytes and tokenized a stretch at a time, never built as objects.
 */
export class TrinoStatement {
  columns?: TrinoColumn[];
  /** Trino's latest statistics for the query (state, processed rows and bytes, progress). */
  stats?: QueryStats;
  id = '';
  private pending: RowSlices[] = [];
  private page?: Page;
  /**
   * The next page, requested as soon as the current one starts being written, so Trino
   * builds it while Node writes this one. Safe by Trino's protocol: the current page is
   * already read whole, and a repeated request for the newest token is answered from cache
   * (docs/design.md, "Reading pages").
   */
  private ahead?: { uri: string; page: Promise<PageBytes> };
  private nextUri?: string;
  /** The last page URI fetched; Trino answers a repeat of it from cache and counts it as a heartbeat. */
  private lastUri?: string;
  private lastActivity = Date.now();
  private fetching = false;
  /** Trino's error, once a page brought one: a caller that reads again gets it again. */
  private failure?: TrinoQueryError;
  /** Shared by the pages' tokenizers: one page is tokenized at a time. */
  private readonly scratch = new Scratch();

  constructor(
    private readonly client: TrinoClient,
    private readonly options: StatementOptions,
  ) {}

  /**
   * True once Trino has no more pages (finished or cancelled) and the last is read. Never
   * after a failure: every later read throws it again (see `advance`).
   */
  get done(): boolean {
    return this.failure === undefined && this.nextUri === undefined && this.page === undefined;
  }

  /** Takes the answer to the submission, read whole: it names the query. */
  begin(chunks: Buffer[]): void {
    this.page = { chunks, tokenizer: new PageTokenizer(undefined, this.scratch) };
    while (this.page && this.pending.length === 0) this.step(this.page);
  }

  /**
   * Reads Trino's first answer after the submission, whole: Trino dispatches the query (or
   * refuses it, e.g. its resource group is full) before it answers, or, when the query waits
   * in a resource group's queue, answers within its own short wait, still queued.
   */
  async waitForDispatch(): Promise<void> {
    // `lastUri` is set once the first page after the submission has been fetched.
    while (!this.done && this.pending.length === 0 && (this.lastUri === undefined || this.page))
      await this.advance();
  }

  /** Follows `nextUri` until the columns (or an error, or the end) have arrived. */
  async waitForColumns(): Promise<TrinoColumn[]> {
    while (!this.columns && !this.done) await this.advance();
    return this.columns ?? [];
  }

  /**
   * The next non-empty batch of rows, or undefined at the end. Throws the abort reason once
   * the statement's signal fired, so a cancelled stream never looks complete.
   */
  async nextRows(): Promise<RowSlices | undefined> {
    this.options.signal.throwIfAborted();
    while (this.pending.length === 0 && !this.done) await this.advance();
    return this.pending.shift();
  }

  /** The next batch as JS values, for the service's own small queries. */
  async nextValues(): Promise<unknown[][] | undefined> {
    return (await this.nextRows())?.values();
  }

  /**
   * One step: tokenizes the next stretch of the current page, or fetches the next page. For
   * callers that act between steps; `takeRows` then hands out what it brought.
   */
  async advance(): Promise<void> {
    this.options.signal.throwIfAborted();
    if (this.failure) throw this.failure;
    if (this.page) this.step(this.page);
    else if (this.nextUri) {
      const ahead = this.ahead;
      this.ahead = undefined;
      const bytes = await (ahead?.uri === this.nextUri ? ahead.page : this.fetch(this.nextUri));
      const tokenizer = new PageTokenizer(this.columns?.length, this.scratch);
      this.page = { chunks: [...bytes.chunks], tokenizer, bytes };
    }
  }

  /** The next batch already read, if any; never fetches. */
  takeRows(): RowSlices | undefined {
    return this.pending.shift();
  }

  /** Cancels the query in Trino (DELETE on `nextUri`); safe to call at any time, more than once. */
  async cancel(): Promise<void> {
    // The newest token known: the open page's own next, else the page it came from.
    const uri = this.page?.tokenizer.head.nextUri ?? this.nextUri;
    this.nextUri = undefined;
    this.page = undefined;
    this.ahead = undefined;
    this.pending = [];
    if (uri) await this.client.delete(uri);
  }

  /**
   * Keeps Trino from abandoning a query whose reader is slow: when nothing was fetched for
   * `idleMs`, repeats the last page request (answered from Trino's cache, not advancing the
   * result) so the query's heartbeat stays fresh without buffering another page here.
   */
  async heartbeat(idleMs: number): Promise<void> {
    if (this.done || this.fetching || !this.lastUri || Date.now() - this.lastActivity < idleMs)
      return;
    this.lastActivity = Date.now();
    await this.client.touch(this.lastUri, this.options);
  }

  /**
   * Tokenizes about `scanBytes` more of `page`, or, once all of it was, takes in what the
   * page said. One scan per step: the rows a scan hands out are valid only until the next
   * (see PageTokenizer), and every reader takes them before asking for more.
   */
  private step(page: Page): void {
    if (this.pending.length > 0) throw new Error('rows must be taken before more are read');
    if (page.chunks.length === 0) {
      this.page = undefined;
      try {
        this.keep(page, page.tokenizer.end());
      } finally {
        // Every row handed out before was taken (see above), and `end` leaves its rows in
        // the scratch, not in the page's blocks: nothing reads them any more.
        if (page.bytes) this.client.recycle(page.bytes);
      }
      this.finish(page.tokenizer.head);
      return;
    }
    const take: Buffer[] = [];
    let bytes = 0;
    const limit = this.options.scanBytes ?? SCAN_BYTES;
    // Cut to the limit exactly: a page arrives in 64 KiB blocks, and a text format's output of
    // a whole one would pass 128 KiB, a string V8 puts straight into its old generation.
    while (bytes < limit && page.chunks.length > 0) {
      const chunk = page.chunks[0];
      const room = limit - bytes;
      if (chunk.length > room) {
        take.push(chunk.subarray(0, room));
        page.chunks[0] = chunk.subarray(room);
        bytes = limit;
      } else {
        take.push(page.chunks.shift()!);
        bytes += chunk.length;
      }
    }
    this.keep(page, page.tokenizer.write(take));
    this.lookAhead(page);
  }

  /** Once a page has brought rows, requests the page after it (see `ahead`). */
  private lookAhead(page: Page): void {
    const uri = page.tokenizer.head.nextUri;
    if (!uri || this.ahead || this.pending.length === 0 || this.options.signal.aborted) return;
    const next = this.fetch(uri);
    // Awaited when the page is needed; a cancelled query never needs it.
    next.catch(() => undefined);
    this.ahead = { uri, page: next };
  }

  private keep(page: Page, rows: RowSlices | undefined): void {
    const head = page.tokenizer.head;
    if (!this.id && head.id !== undefined) this.id = head.id;
    if (!this.columns && head.columns) this.columns = head.columns;
    if (rows) this.pending.push(rows);
  }

  /** Takes in a whole page's members; throws on a query error. */
  private finish(head: PageHead): void {
    if (head.id !== undefined && !this.id) this.id = head.id;
    this.nextUri = head.nextUri;
    if (head.stats) this.stats = head.stats;
    if (head.error) {
      this.nextUri = undefined;
      this.failure = new TrinoQueryError(head.error, head.id ?? this.id);
      throw this.failure;
    }
  }

  private async fetch(uri: string): Promise<PageBytes> {
    this.fetching = true;
    try {
      return await this.client.get(uri, this.options);
    } finally {
      this.fetching = false;
      this.lastUri = uri;
      this.lastActivity = Date.now();
    }
  }
}
