import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { AUTH_DECISION, type AuthDecision } from './auth.decorators';
import { BasicAuthService } from './basic-auth.service';
import { basicCredential, decodeBasic } from './basic-credentials';
import { challenges } from './challenges';
import { JwtVerifiers } from './jwt-verifiers';
import { LoginThrottle, throttledError } from './login-throttle';
import type { AuthMethod } from './principal';

/** Which credential a request presents: `idtoken` first, then `Authorization`. */
export function chooseMethod(req: Request): AuthMethod | 'unsupported' | undefined {
  if (req.headers.idtoken !== undefined) return 'idtoken';
  const authorization = req.headers.authorization;
  if (authorization === undefined) return undefined;
  if (/^Basic /i.test(authorization)) return 'basic';
  if (/^Bearer /i.test(authorization)) return 'bearer';
  return 'unsupported';
}

/** Who a Basic login claims to be and where it comes from, as the failed-login throttle counts. */
export function basicAttempt(req: Request): { user: string; address: string } | undefined {
  const creds = decodeBasic(basicCredential(req));
  // req.ip is the socket's address unless TRUST_PROXY_HOPS names proxies to believe.
  const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return creds && { user: creds.user, address };
}

/**
 * The one global guard. Routes are authenticated unless marked `@Public()`. The credential
 * chosen must be valid: a bad one is a 401 even if another, valid one is also present.
 *
 * Failed Basic logins are throttled here, not in the strategy: the strategies only verify, and
 * Passport keeps one strategy per name per process, so a throttle inside one would be shared
 * by every app in the process.
 */
@Injectable()
export class CompositeAuthGuard implements CanActivate {
  private readonly guards: Record<AuthMethod, CanActivate> = {
    basic: new (AuthGuard('basic'))(),
    idtoken: new (AuthGuard('idtoken'))(),
    bearer: new (AuthGuard('bearer'))(),
  };
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly reflector: Reflector,
    private readonly basic: BasicAuthService,
    private readonly jwt: JwtVerifiers,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.throttle = new LoginThrottle(config.auth.failedLogins);
  }

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
    const attempt = method === 'basic' ? basicAttempt(req) : undefined;
    try {
      const refusal = attempt && this.throttle.refusal(attempt.user, attempt.address);
      if (refusal) throw throttledError(refusal);
      return (await this.guards[method].canActivate(ctx)) as boolean;
    } catch (e) {
      const known = e instanceof DomainError && e.code !== 'UNAUTHENTICATED';
      this.failed(method, known ? e.code : 'INVALID');
      if (known) throw e;
      if (attempt) this.throttle.recordFailure(attempt.user, attempt.address);
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

  private unauthorized(message: string, bearerRejected: boolean): DomainError {
    const enabled = {
      basic: this.basic.enabled,
      bearer: this.jwt.has('bearer'),
      idtoken: this.jwt.has('idtoken'),
    };
    const headers = { 'WWW-Authenticate': challenges(enabled, bearerRejected) };
    return new DomainError('UNAUTHENTICATED', message, {}, headers);
  }
}
