import type { QueryRun } from '../../observability/query-run';
import type { TrinoStatement } from '../../trino/trino-statement';

/**
 * One query from admission to its last byte. It owns the abort switch, everything admission
 * took (the user's slot, the drain's tracking, the client-gone listener), the registry entry,
 * the heartbeat and the run's account; every ending (complete, client gone, cancel, Trino
 * failure, shutdown) goes through dispose(), which undoes them once.
 */
export class QueryExecution {
  readonly controller = new AbortController();
  private submitted?: TrinoStatement;
  /** What admission took, given back last (newest first). */
  private readonly admission: (() => void)[] = [];
  /** Undoes started(): the registry entry, the heartbeat, the cancel-on-abort. */
  private unbind?: () => void;
  private disposed = false;

  constructor(
    readonly run: QueryRun,
    /** The most rows the reader gets (`size`), if any. */
    readonly size: number | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The statement Trino accepted; only streams, which start after submission, ask. */
  get statement(): TrinoStatement {
    if (!this.submitted) throw new Error('the query has not been submitted');
    return this.submitted;
  }

  /** Something admission took, to give back when the execution ends. */
  hold(release: () => void): void {
    this.admission.unshift(release);
  }

  /**
   * Binds the submitted statement: any abort (owner's DELETE, drain, client gone) cancels it
   * in Trino at once, even while the stream is parked behind a slow reader, and while a
   * reader is stalled it is reminded every `heartbeatMs` that the query is still wanted.
   */
  started(statement: TrinoStatement, unregister: () => void, heartbeatMs: number): void {
    this.submitted = statement;
    this.run.queryId = statement.id;
    const cancelNow = (): void => void statement.cancel();
    this.signal.addEventListener('abort', cancelNow, { once: true });
    const beat = setInterval(() => void statement.heartbeat(heartbeatMs), heartbeatMs).unref();
    this.unbind = () => {
      unregister();
      clearInterval(beat);
      this.signal.removeEventListener('abort', cancelNow);
    };
  }

  /** Ends the execution: idempotent, and safe before submission too. */
  dispose = async (): Promise<void> => {
    if (this.disposed) return;
    this.disposed = true;
    // A submitted query whose stream never said how it ended lost its reader before the
    // first read. Before submission the refusal's own account is kept (QueryService.open).
    if (this.submitted) this.run.end('cancelled', 'CLIENT_GONE');
    this.unbind?.();
    if (this.submitted && !this.submitted.done) await this.submitted.cancel();
    // After the cancel, so the shutdown drain waits for the DELETE.
    for (const release of this.admission) release();
  };
}
