import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JwtVerifier, type TokenKind } from './jwt-verifier';

/** The configured JWT verifiers, one per token kind that is enabled. */
@Injectable()
export class JwtVerifiers {
  private readonly verifiers = new Map<TokenKind, JwtVerifier>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.auth.idtoken)
      this.verifiers.set('idtoken', new JwtVerifier(config.auth.idtoken, 'idtoken'));
    if (config.auth.bearer)
      this.verifiers.set('bearer', new JwtVerifier(config.auth.bearer, 'bearer'));
  }

  has(kind: TokenKind): boolean {
    return this.verifiers.has(kind);
  }

  /** The verifier for `kind`; the guard only asks for enabled kinds. */
  get(kind: TokenKind): JwtVerifier {
    const verifier = this.verifiers.get(kind);
    if (!verifier) throw new Error(`${kind} verification is not configured`);
    return verifier;
  }
}
