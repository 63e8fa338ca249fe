import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';

/**
 * Maps an authenticated principal to the Trino user, like Trino's user mapping: the first
 * capture group of the pattern, which must match the whole principal.
 */
@Injectable()
export class UserMapper {
  private readonly pattern?: RegExp;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const source = config.auth.userMapping?.source;
    if (source !== undefined) this.pattern = new RegExp(`^(?:${source})$`, 'u');
  }

  map(principal: string): string {
    if (!this.pattern) return principal;
    const user = this.pattern.exec(principal)?.[1];
    if (user === undefined || user === '') {
      throw new DomainError(
        'UNAUTHENTICATED',
        'the authenticated principal does not map to a Trino user',
      );
    }
    return user;
  }
}
