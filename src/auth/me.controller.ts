import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from './auth.decorators';
import { MeDto } from './me.dto';
import type { Principal } from './principal';

@ApiTags('auth')
@Authenticated()
@Controller('me')
export class MeController {
  /** Who the service thinks you are: the Trino user your queries run as. */
  @Get()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): MeDto {
    return { user: principal.user, authMethod: principal.authMethod };
  }
}
