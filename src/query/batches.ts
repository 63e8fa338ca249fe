import type { TrinoStatement } from '../trino/trino-client';
import type { QueryStats } from '../trino/trino-types';

/** What a stream body is made of: rows, or (on request) Trino's progress between pages. */
export type Batch = { rows: unknown[][] } | { progress: Progress };

/** A progress event's payload: Trino's own figures, passed on as they are. */
export interface Progress {
  state: string;
  processedRows: number;
  processedBytes: number;
  /** Present only when Trino can estimate it. */
  progressPercentage?: number;
}

/** Rows only, fetched as fast as the reader takes them. */
export async function* rowBatches(statement: TrinoStatement): AsyncGenerator<Batch> {
  for (;;) {
    const rows = await statement.nextRows();
    if (!rows) return;
    yield { rows };
  }
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
    await statement.fetchPage();
  }
}

/** Rows as they arrive, with progress between pages. */
export async function* batchesWithProgress(
  statement: TrinoStatement,
  ticker: ProgressTicker,
): AsyncGenerator<Batch> {
  for (;;) {
    const rows = statement.takeRows();
    if (rows) {
      yield { rows };
      continue;
    }
    if (statement.done) return;
    await statement.fetchPage();
    const progress = ticker.due(statement.stats);
    if (progress) yield { progress };
  }
}
