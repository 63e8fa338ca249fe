import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { JwtVerifiers } from '../jwt-verifiers';
import type { Principal } from '../principal';
import { UserMapper } from '../user-mapper';

/** `Authorization: Bearer <jwt>`: an OAuth2 client-credentials access token. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly verifiers: JwtVerifiers,
    private readonly mapper: UserMapper,
  ) {
    super();
  }

  async validate(req: Request): Promise<Principal> {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /i, '').trim();
    const { subject } = await this.verifiers.get('bearer').verify(token);
    return { user: this.mapper.map(subject), authMethod: 'bearer' };
  }
}
