import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import {
  ErrorResponseDto,
  QueryErrorResponseDto,
  RETRY_AFTER_HEADER as RETRY_AFTER,
} from '../common/error-response.dto';
import { CODING_HEADERS } from './compression/compression.decorator';
const QUERY_ID = { 'X-Query-Id': { description: "Trino's query id", schema: { type: 'string' } } };

/**
 * The HTTP errors a query endpoint can answer with. Downloads also report queries that Trino
 * rejected before the head (`withQueryErrors`), with Trino's error name and type.
 */
export const ApiQueryErrors = (withQueryErrors: boolean): MethodDecorator =>
  applyDecorators(
    ApiResponse({
      status: 200,
      description: 'The stream',
      headers: withQueryErrors ? { ...QUERY_ID, ...CODING_HEADERS } : QUERY_ID,
    }),
    ApiResponse({
      status: 400,
      description: withQueryErrors
        ? 'Invalid request body, or a query Trino rejected as a user error'
        : 'Invalid request body',
      type: withQueryErrors ? QueryErrorResponseDto : ErrorResponseDto,
    }),
    ApiResponse({
      status: 403,
      description: 'Permission denied by Trino, or insufficient token scope',
      type: QueryErrorResponseDto,
    }),
    ApiResponse({ status: 413, description: 'SQL or body too large', type: ErrorResponseDto }),
    ApiResponse({
      status: 415,
      description: 'Content-Type is not application/json',
      type: ErrorResponseDto,
    }),
    ApiResponse({
      status: 429,
      description: 'Too many concurrent queries for this user, or too many failed logins',
      type: ErrorResponseDto,
      headers: RETRY_AFTER,
    }),
    ApiResponse({
      status: 502,
      description: withQueryErrors
        ? "Trino failed internally, or refused the service's own credentials or TLS certificate (errorName TRINO_AUTH_FAILED, TRINO_TLS_FAILED)"
        : "Trino refused the service's own credentials or TLS certificate (errorName TRINO_AUTH_FAILED, TRINO_TLS_FAILED)",
      type: QueryErrorResponseDto,
    }),
    ApiResponse({
      status: 503,
      description:
        'Trino or the identity provider is unavailable, the service is shutting down, or this replica is at its stream cap (errorName REPLICA_FULL)',
      type: QueryErrorResponseDto,
      headers: RETRY_AFTER,
    }),
  );
