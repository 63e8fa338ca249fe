import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { ErrorResponseDto } from '../common/error-response.dto';
import type { Principal } from './principal';

/** Metadata key holding a route's auth decision: `'public'` or `'authenticated'`. */
export const AUTH_DECISION = 'trino-stream:auth';
export type AuthDecision = 'public' | 'authenticated';

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' },
  },
};

/** Opts a route out of the global guard (health, docs). Routes without a decision are denied. */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata<string, AuthDecision>(AUTH_DECISION, 'public');

/**
 * Requires any one of the three credentials and documents exactly that in OpenAPI, so what
 * is enforced and what is documented come from one place.
 */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata<string, AuthDecision>(AUTH_DECISION, 'authenticated'),
    ApiBasicAuth('basic'),
    ApiSecurity('idtoken'),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ description: 'No valid credential', type: ErrorResponseDto }),
    // Any authenticated route can meet these before its handler runs; routes that document
    // more reasons for the same status override them.
    ApiResponse({
      status: 429,
      description: 'Too many failed logins for this user or client address',
      type: ErrorResponseDto,
      headers: RETRY_AFTER,
    }),
    ApiResponse({
      status: 503,
      description: "The identity provider's keys are unavailable, or the service is shutting down",
      type: ErrorResponseDto,
      headers: RETRY_AFTER,
    }),
  );

/** The authenticated caller, as the guard attached it to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<Request & { user: Principal }>().user,
);
