import { Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import {
  TrinoAuthError,
  TrinoQueryError,
  TrinoTlsError,
  TrinoUnavailableError,
} from '../trino/trino-client';
import { ClientGone } from './readable-from';
import { StreamStopped } from '../common/stream-stopped';
import type { Outcome } from '../observability/metrics.service';

/** What a failed query reports, in band or as an HTTP error. */
export interface Failure {
  message: string;
  errorName?: string;
  errorType?: string;
  queryId?: string;
}

const logger = new Logger('Query');

/**
 * Describes why a stream failed, or returns undefined when its reader is gone and there is no
 * one left to tell. Abort reasons win over the error they caused.
 */
export function describeFailure(
  e: unknown,
  signal: AbortSignal,
  queryId: string,
): Failure | undefined {
  const cause: unknown = signal.aborted ? signal.reason : e;
  if (cause instanceof ClientGone) return undefined;
  if (cause instanceof StreamStopped)
    return {
      message: cause.message,
      errorName: cause.errorName,
      errorType: cause.errorType,
      queryId,
    };
  if (cause instanceof TrinoQueryError) {
    return {
      message: cause.message,
      errorName: cause.error.errorName,
      errorType: cause.error.errorType,
      queryId: cause.queryId || queryId,
    };
  }
  if (cause instanceof TrinoAuthError || cause instanceof TrinoTlsError) {
    const errorName = cause instanceof TrinoAuthError ? 'TRINO_AUTH_FAILED' : 'TRINO_TLS_FAILED';
    return { message: cause.message, errorName, errorType: 'EXTERNAL', queryId };
  }
  if (cause instanceof TrinoUnavailableError) {
    return {
      message: cause.message,
      errorName: 'TRINO_UNAVAILABLE',
      errorType: 'EXTERNAL',
      queryId,
    };
  }
  logger.error(
    `query ${queryId} failed unexpectedly`,
    cause instanceof Error ? cause.stack : String(cause),
  );
  return {
    message: 'internal error while streaming the result',
    errorName: 'INTERNAL_ERROR',
    errorType: 'INTERNAL_ERROR',
    queryId,
  };
}

/**
 * How a query ended, for metrics and the query log: cancelled when its reader left or someone
 * stopped it, else failed with Trino's error name or the service's error code.
 */
export function outcomeOf(e: unknown, signal: AbortSignal): [Outcome, string] {
  const cause: unknown = signal.aborted ? signal.reason : e;
  if (cause instanceof ClientGone) return ['cancelled', 'CLIENT_GONE'];
  if (cause instanceof StreamStopped) return ['cancelled', cause.errorName];
  if (cause instanceof DomainError) return ['failed', cause.code];
  if (cause instanceof TrinoQueryError) return ['failed', cause.error.errorName ?? 'QUERY_FAILED'];
  if (cause instanceof TrinoUnavailableError) return ['failed', 'TRINO_UNAVAILABLE'];
  if (cause instanceof TrinoAuthError) return ['failed', 'TRINO_AUTH_FAILED'];
  if (cause instanceof TrinoTlsError) return ['failed', 'TRINO_TLS_FAILED'];
  return ['failed', 'INTERNAL_ERROR'];
}

/** The HTTP error for a query that failed before the response head was sent. */
export function httpFailure(e: unknown, signal: AbortSignal, queryId: string): DomainError {
  // With the client gone nobody reads this; it only has to be a well-formed error.
  const f = describeFailure(e, signal, queryId) ?? { message: 'client disconnected', queryId };
  const extra = { queryId: f.queryId, errorName: f.errorName, errorType: f.errorType };
  if (f.errorName === 'SERVICE_SHUTTING_DOWN')
    return new DomainError('SHUTTING_DOWN', f.message, extra, { 'Retry-After': '1' });
  if (f.errorName === 'TRINO_UNAVAILABLE')
    return new DomainError('TRINO_UNAVAILABLE', f.message, extra, { 'Retry-After': '5' });
  if (f.errorName === 'TRINO_AUTH_FAILED' || f.errorName === 'TRINO_TLS_FAILED') {
    // Usually no query exists yet (the submission itself was refused): no empty queryId then.
    const { queryId, ...rest } = extra;
    return new DomainError(f.errorName, f.message, queryId ? extra : rest);
  }
  if (f.errorName === 'PERMISSION_DENIED')
    return new DomainError('QUERY_FORBIDDEN', f.message, extra);
  if (f.errorType === 'USER_ERROR') return new DomainError('QUERY_FAILED', f.message, extra);
  return new DomainError('QUERY_INTERNAL', f.message, extra);
}
