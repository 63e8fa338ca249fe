import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The endpoints a query can run through, as metric labels. */
export type Endpoint = 'sse' | 'csv' | 'json' | 'arrow';

/** How a query ended: every started query ends exactly once as one of these. */
export type Outcome = 'completed' | 'failed' | 'cancelled';

/** Seconds; from a cached tiny query (a few ms) to a long export (an hour). */
const TIME_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * The service's Prometheus metrics. One registry per application (not prom-client's global
 * one), so several apps in one process (the e2e suites) never clash. Labels carry endpoints,
 * outcomes and error names only: never a user, a query id or SQL, which would be unbounded and
 * would leak who ran what.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly started = new Counter({
    name: 'trino_stream_queries_started_total',
    help: 'Queries accepted for execution (authenticated, valid body), by endpoint.',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  readonly ended = new Counter({
    name: 'trino_stream_queries_ended_total',
    help: 'Queries that ended, by endpoint, outcome (completed, failed, cancelled) and reason.',
    labelNames: ['endpoint', 'outcome', 'reason'],
    registers: [this.registry],
  });
  readonly rows = new Counter({
    name: 'trino_stream_rows_streamed_total',
    help: 'Result rows written to clients, by endpoint.',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'trino_stream_bytes_streamed_total',
    help: 'Response body bytes sent to clients (after compression), by endpoint.',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  readonly firstRow = new Histogram({
    name: 'trino_stream_time_to_first_row_seconds',
    help: 'From the request to the first row handed to the client, by endpoint.',
    labelNames: ['endpoint'],
    buckets: TIME_BUCKETS,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'trino_stream_query_duration_seconds',
    help: 'From the request to the end of the query, by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'],
    buckets: TIME_BUCKETS,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'trino_stream_streams_in_flight',
    help: 'Queries started and not yet ended, by endpoint.',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  readonly maxConcurrent = new Gauge({
    name: 'trino_stream_max_concurrent_streams',
    help: 'Streams this replica admits at once (QUERY_MAX_CONCURRENT, or derived from MEMORY_BUDGET_MB).',
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'trino_stream_queries_refused_total',
    help: 'Queries refused before they started: replica_full (503) or user_limit (429).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'trino_stream_auth_failures_total',
    help: 'Requests refused by authentication, by method (basic, idtoken, bearer, none, unsupported) and reason.',
    labelNames: ['method', 'reason'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'trino_stream_' });
  }
}
