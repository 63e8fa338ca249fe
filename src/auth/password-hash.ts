import { compare } from 'bcryptjs';
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const PBKDF2 = /^(\d+):([0-9a-f]+):([0-9a-f]+)$/;
/** Trino refuses weaker hashes than these; so do we, so one file works for both. */
const BCRYPT_MIN_COST = 8;
const PBKDF2_MIN_ITERATIONS = 1000;

/** A stored password hash that can check a candidate password. */
export interface PasswordHash {
  matches(password: string): Promise<boolean>;
}

/** bcrypt reads this many bytes of a password and silently ignores the rest. */
const BCRYPT_MAX_PASSWORD_BYTES = 72;

class BcryptHash implements PasswordHash {
  constructor(private readonly hash: string) {}
  /**
   * A candidate over 72 bytes never matches: bcryptjs would compare only its first 72, so any
   * password sharing them with the real one would pass. Trino 476 never accepts one either
   * (its bcrypt library refuses to hash it; Trino answers 500).
   */
  async matches(password: string): Promise<boolean> {
    if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES) return false;
    return compare(password, this.hash);
  }
}

/** Trino's PBKDF2 format: `iterations:salt-hex:hash-hex`, HMAC-SHA1, key length = hash length. */
class Pbkdf2Hash implements PasswordHash {
  constructor(
    private readonly iterations: number,
    private readonly salt: Buffer,
    private readonly hash: Buffer,
  ) {}
  async matches(password: string): Promise<boolean> {
    const derived = await pbkdf2Async(
      password,
      this.salt,
      this.iterations,
      this.hash.length,
      'sha1',
    );
    return timingSafeEqual(derived, this.hash);
  }
}

/** Parses one stored hash the way Trino's password file authenticator does, or throws why not. */
export function parsePasswordHash(text: string): PasswordHash {
  const bcrypt = BCRYPT.exec(text);
  if (bcrypt) {
    if (Number(bcrypt[1]) < BCRYPT_MIN_COST)
      throw new Error(`bcrypt cost must be at least ${BCRYPT_MIN_COST}`);
    return new BcryptHash(text);
  }
  const pb = PBKDF2.exec(text);
  if (pb && pb[2].length % 2 === 0 && pb[3].length % 2 === 0 && pb[3].length > 0) {
    const iterations = Number(pb[1]);
    if (iterations < PBKDF2_MIN_ITERATIONS)
      throw new Error(`PBKDF2 iterations must be at least ${PBKDF2_MIN_ITERATIONS}`);
    return new Pbkdf2Hash(iterations, Buffer.from(pb[2], 'hex'), Buffer.from(pb[3], 'hex'));
  }
  throw new Error('password hashing algorithm cannot be determined');
}
