import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { JwtVerifiers } from '../jwt-verifiers';
import type { Principal } from '../principal';
import { UserMapper } from '../user-mapper';

/** `idtoken: <jwt>`: an OIDC ID token from the configured issuer. */
@Injectable()
export class IdTokenStrategy extends PassportStrategy(Strategy, 'idtoken') {
  constructor(
    private readonly verifiers: JwtVerifiers,
    private readonly mapper: UserMapper,
  ) {
    super();
  }

  async validate(req: Request): Promise<Principal> {
    const token = String(req.headers.idtoken ?? '').trim();
    const { subject } = await this.verifiers.get('idtoken').verify(token);
    return { user: this.mapper.map(subject), authMethod: 'idtoken' };
  }
}
