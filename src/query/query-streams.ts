import type { TrinoStatement } from '../trino/trino-client';
import type { QueryRun } from '../observability/query-run';
import {
  batchesWithProgress,
  progressUntilColumns,
  rowBatches,
  type Batch,
  ProgressTicker,
} from './batches';
import { compileColumns, type ResultColumns } from './encoders/columns';
import { csv } from './encoders/csv-encoder';
import { jsonDoc } from './encoders/json-encoder';
import { sse } from './encoders/sse-encoder';
import { describeFailure, outcomeOf } from './query-failure';

/** A query under way: its statement, its abort switch, and how to let go of everything. */
export interface OpenQuery {
  statement: TrinoStatement;
  controller: AbortController;
  run: QueryRun;
  size?: number;
  /** Cancels the query in Trino if it still runs, and frees the user's slot. Idempotent. */
  close: () => Promise<void>;
}

/** How many rows went out and whether more existed, filled in as a stream runs. */
interface Tally {
  rowCount: number;
  truncated: boolean;
}

/** At most four progress events a second: enough to watch, too few to matter in the stream. */
const PROGRESS_INTERVAL_MS = 250;

/** The next batch of rows from `source`, skipping progress (for the look-ahead). */
async function nextRows(source: AsyncIterator<Batch>): Promise<unknown[][] | undefined> {
  for (;;) {
    const next = await source.next();
    if (next.done === true) return undefined;
    if ('rows' in next.value) return next.value.rows;
  }
}

/** Passes batches on up to `size` rows; on reaching it, looks one batch ahead to tell truncation. */
async function* limited(
  q: OpenQuery,
  source: AsyncIterator<Batch>,
  tally: Tally,
): AsyncGenerator<Batch> {
  for (;;) {
    const next = await source.next();
    if (next.done === true) return;
    if (!('rows' in next.value)) {
      yield next.value;
      continue;
    }
    const rows = next.value.rows;
    const room = q.size === undefined ? rows.length : q.size - tally.rowCount;
    const sent = Math.min(room, rows.length);
    tally.rowCount += sent;
    q.run.addRows(sent);
    yield { rows: rows.length > room ? rows.slice(0, room) : rows };
    if (rows.length > room) tally.truncated = true;
    if (tally.truncated) return;
    if (q.size !== undefined && tally.rowCount === q.size) {
      tally.truncated = (await nextRows(source)) !== undefined;
      return;
    }
  }
}

/** Records how the query ended; returns what its reader should be told, if anyone is left. */
function failed(q: OpenQuery, e: unknown): ReturnType<typeof describeFailure> {
  const [outcome, reason] = outcomeOf(e, q.controller.signal);
  q.run.end(outcome, reason);
  return describeFailure(e, q.controller.signal, q.statement.id);
}

/** `POST /query`: every failure after submission is an `error` event of the 200 stream. */
export async function* sseEvents(q: OpenQuery, progress: boolean): AsyncGenerator<string> {
  const tally: Tally = { rowCount: 0, truncated: false };
  const ticker = progress ? new ProgressTicker(PROGRESS_INTERVAL_MS) : undefined;
  try {
    if (ticker)
      for await (const p of progressUntilColumns(q.statement, ticker)) yield sse.progress(p);
    const cols = compileColumns(await q.statement.waitForColumns());
    yield sse.metadata(cols);
    const source = ticker ? batchesWithProgress(q.statement, ticker) : rowBatches(q.statement);
    for await (const batch of limited(q, source, tally)) {
      yield 'rows' in batch ? sse.rows(cols, batch.rows) : sse.progress(batch.progress);
    }
    q.run.end('completed', tally.truncated ? 'TRUNCATED' : 'END');
    yield sse.complete(tally.rowCount, tally.truncated, q.statement.id);
  } catch (e) {
    const failure = failed(q, e);
    if (failure) yield sse.error(failure);
  } finally {
    await q.close();
  }
}

/** The JSON download: a failure after the head closes the document with an `error` member. */
export async function* jsonBody(q: OpenQuery, cols: ResultColumns): AsyncGenerator<string> {
  const tally: Tally = { rowCount: 0, truncated: false };
  try {
    yield jsonDoc.head(cols);
    let first = true;
    for await (const batch of limited(q, rowBatches(q.statement), tally)) {
      if (!('rows' in batch)) continue;
      yield jsonDoc.rows(cols, batch.rows, first);
      first = false;
    }
    q.run.end('completed', tally.truncated ? 'TRUNCATED' : 'END');
    yield jsonDoc.end(tally.truncated);
  } catch (e) {
    const failure = failed(q, e);
    if (failure) yield jsonDoc.failed(failure.message);
  } finally {
    await q.close();
  }
}

/** A CSV cannot say it failed, so a failure after the head aborts the transfer instead. */
export async function* csvBody(q: OpenQuery, cols: ResultColumns): AsyncGenerator<string> {
  const tally: Tally = { rowCount: 0, truncated: false };
  try {
    yield csv.header(cols);
    for await (const batch of limited(q, rowBatches(q.statement), tally)) {
      if ('rows' in batch) yield csv.rows(cols, batch.rows);
    }
    q.run.end('completed', tally.truncated ? 'TRUNCATED' : 'END');
  } catch (e) {
    failed(q, e);
    throw e;
  } finally {
    await q.close();
  }
}

/** Counts the bytes each chunk adds to the response, as it goes out. */
export async function* metered(
  source: AsyncIterator<string>,
  run: QueryRun,
): AsyncGenerator<string> {
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
