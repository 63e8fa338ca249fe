import { hashSync } from 'bcryptjs';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { parsePasswordHash } from './password-hash';

/** A bcrypt hash of `password` at `cost`, with the `$2?$` variant swapped in. */
function bcrypt(password: string, cost: number, variant: 'a' | 'b' | 'y' = 'b'): string {
  return hashSync(password, cost).replace(/^\$2[aby]\$/, `$2${variant}$`);
}

/** Trino's PBKDF2 format: `iterations:salt-hex:hash-hex`, HMAC-SHA1. */
function pbkdf2(password: string, iterations: number, keyLength = 32): string {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, iterations, keyLength, 'sha1');
  return `${iterations}:${salt.toString('hex')}:${hash.toString('hex')}`;
}

describe('parsePasswordHash', () => {
  describe('bcrypt', () => {
    it.each(['a', 'b', 'y'] as const)('$2%s$ matches the right password only', async (variant) => {
      const hash = parsePasswordHash(bcrypt('s3cret:pw', 8, variant));
      await expect(hash.matches('s3cret:pw')).resolves.toBe(true);
      await expect(hash.matches('s3cret:pX')).resolves.toBe(false);
      await expect(hash.matches('')).resolves.toBe(false);
    });

    it.each([
      [
        '$2y$ (htpasswd, as Trino documents)',
        '$2y$10$PB3BTvPz7TnL9Yv1WYm9.escaVXegXli2/jnhqYG18HR492Y8dm.i',
        'alice-password',
      ],
      ['$2a$', '$2a$10$bSVCTdSj79mFt0ALDP1zGuojer4DR99Kpfmv16tD/k1/Znp4L4tqG', 'pa:ss:word'],
    ])('a stored %s hash from the fixture file', async (_label, stored, password) => {
      await expect(parsePasswordHash(stored).matches(password)).resolves.toBe(true);
      await expect(parsePasswordHash(stored).matches(`${password}x`)).resolves.toBe(false);
    });

    describe('the 72-byte rule', () => {
      const long = 'p'.repeat(60) + '-sixty-two-'.repeat(2); // 82 bytes
      const hash = parsePasswordHash(bcrypt(long, 8));

      it('a candidate over 72 bytes never matches, even one sharing the first 72', async () => {
        expect(Buffer.byteLength(long)).toBeGreaterThan(72);
        await expect(hash.matches(`${long.slice(0, 72)}-another-tail`)).resolves.toBe(false);
        // The password it was made from is over 72 bytes too: refused, as Trino refuses it.
        await expect(hash.matches(long)).resolves.toBe(false);
      });

      it('exactly 72 bytes still matches (what bcrypt actually hashed)', async () => {
        await expect(hash.matches(long.slice(0, 72))).resolves.toBe(true);
        await expect(hash.matches(long.slice(0, 71))).resolves.toBe(false);
      });

      it('bytes, not characters, are counted: 24 three-byte characters are 72 bytes', async () => {
        const wide = '€'.repeat(24);
        const wideHash = parsePasswordHash(bcrypt(wide, 8));
        await expect(wideHash.matches(wide)).resolves.toBe(true);
        await expect(wideHash.matches(`${wide}x`)).resolves.toBe(false);
      });

      it('PBKDF2 hashes have no such limit', async () => {
        const pb = parsePasswordHash(pbkdf2(long, 1000));
        await expect(pb.matches(long)).resolves.toBe(true);
        await expect(pb.matches(`${long.slice(0, 72)}-another-tail`)).resolves.toBe(false);
      });
    });

    it.each([4, 5, 7])('cost %i is below the minimum of 8 and rejected', (cost) => {
      expect(() => parsePasswordHash(bcrypt('pw', cost))).toThrow(/at least 8/);
    });

    it('cost 8 is the minimum accepted', () => {
      expect(() => parsePasswordHash(bcrypt('pw', 8))).not.toThrow();
    });
  });

  describe('PBKDF2', () => {
    it.each([
      [1000, 32],
      [1000, 20],
      [5000, 64],
    ])('%i iterations, %i-byte hash: matches the right password only', async (iterations, len) => {
      const hash = parsePasswordHash(pbkdf2('dave-password', iterations, len));
      await expect(hash.matches('dave-password')).resolves.toBe(true);
      await expect(hash.matches('dave-passwore')).resolves.toBe(false);
      await expect(hash.matches('')).resolves.toBe(false);
    });

    it('the fixture file dave entry (Trino-written format)', async () => {
      const stored =
        '1000:5b53e0dbda7729d3ec6694b560ef4629:bfb10752a9b5072de702f5da1d28383771c06124bf9f9f65b27c93ccb2fc8b3b';
      await expect(parsePasswordHash(stored).matches('dave-password')).resolves.toBe(true);
    });

    it.each([1, 500, 999])('%i iterations is below 1000 and rejected', (iterations) => {
      expect(() => parsePasswordHash(pbkdf2('pw', iterations))).toThrow(/at least 1000/);
    });
  });

  it.each([
    ['empty', ''],
    ['a plain-text password', 'alice-password'],
    ['an MD5-crypt hash', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/'],
    ['a SHA-512 crypt hash', '$6$salt$abcdefghijklmnopqrstuvwxyz'],
    ['an unknown bcrypt variant', '$2x$10$PB3BTvPz7TnL9Yv1WYm9.escaVXegXli2/jnhqYG18HR492Y8dm.i'],
    ['a truncated bcrypt hash', '$2b$10$PB3BTvPz7TnL9Yv1WYm9.escaVXegXli2/jnhqYG18HR492Y8dm.'],
    [
      'bcrypt with trailing garbage',
      '$2b$10$PB3BTvPz7TnL9Yv1WYm9.escaVXegXli2/jnhqYG18HR492Y8dm.i!',
    ],
    ['PBKDF2 with non-hex salt', '1000:zz:bfb10752'],
    ['PBKDF2 with an odd-length salt', '1000:abc:bfb10752'],
    ['PBKDF2 with an empty hash', '1000:5b53:'],
    ['PBKDF2 with a missing part', '1000:5b53e0db'],
    ['PBKDF2 with non-numeric iterations', 'x:5b53:bfb1'],
    ['PBKDF2 with an extra part', '1000:5b53:bfb1:00'],
  ])('rejects %s', (_label, stored) => {
    expect(() => parsePasswordHash(stored)).toThrow();
  });
});
