import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { request, type Agent } from 'undici';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  TrinoAuthError,
  TrinoQueryError,
  TrinoTlsError,
  TrinoUnavailableError,
} from './trino-errors';
import type { PageConnections } from './page-connections';
import { serviceAuthHeader } from './trino-http';
import { TrinoStatement } from './trino-statement';
import { TRINO_AGENT, TRINO_PAGES } from './trino.tokens';

export { TrinoAuthError, TrinoQueryError, TrinoTlsError, TrinoUnavailableError, TrinoStatement };

/** Retries of one request on 502/503/504 or a refused connection, with doubling backoff. */
const RETRIES = 6;
const FIRST_BACKOFF_MS = 100;

/** Any other 4xx (401 and 403 are checked first) means Trino refused the request itself, e.g. a bad catalog name. */
function refusedByTrino(status: number): boolean {
  return status >= 400 && status < 500;
}

function rejected(text: string): TrinoQueryError {
  const error = {
    message: text.trim().slice(0, 500),
    errorName: 'INVALID_REQUEST',
    errorType: 'USER_ERROR',
  };
  return new TrinoQueryError(error, '');
}

/** undici refuses header values outside Latin-1 or with line breaks (a user, catalog or schema). */
function unsendable(): TrinoQueryError {
  const message =
    'the user, catalog or schema cannot be sent to Trino (characters not allowed in a header)';
  return new TrinoQueryError(
    { message, errorName: 'INVALID_REQUEST', errorType: 'USER_ERROR' },
    '',
  );
}

/** Per-statement settings; everything a statement sends is derived from these alone. */
export interface StatementOptions {
  user: string;
  catalog?: string;
  schema?: string;
  /** Sent as Trino's trace token so a Trino query can be traced back to the HTTP request. */
  traceToken?: string;
  /** `X-Trino-Session`: the request's session properties, already encoded. */
  session?: string;
  signal: AbortSignal;
  /** How much of a page is tokenized at a time (TrinoStatement's default suits text formats). */
  scanBytes?: number;
}

const RETRYABLE = new Set([502, 503, 504]);
/** Node's codes for a certificate Trino presented that the service does not accept. */
const TLS_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CONNECT_ERRORS = ['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT'];
const CONNECTION_ERRORS = [
  ...CONNECT_ERRORS,
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'EPIPE',
  'ETIMEDOUT',
  'HPE_INVALID',
];

/**
 * A page's bytes, as read from the socket. `blocks`, when present, are pooled: they go back
 * with `TrinoClient.recycle` once nothing reads the page any more.
 */
export interface PageBytes {
  chunks: Buffer[];
  blocks?: Buffer[];
}
const logger = new Logger('TrinoClient');

/**
 * The Trino statement protocol over a keep-alive pool: submit, pages, cancel, retries. Replaces
 * trino-client, which rounds BIGINT above 2^53 and cannot cancel by `nextUri`.
 */
@Injectable()
export class TrinoClient {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TRINO_AGENT) private readonly agent: Agent,
    @Inject(TRINO_PAGES) private readonly pages: PageConnections,
  ) {}

  /** Submits `sql`; throws TrinoUnavailableError when Trino cannot be reached. */
  async submit(sql: string, options: StatementOptions): Promise<TrinoStatement> {
    const page = await this.send('POST', `${this.config.trino.url}/v1/statement`, options, sql);
    const statement = new TrinoStatement(this, options);
    statement.begin(page.chunks);
    return statement;
  }

  /** One page, as Trino's bytes: read whole at once, so Trino never waits on a slow reader. */
  get(uri: string, options: StatementOptions): Promise<PageBytes> {
    return this.send('GET', uri, options);
  }

  /** Takes back a page's blocks once nothing reads it: they are overwritten by later pages. */
  recycle(page: PageBytes): void {
    if (page.blocks) this.pages.pool.give(page.blocks);
  }

  /**
   * GETs on a `nextUri` are idempotent (the token names the page), so every transient failure
   * is retried. The POST is retried only when Trino surely did not run it: a refused
   * connection or a 503; a 502/504 or a reset might come after the statement started.
   */
  private retryable(method: 'GET' | 'POST', status: number | undefined, code?: string): boolean {
    if (status !== undefined) return method === 'GET' ? RETRYABLE.has(status) : status === 503;
    return (method === 'GET' ? CONNECTION_ERRORS : CONNECT_ERRORS).includes(code ?? '');
  }

  /** Repeats a page request and discards the answer (a heartbeat). */
  touch(uri: string, options: StatementOptions): Promise<void> {
    return this.quietly('GET', uri, this.headers(options), options.signal);
  }

  /** Best effort: a cancel that fails leaves Trino to abandon the query on its own. */
  delete(uri: string): Promise<void> {
    return this.quietly(
      'DELETE',
      uri,
      serviceAuthHeader(this.config.trino),
      AbortSignal.timeout(5000),
    );
  }

  /** A request whose answer is discarded and whose failure is ignored: the next real fetch reports problems. */
  private async quietly(
    method: 'GET' | 'DELETE',
    uri: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      const res = await request(uri, { method, headers, dispatcher: this.agent, signal });
      await res.body.dump();
    } catch {
      // nothing more to do
    }
  }

  private headers(options: StatementOptions): Record<string, string> {
    const t = this.config.trino;
    const h: Record<string, string> = {
      ...serviceAuthHeader(t),
      'x-trino-user': options.user,
      'x-trino-source': t.source,
      'x-trino-client-capabilities': 'PARAMETRIC_DATETIME',
    };
    const catalog = options.catalog ?? t.catalog;
    const schema = options.schema ?? t.schema;
    if (catalog !== undefined) h['x-trino-catalog'] = catalog;
    if (schema !== undefined) h['x-trino-schema'] = schema;
    if (options.traceToken !== undefined) h['x-trino-trace-token'] = options.traceToken;
    if (options.session !== undefined) h['x-trino-session'] = options.session;
    return h;
  }

  private async send(
    method: 'GET' | 'POST',
    uri: string,
    options: StatementOptions,
    body?: string,
  ): Promise<PageBytes> {
    let problem = 'no answer';
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) {
        await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1), undefined, { signal: options.signal });
      }
      let res: { statusCode: number } & PageBytes;
      try {
        // Inside the try: a connection that dies mid-body (Trino killed) is a connection
        // error like any other, retried for GETs, never an unexplained internal error.
        res = await this.exchange(method, uri, this.headers(options), options.signal, body);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (options.signal.aborted) throw e;
        if (code === 'UND_ERR_INVALID_ARG') throw unsendable();
        if (TLS_ERRORS.has(code ?? '')) {
          logger.error(`${method} ${uri}: Trino's TLS certificate was refused: ${String(e)}`);
          throw new TrinoTlsError("Trino's TLS certificate is not trusted by the service");
        }
        if (!this.retryable(method, undefined, code)) break;
        problem = code ?? String(e);
        continue;
      }
      if (res.statusCode === 200) return res;
      const text = Buffer.concat(res.chunks).toString('utf8');
      this.recycle(res);
      problem = `HTTP ${res.statusCode}: ${text.slice(0, 200)}`;
      if (res.statusCode === 401 || res.statusCode === 403) {
        logger.error(`${method} ${uri}: Trino refused the service's credentials: ${problem}`);
        throw new TrinoAuthError("Trino refused the service's own credentials");
      }
      if (refusedByTrino(res.statusCode)) throw rejected(text);
      if (!this.retryable(method, res.statusCode)) break;
    }
    // The detail stays in the log: clients should not learn the cluster's addresses.
    logger.warn(`${method} ${uri} failed: ${problem}`);
    throw new TrinoUnavailableError('Trino is unavailable');
  }

  /** Page GETs read into pooled blocks (PageConnections); the submission goes through undici. */
  private async exchange(
    method: 'GET' | 'POST',
    uri: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    body?: string,
  ): Promise<{ statusCode: number } & PageBytes> {
    if (method === 'GET') {
      const res = await this.pages.get(uri, headers, signal);
      return { statusCode: res.status, chunks: res.chunks, blocks: res.blocks };
    }
    const res = await request(uri, { method, body, headers, dispatcher: this.agent, signal });
    const chunks: Buffer[] = [];
    await collect(res.body, chunks);
    return { statusCode: res.statusCode, chunks };
  }
}

/**
 * Reads a body in flowing mode, chunk by chunk as the socket delivered them. Not `for await`:
 * its `read()` joins whatever is buffered into a fresh Buffer, a copy of every page that only
 * fed V8's external-memory collections.
 */
function collect(body: Readable, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', resolve);
    body.once('error', reject);
    // After 'end' this changes nothing; before it, the body was cut without an error.
    body.once('close', () => reject(new Error('the body closed before its end')));
  });
}
