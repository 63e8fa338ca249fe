import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import type { Principal } from '../auth/principal';
import { LOG } from '../observability/log.token';
import { MetricsService, type Endpoint } from '../observability/metrics.service';
import { QueryRun } from '../observability/query-run';
import { RunTimeLimit } from '../trino/run-time-limit';
import { TrinoClient, TrinoQueryError, TrinoUnavailableError } from '../trino/trino-client';
import type { QueryBaseDto } from './dto/query-request.dto';
import type { ContentCoding } from './compression/accept-encoding';
import { compressed } from './compression/compress';
import { compileColumns, type ResultColumns } from './encoders/columns';
import type { ResultFormat } from './formats/result-format';
import { httpFailure, outcomeOf } from './query-failure';
import { QueryRegistry } from './query-registry.service';
import { QueryExecution } from './execution/query-execution';
import { sessionHeader, SessionError } from './parameters/session-properties';
import { boundStatement, ParameterError } from './parameters/trino-literal';
import { metered, resultStream } from './query-streams';
import { ClientGone, readableFrom, withKeepAlive } from './readable-from';

/** What the controller knows about the HTTP request a query belongs to. */
export interface RequestContext {
  requestId: string;
  /** Fires when the client goes away before the response finished. */
  clientSignal: AbortSignal;
}

/**
 * Replica slots a compressed download takes: its compressor added 1.6 MiB (gzip) to 2.1 MiB
 * (brotli) to each of 64 streams read at full speed, on top of the up to 4 MiB a stream is
 * budgeted (README, Sizing a replica; docs/compression.md).
 */
const COMPRESSED_STREAM_SLOTS = 2;

/**
 * How much page text a compressed body takes at a time: the compressor is flushed once per
 * stretch, and a flush ends a deflate block and is a round trip to libuv's thread pool, so
 * compressed bodies keep the long stretches they were measured with (docs/compression.md).
 */
const COMPRESSED_SCAN_BYTES = 128 * 1024;

/** What a query takes on admission: replica slots, and how it reads Trino's pages. */
interface Admission {
  slots: number;
  scanBytes?: number;
}

/** How a body is written beyond its format. */
export interface StreamOptions {
  /** Progress events, for formats that can write them. */
  progress?: boolean;
  /** The negotiated content coding; absent for identity. */
  coding?: ContentCoding;
}

/** A response ready to send: headers and the body stream. */
export interface StreamResponse {
  headers: Record<string, string>;
  body: Readable;
}

/** Orchestrates a query: limits, submission, first answer, and one body per format. */
/**
 * The statement to send, parameters (already validated) bound; the session request is
 * checked too. Anything the service will not send is a 400 saying why.
 */
function bindOrRefuse(dto: QueryBaseDto, allowed: readonly string[]): string {
  try {
    sessionHeader(dto.timeout, dto.session, allowed);
    return boundStatement(dto.sql, dto.parameters);
  } catch (e) {
    if (e instanceof ParameterError || e instanceof SessionError)
      throw new BadRequestException(e.message);
    throw e;
  }
}

@Injectable()
export class QueryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly trino: TrinoClient,
    private readonly runTimeLimit: RunTimeLimit,
    private readonly registry: QueryRegistry,
    private readonly lifecycle: LifecycleService,
    private readonly metrics: MetricsService,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  /**
   * Runs `dto` and answers in `format`. Where the format's head waits for the columns, a
   * failure before them is an HTTP error; after the head, the format reports it.
   */
  async stream(
    principal: Principal,
    dto: QueryBaseDto,
    format: ResultFormat,
    ctx: RequestContext,
    { progress = false, coding }: StreamOptions = {},
  ): Promise<StreamResponse> {
    const q = await this.open(
      principal,
      dto,
      ctx,
      format.endpoint,
      coding
        ? { slots: COMPRESSED_STREAM_SLOTS, scanBytes: COMPRESSED_SCAN_BYTES }
        : { slots: 1, scanBytes: format.scanBytes },
    );
    let cols: ResultColumns | undefined;
    try {
      if (format.headAfterColumns) cols = compileColumns(await q.statement.waitForColumns());
      // Even a head sent at once waits for Trino's first answer: a query its resource group
      // refuses (the user's limit across replicas, docs/replicas.md) is a 429, not an event.
      // Trino's other query errors stay with the statement, and the body reports them as
      // before; a Trino that cannot be reached is a 503, as when the submission fails.
      else
        await q.statement.waitForDispatch().catch((e: unknown) => {
          if (notInBand(e)) throw e;
        });
    } catch (e) {
      q.run.end(...outcomeOf(e, q.controller.signal));
      await q.dispose();
      throw httpFailure(e, q.controller.signal, q.statement.id);
    }
    let body = resultStream(q, format, cols, progress);
    if (format.keepAlive !== undefined)
      body = withKeepAlive(body, this.config.query.keepAliveMs, format.keepAlive);
    const headers: Record<string, string> = { ...format.headers, 'X-Query-Id': q.statement.id };
    if (coding) {
      body = compressed(body, coding);
      headers['Content-Encoding'] = coding;
    }
    // Counted after compression: the metric is what went on the wire.
    return { headers, body: readableFrom(metered(body, q.run), q.controller, q.dispose) };
  }

  /** Starts the query's account, then opens it; a refusal ends the account as failed. */
  private async open(
    principal: Principal,
    dto: QueryBaseDto,
    ctx: RequestContext,
    endpoint: Endpoint,
    admission: Admission,
  ): Promise<QueryExecution> {
    const telemetry = { metrics: this.metrics, log: this.log };
    const run = new QueryRun(telemetry, endpoint, principal, ctx.requestId);
    try {
      return await this.submit(principal, dto, ctx, run, admission);
    } catch (e) {
      if (ctx.clientSignal.aborted) run.end('cancelled', 'CLIENT_GONE');
      else run.end(...outcomeOf(e, ctx.clientSignal));
      throw e;
    }
  }

  /** Checks the limits, takes a slot and submits; everything taken is given back on failure. */
  private async submit(
    principal: Principal,
    dto: QueryBaseDto,
    ctx: RequestContext,
    run: QueryRun,
    { slots, scanBytes }: Admission,
  ): Promise<QueryExecution> {
    if (Buffer.byteLength(dto.sql, 'utf8') > this.config.query.sqlMaxBytes) {
      throw new DomainError(
        'SQL_TOO_LARGE',
        `sql is larger than ${this.config.query.sqlMaxBytes} bytes`,
      );
    }
    const allowed = this.config.query.sessionPropertiesAllowed;
    const sql = bindOrRefuse(dto, allowed);
    const q = new QueryExecution(run, dto.size);
    q.hold(this.registry.acquire(principal.user, slots));
    q.hold(this.lifecycle.track(q.controller));
    // A client that leaves before the head (Trino still queued) must stop the query too.
    const clientGone = (): void => q.controller.abort(new ClientGone());
    ctx.clientSignal.addEventListener('abort', clientGone, { once: true });
    q.hold(() => ctx.clientSignal.removeEventListener('abort', clientGone));
    try {
      const timeout =
        dto.timeout === undefined ? undefined : await this.runTimeLimit.cap(dto.timeout, q.signal);
      const statement = await this.trino.submit(sql, {
        user: principal.user,
        catalog: dto.catalog,
        schema: dto.schema,
        traceToken: ctx.requestId,
        session: sessionHeader(timeout, dto.session, allowed),
        signal: q.signal,
        scanBytes,
      });
      const unregister = this.registry.register(statement.id, principal.user, q.controller);
      q.started(statement, unregister, this.config.trino.heartbeatMs);
      return q;
    } catch (e) {
      const refused =
        e instanceof TrinoUnavailableError
          ? new DomainError('TRINO_UNAVAILABLE', 'Trino is unavailable', {}, { 'Retry-After': '5' })
          : httpFailure(e, q.signal, '');
      await q.dispose(); // open() records why in the account
      throw refused;
    }
  }
}

/** Not one of Trino's query errors that an SSE stream reports as an event. */
function notInBand(e: unknown): boolean {
  return !(e instanceof TrinoQueryError) || e.error.errorName === 'QUERY_QUEUE_FULL';
}
