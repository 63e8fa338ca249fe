import type { RowSlices } from '../trino/row-slices';
import type { TrinoStatement } from '../trino/trino-statement';
import type { QueryStats } from '../trino/trino-types';

/** What a stream body is made of: rows, or (on request) Trino's progress between pages. */
export type Batch = { rows: RowSlices } | { progress: Progress };

/** A progress event's payload: Trino's own figures, passed on as they are. */
export interface Progress {
  state: string;
  processedRows: number;
  processedBytes: number;
  /** Present only when Trino can estimate it. */
  progressPercentage?: number;
}

/**
 * The next batch of a result, or undefined at the end. A plain async function, not a
 * generator: a generator suspended at `yield` keeps every local of its frame alive, so a page
 * of rows would stay in memory for as long as a slow client takes to read its output.
 */
export type Pull = () => Promise<Batch | undefined>;

/** Rows only, fetched as fast as the reader takes them. */
export function rowPull(statement: TrinoStatement): Pull {
  return async () => {
    const rows = await statement.nextRows();
    return rows && { rows };
  };
}

/**
 * Passes on Trino's stats at most once per `intervalMs`, and only when they moved, so a client
 * watching a long query sees it advance without being flooded.
 */
export class ProgressTicker {
  private last = 0;
  private lastKey = '';

  constructor(private readonly intervalMs: number) {}

  due(stats: QueryStats | undefined): Progress | undefined {
    if (!stats?.state) return undefined;
    const now = Date.now();
    const p: Progress = {
      state: stats.state,
      processedRows: stats.processedRows ?? 0,
      processedBytes: stats.processedBytes ?? 0,
    };
    if (typeof stats.progressPercentage === 'number')
      p.progressPercentage = stats.progressPercentage;
    const key = `${p.state}/${p.processedRows}/${p.processedBytes}/${p.progressPercentage}`;
    if (now - this.last < this.intervalMs || key === this.lastKey) return undefined;
    this.last = now;
    this.lastKey = key;
    return p;
  }
}

/** Progress until the columns are known (the statement may sit queued for a while). */
export async function* progressUntilColumns(
  statement: TrinoStatement,
  ticker: ProgressTicker,
): AsyncGenerator<Progress> {
  for (;;) {
    const p = ticker.due(statement.stats);
    if (p) yield p;
    if (statement.columns || statement.done) return;
    await statement.advance();
  }
}

/** Rows as they arrive, with progress between pages. */
export function pullWithProgress(statement: TrinoStatement, ticker: ProgressTicker): Pull {
  return async () => {
    for (;;) {
      const rows = statement.takeRows();
      if (rows) return { rows };
      if (statement.done) return undefined;
      await statement.advance();
      const progress = ticker.due(statement.stats);
      if (progress) return { progress };
    }
  };
}
