import type { TrinoError } from './trino-types';

/** Trino could not be reached (or kept answering 502/503/504). */
export class TrinoUnavailableError extends Error {
  override name = 'TrinoUnavailableError';
}

/**
 * Trino answered 401 or 403 at the HTTP level (not a failed query): it refused the service's
 * own credentials (TRINO_USER/TRINO_PASSWORD wrong or missing), or credentials over plain
 * HTTP ("Authentication over HTTP is not enabled"). Retrying cannot help.
 */
export class TrinoAuthError extends Error {
  override name = 'TrinoAuthError';
}

/** The TLS handshake with Trino failed: its certificate is not trusted or not for this host. */
export class TrinoTlsError extends Error {
  override name = 'TrinoTlsError';
}

/** Trino accepted the query and then reported it failed. */
export class TrinoQueryError extends Error {
  override name = 'TrinoQueryError';
  constructor(
    readonly error: TrinoError,
    readonly queryId: string,
  ) {
    super(error.message);
  }
}
