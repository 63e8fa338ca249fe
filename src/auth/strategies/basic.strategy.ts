import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { BasicAuthService } from '../basic-auth.service';
import type { Principal } from '../principal';
import { UserMapper } from '../user-mapper';

/** `Authorization: Basic`: checked against the password file. */
@Injectable()
export class BasicStrategy extends PassportStrategy(Strategy, 'basic') {
  constructor(
    private readonly basic: BasicAuthService,
    private readonly mapper: UserMapper,
  ) {
    super();
  }

  async validate(req: Request): Promise<Principal> {
    const encoded = (req.headers.authorization ?? '').replace(/^Basic /i, '');
    // req.ip is the socket's address unless TRUST_PROXY_HOPS names proxies to believe.
    const user = await this.basic.verify(encoded, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    return { user: this.mapper.map(user), authMethod: 'basic' };
  }
}
