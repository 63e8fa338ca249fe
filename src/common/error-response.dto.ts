/** The JSON body of every HTTP error. */
export class ErrorResponseDto {
  /** The HTTP status, repeated in the body. @example 400 */
  statusCode!: number;
  /** The HTTP reason phrase. @example "Bad Request" */
  error!: string;
  /** What was wrong, naming the field or the limit. @example "sql must be a string" */
  message!: string;
}

/**
 * An HTTP error for a query Trino accepted and then failed (downloads only), or for Trino
 * refusing the service itself (every query endpoint; no queryId when no query was created).
 */
export class QueryErrorResponseDto extends ErrorResponseDto {
  /** Trino's query id. @example "20261129_012345_00001_abcde" */
  queryId?: string;
  /** Trino's error name. @example "SYNTAX_ERROR" */
  errorName?: string;
  /** Trino's error type. @example "USER_ERROR" */
  errorType?: string;
}

/** The `Retry-After` header of every 429 and 503, for the OpenAPI `headers` of those responses. */
export const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' },
  },
};
