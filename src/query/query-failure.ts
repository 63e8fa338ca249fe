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

/** What one failure means everywhere it is reported. */
export interface Classified {
  /** For metrics and the query log. */
  outcome: Outcome;
  reason: string;
  /**
   * What the reader is told, or undefined when the reader is gone and nobody is left to tell.
   * An unexpected error is logged when this is asked for, i.e. only where it is reported.
   */
  told(): Failure | undefined;
}

const internal = (queryId: string, cause: unknown): Failure => {
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
};

/**
 * The one walk over failure kinds. Abort reasons win over the error they caused: a stream
 * cut by its reader leaving, an owner's cancel or the drain says that, not the socket error.
 */
export function classify(e: unknown, signal: AbortSignal, queryId: string): Classified {
  const cause: unknown = signal.aborted ? signal.reason : e;
  const as = (outcome: Outcome, reason: string, told: () => Failure | undefined): Classified => ({
    outcome,
    reason,
    told,
  });
  if (cause instanceof ClientGone) return as('cancelled', 'CLIENT_GONE', () => undefined);
  if (cause instanceof StreamStopped) {
    const { message, errorName, errorType } = cause;
    return as('cancelled', errorName, () => ({ message, errorName, errorType, queryId }));
  }
  if (cause instanceof TrinoQueryError) {
    const { errorName, errorType } = cause.error;
    return as('failed', errorName ?? 'QUERY_FAILED', () => ({
      message: cause.message,
      errorName,
      errorType,
      queryId: cause.queryId || queryId,
    }));
  }
  if (cause instanceof TrinoAuthError || cause instanceof TrinoTlsError) {
    const errorName = cause instanceof TrinoAuthError ? 'TRINO_AUTH_FAILED' : 'TRINO_TLS_FAILED';
    return as('failed', errorName, () => ({
      message: cause.message,
      errorName,
      errorType: 'EXTERNAL',
      queryId,
    }));
  }
  if (cause instanceof TrinoUnavailableError) {
    return as('failed', 'TRINO_UNAVAILABLE', () => ({
      message: cause.message,
      errorName: 'TRINO_UNAVAILABLE',
      errorType: 'EXTERNAL',
      queryId,
    }));
  }
  const reason = cause instanceof DomainError ? cause.code : 'INTERNAL_ERROR';
  return as('failed', reason, () => internal(queryId, cause));
}

/**
 * How a query ended, for metrics and the query log: cancelled when its reader left or someone
 * stopped it, else failed with Trino's error name or the service's error code.
 */
export function outcomeOf(e: unknown, signal: AbortSignal): [Outcome, string] {
  const { outcome, reason } = classify(e, signal, '');
  return [outcome, reason];
}

/** The HTTP error for a query that failed before the response head was sent. */
export function httpFailure(e: unknown, signal: AbortSignal, queryId: string): DomainError {
  // With the client gone nobody reads this; it only has to be a well-formed error.
  const f = classify(e, signal, queryId).told() ?? { message: 'client disconnected', queryId };
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
  // The user's resource group in Trino is full (docs/replicas.md): the per-user limit that
  // holds across replicas, so it reads like the replica's own.
  if (f.errorName === 'QUERY_QUEUE_FULL')
    return new DomainError('TOO_MANY_QUERIES', f.message, extra, { 'Retry-After': '1' });
  if (f.errorName === 'PERMISSION_DENIED')
    return new DomainError('QUERY_FORBIDDEN', f.message, extra);
  if (f.errorType === 'USER_ERROR') return new DomainError('QUERY_FAILED', f.message, extra);
  return new DomainError('QUERY_INTERNAL', f.message, extra);
}
