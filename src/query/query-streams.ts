import type { QueryExecution } from './execution/query-execution';
import type { QueryRun } from '../observability/query-run';
import {
  progressUntilColumns,
  pullWithProgress,
  rowPull,
  type Batch,
  type Pull,
  ProgressTicker,
} from './batches';
import { compileColumns, type ResultColumns } from './encoders/columns';
import type { ResultFormat } from './formats/result-format';
import { classify, type Failure } from './query-failure';
import type { Chunk } from './readable-from';

/** At most four progress events a second: enough to watch, too few to matter in the stream. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Hands out a query's batches up to `size` rows; once it is reached, looks one batch ahead to
 * tell whether the result was truncated. Counts what went out as it goes.
 */
class LimitedPages {
  rowCount = 0;
  truncated = false;
  private ended = false;

  constructor(
    private readonly q: QueryExecution,
    private readonly pull: Pull,
  ) {}

  async next(): Promise<Batch | undefined> {
    if (this.ended) return undefined;
    const size = this.q.size;
    if (size !== undefined && this.rowCount === size) {
      this.ended = true;
      this.truncated = await this.moreRows();
      return undefined;
    }
    const batch = await this.pull();
    if (batch === undefined) this.ended = true;
    if (batch === undefined || !('rows' in batch)) return batch;
    const room = size === undefined ? batch.rows.count : size - this.rowCount;
    if (batch.rows.count > room) this.truncated = this.ended = true;
    const rows = this.truncated ? batch.rows.take(room) : batch.rows;
    this.rowCount += rows.count;
    this.q.run.addRows(rows.count);
    return { rows };
  }

  private async moreRows(): Promise<boolean> {
    for (;;) {
      const batch = await this.pull();
      if (batch === undefined) return false;
      if ('rows' in batch) return true;
    }
  }
}

/** The next batch, encoded; its rows and their text die with this call, never held by a generator. */
async function encodeNext(
  pages: LimitedPages,
  encode: (batch: Batch) => Chunk,
): Promise<Chunk | undefined> {
  const batch = await pages.next();
  if (!batch) return undefined;
  return encode(batch);
}

/**
 * Every batch, encoded. What a suspended generator keeps is only the chunk it handed out, the
 * very one the response stream holds anyway.
 */
async function* encoded(
  pages: LimitedPages,
  encode: (batch: Batch) => Chunk,
): AsyncGenerator<Chunk> {
  for (;;) {
    const chunk = await encodeNext(pages, encode);
    if (chunk === undefined) return;
    yield chunk;
  }
}

/** How the body ended, for the run's account. */
function completed(q: QueryExecution, pages: LimitedPages): void {
  q.run.end('completed', pages.truncated ? 'TRUNCATED' : 'END');
}

/** Records how the query ended; returns what its reader should be told, if anyone is left. */
function failed(q: QueryExecution, e: unknown): Failure | undefined {
  const failure = classify(e, q.controller.signal, q.statement.id);
  q.run.end(failure.outcome, failure.reason);
  return failure.told();
}

/**
 * The one body of every query response: `format` writes it, page by page as the reader takes
 * them (backpressure reaches Trino). `cols` are given when the head already waited for them;
 * else they are awaited here, where a failure is reported in the body. Progress events go
 * out only when asked for and the format can write them.
 */
export async function* resultStream(
  q: QueryExecution,
  format: ResultFormat,
  cols: ResultColumns | undefined,
  progress: boolean,
): AsyncGenerator<Chunk> {
  const writeProgress = progress ? format.progress : undefined;
  const ticker = writeProgress ? new ProgressTicker(PROGRESS_INTERVAL_MS) : undefined;
  try {
    if (ticker && writeProgress)
      for await (const p of progressUntilColumns(q.statement, ticker)) yield writeProgress(p);
    const columns = cols ?? compileColumns(await q.statement.waitForColumns());
    yield format.head(columns, q.statement.id);
    const pull = ticker ? pullWithProgress(q.statement, ticker) : rowPull(q.statement);
    const pages = new LimitedPages(q, pull);
    let first = true;
    yield* encoded(pages, (b) => {
      if (!('rows' in b)) return writeProgress?.(b.progress) ?? '';
      const out = format.rows(columns, b.rows, first);
      first = false;
      return out;
    });
    completed(q, pages);
    const end = format.end(pages.rowCount, pages.truncated, q.statement.id);
    if (end) yield end;
  } catch (e) {
    const told = format.failed(failed(q, e));
    if (told === undefined) throw e;
    if (told) yield told;
  } finally {
    await q.dispose();
  }
}

/** Counts the bytes each chunk adds to the response, as it goes out. */
export async function* metered(source: AsyncIterator<Chunk>, run: QueryRun): AsyncGenerator<Chunk> {
  try {
    for (;;) {
      const next = await source.next();
      if (next.done === true) return;
      run.addBytes(next.value);
      yield next.value;
    }
  } finally {
    await source.return?.();
  }
}
