import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { ErrorResponseDto, RETRY_AFTER_HEADER } from '../common/error-response.dto';
import type { Principal } from './principal';

/** Metadata key holding a route's auth decision: `'public'` or `'authenticated'`. */
export const AUTH_DECISION = 'trino-stream:auth';
export type AuthDecision = 'public' | 'authenticated';

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
    ApiUnauthorizedResponse({
      description: 'No valid credential',
      type: ErrorResponseDto,
      headers: {
        'WWW-Authenticate': {
          description: 'One challenge per enabled scheme (Basic, Bearer, IdToken)',
          schema: { type: 'string' },
        },
      },
    }),
    // The guard itself can refuse any protected route this way (login throttling, an
    // unreachable key set, draining); query routes describe these more precisely.
    ApiTooManyRequestsResponse({
      description: 'Too many failed logins',
      type: ErrorResponseDto,
      headers: RETRY_AFTER_HEADER,
    }),
    ApiServiceUnavailableResponse({
      description: 'The identity provider is unavailable, or the service is shutting down',
      type: ErrorResponseDto,
      headers: RETRY_AFTER_HEADER,
    }),
  );

/** The authenticated caller, as the guard attached it to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<Request & { user: Principal }>().user,
);
