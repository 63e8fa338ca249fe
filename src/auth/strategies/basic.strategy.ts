import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { BasicAuthService } from '../basic-auth.service';
import { basicCredential } from '../basic-credentials';
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
    const user = await this.basic.verify(basicCredential(req));
    return { user: this.mapper.map(user), authMethod: 'basic' };
  }
}
