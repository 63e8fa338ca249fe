import type { Logger } from 'pino';
import type { Principal } from '../auth/principal';
import type { Endpoint, MetricsService, Outcome } from './metrics.service';

/** Where a query's record goes: the metrics, and one structured log line when it ends. */
export interface Telemetry {
  metrics: MetricsService;
  log: Logger;
}

/**
 * One query's account, from the request to its end: time to first row, rows and bytes
 * streamed, and exactly one outcome. `end` is idempotent, so the first caller (the stream's
 * own catch, or the clean-up after a client left) decides the outcome and later calls are
 * no-ops.
 */
export class QueryRun {
  queryId = '';
  private readonly startedAt = process.hrtime.bigint();
  private firstRowMs?: number;
  private rows = 0;
  private bytes = 0;
  private ended = false;

  constructor(
    private readonly telemetry: Telemetry,
    readonly endpoint: Endpoint,
    private readonly principal: Principal,
    private readonly requestId: string,
  ) {
    telemetry.metrics.started.inc({ endpoint });
    telemetry.metrics.inFlight.inc({ endpoint });
  }

  /** Counts rows handed to the encoder; the first call fixes the time to first row. */
  addRows(n: number): void {
    if (n === 0) return;
    if (this.firstRowMs === undefined) {
      this.firstRowMs = this.elapsedMs();
      this.telemetry.metrics.firstRow.observe({ endpoint: this.endpoint }, this.firstRowMs / 1000);
    }
    this.rows += n;
    this.telemetry.metrics.rows.inc({ endpoint: this.endpoint }, n);
  }

  addBytes(chunk: string | Buffer): void {
    const n = Buffer.byteLength(chunk, 'utf8');
    this.bytes += n;
    this.telemetry.metrics.bytes.inc({ endpoint: this.endpoint }, n);
  }

  end(outcome: Outcome, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    const { metrics, log } = this.telemetry;
    const durationMs = this.elapsedMs();
    const endpoint = this.endpoint;
    metrics.inFlight.dec({ endpoint });
    metrics.ended.inc({ endpoint, outcome, reason });
    metrics.duration.observe({ endpoint, outcome }, durationMs / 1000);
    const record = {
      reqId: this.requestId,
      user: this.principal.user,
      authMethod: this.principal.authMethod,
      endpoint,
      queryId: this.queryId || undefined,
      outcome,
      reason,
      rows: this.rows,
      bytes: this.bytes,
      ttfrMs: this.firstRowMs,
      durationMs,
    };
    if (outcome === 'failed' && reason === 'INTERNAL_ERROR') log.error(record, 'query ended');
    else log.info(record, 'query ended');
  }

  private elapsedMs(): number {
    return Math.round(Number(process.hrtime.bigint() - this.startedAt) / 1e4) / 100;
  }
}
