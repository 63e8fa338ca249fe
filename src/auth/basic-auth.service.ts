import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { decodeBasic } from './basic-credentials';
import { PasswordFile } from './password-file';
import { parsePasswordHash, type PasswordHash } from './password-hash';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;
/** Compared against when the user is unknown, so unknown and known users cost the same. */
const DUMMY = parsePasswordHash('$2b$10$ZH9PmTnxEmKoDi1A3HrwOe3hrXkn/XWYts2fnATFrkRzwPa7QHBNe');

/**
 * Checks Basic credentials against the password file, with a short cache. Failed logins are
 * throttled by the guard (CompositeAuthGuard), which sees every attempt and its address.
 */
@Injectable()
export class BasicAuthService {
  private readonly file?: PasswordFile;
  /**
   * Keyed hash of user and password -> the hash it matched and until when. The key is per
   * process, so a memory dump reveals no password; an entry only counts while the file still
   * holds the same hash, so a changed password takes effect at once.
   */
  private readonly verified = new Map<string, { hash: PasswordHash; expiry: number }>();
  private readonly cacheKey = randomBytes(32);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.auth.basicPasswordFile !== undefined)
      this.file = new PasswordFile(config.auth.basicPasswordFile);
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** Returns the verified user name, or throws a 401. */
  async verify(encoded: string): Promise<string> {
    const creds = decodeBasic(encoded);
    if (!creds) throw new DomainError('UNAUTHENTICATED', 'malformed Basic credentials');
    const digest = createHmac('sha256', this.cacheKey)
      .update(creds.user)
      .update('\0')
      .update(creds.password)
      .digest('base64');
    const hash = this.file?.lookup(creds.user);
    const cached = this.verified.get(digest);
    if (hash && cached?.hash === hash && cached.expiry > Date.now()) return creds.user;
    const ok = await (hash ?? DUMMY).matches(creds.password);
    if (!ok || !hash) throw new DomainError('UNAUTHENTICATED', 'invalid user name or password');
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(digest, { hash, expiry: Date.now() + CACHE_TTL_MS });
    return creds.user;
  }
}
