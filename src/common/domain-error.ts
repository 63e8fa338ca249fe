/** Codes for failures the service knows about; one filter maps each to an HTTP status. */
export type ErrorCode =
  | 'TRINO_UNAVAILABLE'
  | 'TRINO_AUTH_FAILED'
  | 'TRINO_TLS_FAILED'
  | 'QUERY_FAILED'
  | 'QUERY_FORBIDDEN'
  | 'QUERY_INTERNAL'
  | 'QUERY_NOT_FOUND'
  | 'BAD_QUERY_ID'
  | 'QUERY_NOT_OWNER'
  | 'TOO_MANY_QUERIES'
  | 'REPLICA_FULL'
  | 'SQL_TOO_LARGE'
  | 'SHUTTING_DOWN'
  | 'UNAUTHENTICATED'
  | 'INSUFFICIENT_SCOPE'
  | 'AUTH_THROTTLED'
  | 'AUTH_UNAVAILABLE';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  TRINO_UNAVAILABLE: 503,
  // A misconfigured service, not a passing outage: 502 without Retry-After (docs/secure-trino.md).
  TRINO_AUTH_FAILED: 502,
  TRINO_TLS_FAILED: 502,
  QUERY_FAILED: 400,
  QUERY_FORBIDDEN: 403,
  QUERY_INTERNAL: 502,
  QUERY_NOT_FOUND: 404,
  BAD_QUERY_ID: 400,
  QUERY_NOT_OWNER: 403,
  TOO_MANY_QUERIES: 429,
  // This replica is at its memory budget; another replica (or this one, soon) has room.
  REPLICA_FULL: 503,
  SQL_TOO_LARGE: 413,
  SHUTTING_DOWN: 503,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_SCOPE: 403,
  AUTH_THROTTLED: 429,
  AUTH_UNAVAILABLE: 503,
};

/**
 * An expected failure with a code. `extra` adds fields to the JSON body (e.g. Trino's
 * `queryId`, `errorName`), `headers` adds response headers (e.g. `Retry-After`).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}
