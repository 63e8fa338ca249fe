import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { BasicAuthService } from './basic-auth.service';
import { CompositeAuthGuard } from './composite-auth.guard';
import { JwtVerifiers } from './jwt-verifiers';
import { MeController } from './me.controller';
import { BasicStrategy } from './strategies/basic.strategy';
import { BearerStrategy } from './strategies/bearer.strategy';
import { IdTokenStrategy } from './strategies/idtoken.strategy';
import { UserMapper } from './user-mapper';

@Module({
  imports: [PassportModule],
  controllers: [MeController],
  providers: [
    BasicAuthService,
    JwtVerifiers,
    UserMapper,
    BasicStrategy,
    IdTokenStrategy,
    BearerStrategy,
    { provide: APP_GUARD, useClass: CompositeAuthGuard },
  ],
})
export class AuthModule {}
