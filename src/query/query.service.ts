import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { LifecycleService } from '../health/lifecycle.service';
import type { Principal } from '../auth/principal';
import { TrinoClient, TrinoStatement, TrinoUnavailableError } from '../trino/trino-client';
import type { DownloadRequestDto, QueryRequestDto } from './dto/query-request.dto';
import { compileColumns, type ResultColumns } from './encoders/columns';
import { csv } from './encoders/csv-encoder';
import { jsonDoc } from './encoders/json-encoder';
import { sse } from './encoders/sse-encoder';
import { describeFailure, httpFailure } from './query-failure';
import { QueryRegistry } from './query-registry.service';
import { ClientGone, readableFrom, withKeepAlive } from './readable-from';

/** A query under way: its statement, its abort switch, and how to let go of everything. */
interface OpenQuery {
  statement: TrinoStatement;
  controller: AbortController;
  size?: number;
  /** Cancels the query in Trino if it still runs, and frees the user's slot. Idempotent. */
  close: () => Promise<void>;
}

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

/** How many rows went out and whether more existed, filled in as a stream runs. */
interface Tally {
  rowCount: number;
  truncated: boolean;
}

/** Yields row batches up to `size`; on reaching it, looks one batch ahead to tell truncation. */
async function* limited(q: OpenQuery, tally: Tally): AsyncGenerator<unknown[][]> {
  for (;;) {
    const rows = await q.statement.nextRows();
    if (!rows) return;
    const room = q.size === undefined ? rows.length : q.size - tally.rowCount;
    tally.rowCount += Math.min(room, rows.length);
    yield rows.length > room ? rows.slice(0, room) : rows;
    if (rows.length > room) tally.truncated = true;
    if (tally.truncated) return;
    if (q.size !== undefined && tally.rowCount === q.size) {
      tally.truncated = (await q.statement.nextRows()) !== undefined;
      return;
    }
  }
}

/** Orchestrates a query: limits, submission, first answer, and one generator per format. */
@Injectable()
export class QueryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly trino: TrinoClient,
    private readonly registry: QueryRegistry,
    private readonly lifecycle: LifecycleService,
  ) {}

  /** `POST /query`: every failure after submission is an `error` event of a 200 stream. */
  async sse(
    principal: Principal,
    dto: QueryRequestDto,
    ctx: RequestContext,
  ): Promise<StreamResponse> {
    const q = await this.open(principal, dto, ctx);
    const events = withKeepAlive(this.sseEvents(q), this.config.query.keepAliveMs, sse.keepAlive);
    return {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
        'X-Query-Id': q.statement.id,
      },
      body: readableFrom(events, q.controller, q.close),
    };
  }

  /** `POST /query/download/{csv,json}`: a failure before the head is an HTTP error. */
  async download(
    principal: Principal,
    dto: DownloadRequestDto,
    format: 'csv' | 'json',
    ctx: RequestContext,
  ): Promise<StreamResponse> {
    const q = await this.open(principal, dto, ctx);
    let cols: ResultColumns;
    try {
      cols = compileColumns(await q.statement.waitForColumns());
    } catch (e) {
      await q.close();
      throw httpFailure(e, q.controller.signal, q.statement.id);
    }
    const events = format === 'csv' ? this.csvBody(q, cols) : this.jsonBody(q, cols);
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
    return {
      headers: {
        'Content-Type': type,
        'Content-Disposition': `attachment; filename="${dto.filename ?? 'download'}.${format}"`,
        'Cache-Control': 'no-store',
        'X-Query-Id': q.statement.id,
      },
      body: readableFrom(events, q.controller, q.close),
    };
  }

  cancel(queryId: string, principal: Principal): void {
    this.registry.cancel(queryId, principal.user);
  }

  /** Checks the limits, takes a slot and submits; everything taken is given back on failure. */
  private async open(
    principal: Principal,
    dto: QueryRequestDto,
    ctx: RequestContext,
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
      const options = {
        user: principal.user,
        catalog: dto.catalog,
        schema: dto.schema,
        traceToken: ctx.requestId,
      };
      const statement = await this.trino.submit(dto.sql, { ...options, signal: controller.signal });
      return this.opened(statement, principal.user, controller, dto.size, letGo);
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
      unregister();
      clearInterval(beat);
      controller.signal.removeEventListener('abort', cancelNow);
      if (!statement.done) await statement.cancel();
      letGo(); // after the cancel, so the shutdown drain waits for the DELETE
    };
    return { statement, controller, size, close };
  }

  private async *sseEvents(q: OpenQuery): AsyncGenerator<string> {
    const tally: Tally = { rowCount: 0, truncated: false };
    try {
      const cols = compileColumns(await q.statement.waitForColumns());
      yield sse.metadata(cols);
      for await (const rows of limited(q, tally)) yield sse.rows(cols, rows);
      yield sse.complete(tally.rowCount, tally.truncated, q.statement.id);
    } catch (e) {
      const failure = describeFailure(e, q.controller.signal, q.statement.id);
      if (failure) yield sse.error(failure);
    } finally {
      await q.close();
    }
  }

  private async *jsonBody(q: OpenQuery, cols: ResultColumns): AsyncGenerator<string> {
    const tally: Tally = { rowCount: 0, truncated: false };
    try {
      yield jsonDoc.head(cols);
      let first = true;
      for await (const rows of limited(q, tally)) {
        yield jsonDoc.rows(cols, rows, first);
        first = false;
      }
      yield jsonDoc.end(tally.truncated);
    } catch (e) {
      const failure = describeFailure(e, q.controller.signal, q.statement.id);
      if (failure) yield jsonDoc.failed(failure.message);
    } finally {
      await q.close();
    }
  }

  /** A CSV cannot say it failed, so a failure after the head aborts the transfer instead. */
  private async *csvBody(q: OpenQuery, cols: ResultColumns): AsyncGenerator<string> {
    const tally: Tally = { rowCount: 0, truncated: false };
    try {
      yield csv.header(cols);
      for await (const rows of limited(q, tally)) yield csv.rows(cols, rows);
    } finally {
      await q.close();
    }
  }
}
