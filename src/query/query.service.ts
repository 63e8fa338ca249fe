import { sessionHeader, SessionError } from './parameters/session-properties';
import { boundStatement, ParameterError } from './parameters/trino-literal';
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { LifecycleService } from '../health/lifecycle.service';
import type { Principal } from '../auth/principal';
import { LOG } from '../observability/log.token';
import { MetricsService, type Endpoint } from '../observability/metrics.service';
import { QueryRun } from '../observability/query-run';
import { RunTimeLimit } from '../trino/run-time-limit';
import { TrinoClient, TrinoStatement, TrinoUnavailableError } from '../trino/trino-client';
import type { QueryBaseDto } from './dto/query-request.dto';
import { compileColumns, type ResultColumns } from './encoders/columns';
import type { ResultFormat } from './formats/result-format';
import { httpFailure, outcomeOf } from './query-failure';
import { QueryRegistry } from './query-registry.service';
import { metered, resultStream, type OpenQuery } from './query-streams';
import { ClientGone, readableFrom, withKeepAlive } from './readable-from';

/** What the controller knows about the HTTP request a query belongs to. */
export interface RequestContext {
  requestId: string;
  /** Fires when the client goes away before the response finished. */
  clientSignal: AbortSignal;
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
    progress = false,
  ): Promise<StreamResponse> {
    const q = await this.open(principal, dto, ctx, format.endpoint);
    let cols: ResultColumns | undefined;
    if (format.headAfterColumns) {
      try {
        cols = compileColumns(await q.statement.waitForColumns());
      } catch (e) {
        q.run.end(...outcomeOf(e, q.controller.signal));
        await q.close();
        throw httpFailure(e, q.controller.signal, q.statement.id);
      }
    }
    let body = resultStream(q, format, cols, progress);
    if (format.keepAlive !== undefined)
      body = withKeepAlive(body, this.config.query.keepAliveMs, format.keepAlive);
    return {
      headers: { ...format.headers, 'X-Query-Id': q.statement.id },
      body: readableFrom(metered(body, q.run), q.controller, q.close),
    };
  }

  cancel(queryId: string, principal: Principal): void {
    this.registry.cancel(queryId, principal.user);
  }

  /** Starts the query's account, then opens it; a refusal ends the account as failed. */
  private async open(
    principal: Principal,
    dto: QueryBaseDto,
    ctx: RequestContext,
    endpoint: Endpoint,
  ): Promise<OpenQuery> {
    const telemetry = { metrics: this.metrics, log: this.log };
    const run = new QueryRun(telemetry, endpoint, principal, ctx.requestId);
    try {
      return await this.submit(principal, dto, ctx, run);
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
  ): Promise<OpenQuery> {
    if (this.lifecycle.isShuttingDown) {
      throw new DomainError(
        'SHUTTING_DOWN',
        'the service is shutting down',
        {},
        { 'Retry-After': '1' },
      );
    }
    if (Buffer.byteLength(dto.sql, 'utf8') > this.config.query.sqlMaxBytes) {
      throw new DomainError(
        'SQL_TOO_LARGE',
        `sql is larger than ${this.config.query.sqlMaxBytes} bytes`,
      );
    }
    const allowed = this.config.query.sessionPropertiesAllowed;
    const sql = bindOrRefuse(dto, allowed);
    const release = this.registry.acquire(principal.user);
    const controller = new AbortController();
    const untrack = this.lifecycle.track(controller);
    // A client that leaves before the head (Trino still queued) must stop the query too.
    const clientGone = (): void => controller.abort(new ClientGone());
    ctx.clientSignal.addEventListener('abort', clientGone, { once: true });
    const letGo = (): void => {
      ctx.clientSignal.removeEventListener('abort', clientGone);
      release();
      untrack();
    };
    try {
      const timeout =
        dto.timeout === undefined
          ? undefined
          : await this.runTimeLimit.cap(dto.timeout, controller.signal);
      const options = {
        user: principal.user,
        catalog: dto.catalog,
        schema: dto.schema,
        traceToken: ctx.requestId,
        session: sessionHeader(timeout, dto.session, allowed),
      };
      const statement = await this.trino.submit(sql, { ...options, signal: controller.signal });
      run.queryId = statement.id;
      return this.opened(statement, principal.user, controller, dto.size, run, letGo);
    } catch (e) {
      letGo();
      if (e instanceof TrinoUnavailableError) {
        throw new DomainError(
          'TRINO_UNAVAILABLE',
          'Trino is unavailable',
          {},
          { 'Retry-After': '5' },
        );
      }
      throw httpFailure(e, controller.signal, '');
    }
  }

  /** Registers a submitted statement and builds its one, idempotent clean-up. */
  private opened(
    statement: TrinoStatement,
    user: string,
    controller: AbortController,
    size: number | undefined,
    run: QueryRun,
    letGo: () => void,
  ): OpenQuery {
    const unregister = this.registry.register(statement.id, user, controller);
    const beatMs = this.config.trino.heartbeatMs;
    const beat = setInterval(() => void statement.heartbeat(beatMs), beatMs).unref();
    // Any abort (owner's DELETE, drain, client gone) cancels in Trino at once, even while the
    // stream is parked behind a slow reader; the stream then reports why when it resumes.
    const cancelNow = (): void => void statement.cancel();
    controller.signal.addEventListener('abort', cancelNow, { once: true });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      // A stream that never got to say how it ended lost its reader before the first read.
      run.end('cancelled', 'CLIENT_GONE');
      unregister();
      clearInterval(beat);
      controller.signal.removeEventListener('abort', cancelNow);
      if (!statement.done) await statement.cancel();
      letGo(); // after the cancel, so the shutdown drain waits for the DELETE
    };
    return { statement, controller, run, size, close };
  }
}
