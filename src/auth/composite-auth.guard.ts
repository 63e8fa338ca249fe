import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { AUTH_DECISION, type AuthDecision } from './auth.decorators';
import { BasicAuthService } from './basic-auth.service';
import { JwtVerifiers } from './jwt-verifiers';
import type { AuthMethod } from './principal';

const REALM = 'realm="trino-stream"';

/** Which credential a request presents: `idtoken` first, then `Authorization`. */
export function chooseMethod(req: Request): AuthMethod | 'unsupported' | undefined {
  if (req.headers.idtoken !== undefined) return 'idtoken';
  const authorization = req.headers.authorization;
  if (authorization === undefined) return undefined;
  if (/^Basic /i.test(authorization)) return 'basic';
  if (/^Bearer /i.test(authorization)) return 'bearer';
  return 'unsupported';
}

/**
 * The one global guard. Routes are authenticated unless marked `@Public()`. The credential
 * chosen must be valid: a bad one is a 401 even if another, valid one is also present.
 */
@Injectable()
export class CompositeAuthGuard implements CanActivate {
  private readonly guards: Record<AuthMethod, CanActivate> = {
    basic: new (AuthGuard('basic'))(),
    idtoken: new (AuthGuard('idtoken'))(),
    bearer: new (AuthGuard('bearer'))(),
  };

  constructor(
    private readonly reflector: Reflector,
    private readonly basic: BasicAuthService,
    private readonly jwt: JwtVerifiers,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const decision = this.reflector.getAllAndOverride<AuthDecision | undefined>(AUTH_DECISION, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (decision === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const method = chooseMethod(req);
    if (method === undefined) {
      this.failed('none', 'NO_CREDENTIALS');
      throw this.unauthorized('no credentials', false);
    }
    if (method === 'unsupported' || !this.enabled(method)) {
      this.failed(method, 'UNSUPPORTED');
      throw this.unauthorized('unsupported or disabled authentication method', false);
    }
    try {
      return (await this.guards[method].canActivate(ctx)) as boolean;
    } catch (e) {
      const known = e instanceof DomainError && e.code !== 'UNAUTHENTICATED';
      this.failed(method, known ? e.code : 'INVALID');
      if (known) throw e;
      const message = e instanceof DomainError ? e.message : 'invalid credentials';
      throw this.unauthorized(message, method === 'bearer');
    }
  }

  private failed(method: string, reason: string): void {
    this.metrics.authFailures.inc({ method, reason });
  }

  private enabled(method: AuthMethod): boolean {
    return method === 'basic' ? this.basic.enabled : this.jwt.has(method);
  }

  /** A 401 challenging with every enabled scheme, so a client can tell what it may use. */
  private unauthorized(message: string, bearerRejected: boolean): DomainError {
    const challenges: string[] = [];
    if (this.basic.enabled) challenges.push(`Basic ${REALM}, charset="UTF-8"`);
    if (this.jwt.has('bearer'))
      challenges.push(`Bearer ${REALM}${bearerRejected ? ', error="invalid_token"' : ''}`);
    if (this.jwt.has('idtoken')) challenges.push(`IdToken ${REALM}, header="idtoken"`);
    return new DomainError('UNAUTHENTICATED', message, {}, { 'WWW-Authenticate': challenges });
  }
}
