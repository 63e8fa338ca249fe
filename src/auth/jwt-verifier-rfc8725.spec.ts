/**
 * RFC 8725 (JWT Best Current Practices), §2 attacks and §3 checks, walked through one by one
 * against a JwtVerifier whose key set is served by a local JWKS server. Every token is
 * hand-made with our own keys; a correct token is accepted first, so each refusal is about
 * the one thing a case changes.
 */
import { createPrivateKey, createSign, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  b64url,
  craft,
  ecKey,
  hs256,
  jwkToPem,
  noneToken,
  rsaKey,
  signWith,
  startJwksServer,
  type Claims,
  type JoseHeader,
  type JwksServer,
  type TestKey,
} from '../../test/support/jwt-attacks';
import { JwtVerifier, type TokenKind } from './jwt-verifier';

const ID_AUDIENCE = 'trino-stream-ui';
const API_AUDIENCE = 'trino-stream-api';
const FIXTURES = join(__dirname, '../../test/fixtures');
const now = (): number => Math.floor(Date.now() / 1000);

/** An RSA key of `bits` bits, published under `kid` with the `alg` the set names for it. */
function rsaKeyOf(kid: string, bits: number, alg = 'RS256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg: 'RS256', privateKey, publicJwk };
}

/** Signs with RS256 whatever header is given, bypassing signWith's defaults. */
function rs256Raw(key: TestKey['privateKey'], header: JoseHeader, payload: Claims): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createSign('SHA256').update(input).sign(key).toString('base64url')}`;
}

describe('JwtVerifier against RFC 8725', () => {
  let jwks: JwksServer;
  /** A second server standing for an attacker's URL; it must never be asked for anything. */
  let attacker: JwksServer;
  let rsa: TestKey;
  let ec: TestKey;
  let weak: TestKey;
  let pinned: TestKey;
  const verifiers: Partial<Record<TokenKind, JwtVerifier>> = {};

  const idClaims = (extra: Claims = {}): Claims => ({
    iss: jwks.url,
    aud: ID_AUDIENCE,
    sub: 'erin',
    iat: now(),
    exp: now() + 300,
    ...extra,
  });
  const accessClaims = (extra: Claims = {}): Claims => ({ ...idClaims(extra), aud: API_AUDIENCE });

  async function outcome(kind: TokenKind, token: string): Promise<string> {
    try {
      return `accepted ${(await verifiers[kind]!.verify(token)).subject}`;
    } catch (e) {
      return `refused ${(e as { code?: string }).code ?? String(e)}`;
    }
  }
  const refused = 'refused UNAUTHENTICATED';

  beforeAll(async () => {
    rsa = rsaKey('rsa-1');
    ec = ecKey('ec-1');
    weak = rsaKeyOf('rsa-1024', 1024);
    pinned = rsaKeyOf('rsa-pinned-rs384', 2048, 'RS384');
    jwks = await startJwksServer([rsa.publicJwk, ec.publicJwk, weak.publicJwk, pinned.publicJwk]);
    attacker = await startJwksServer([]);
    for (const kind of ['idtoken', 'bearer'] as const) {
      verifiers[kind] = new JwtVerifier(
        {
          issuer: jwks.url,
          audience: kind === 'idtoken' ? ID_AUDIENCE : API_AUDIENCE,
          jwksUri: jwks.jwksUri,
          userClaim: 'sub',
          requiredScopes: [],
        },
        kind,
      );
    }
  });

  afterAll(async () => {
    await jwks.close();
    await attacker.close();
  });

  it('accepts a correct token of each kind and each key type (the baseline)', async () => {
    expect(await outcome('idtoken', signWith(rsa, idClaims()))).toBe('accepted erin');
    expect(await outcome('idtoken', signWith(ec, idClaims()))).toBe('accepted erin');
    expect(await outcome('bearer', signWith(rsa, accessClaims(), { typ: 'at+jwt' }))).toBe(
      'accepted erin',
    );
  });

  describe('§3.1 algorithm verification (attacks of §2.1)', () => {
    it('alg none, with and without a signature, is refused', async () => {
      expect(await outcome('idtoken', noneToken(idClaims(), { kid: rsa.kid }))).toBe(refused);
      const signed = signWith(rsa, idClaims());
      const [, payload, signature] = signed.split('.');
      const none = `${b64url(JSON.stringify({ alg: 'none', kid: rsa.kid }))}.${payload}.${signature}`;
      expect(await outcome('idtoken', none)).toBe(refused);
    });

    it('HS256 keyed with the published public key (algorithm confusion) is refused', async () => {
      const pem = jwkToPem(rsa.publicJwk);
      expect(await outcome('idtoken', hs256(idClaims(), pem, { kid: rsa.kid }))).toBe(refused);
      expect(await outcome('bearer', hs256(accessClaims(), pem, { kid: rsa.kid }))).toBe(refused);
    });

    it.each(['HS256', 'HS512', 'EdDSA', 'RS1', 'none', 'NONE', 'rs256'])(
      'an algorithm outside the allowlist (%s) is refused before any key lookup',
      async (alg) => {
        const before = jwks.requests;
        const token = craft({ alg, kid: 'never-looked-up' }, idClaims(), 'c2ln');
        expect(await outcome('idtoken', token)).toBe(refused);
        expect(jwks.requests).toBe(before);
      },
    );

    it('a header alg that does not fit the key is refused (RSA signature labelled ES256)', async () => {
      expect(
        await outcome('idtoken', signWith(rsa, idClaims(), { kid: ec.kid, alg: 'ES256' })),
      ).toBe(refused);
      expect(await outcome('idtoken', signWith(rsa, idClaims(), { kid: ec.kid }))).toBe(refused);
    });

    it('a key the set pins to RS384 is not used for RS256', async () => {
      expect(await outcome('idtoken', signWith(pinned, idClaims()))).toBe(refused);
    });
  });

  describe('§3.2 appropriate algorithms and §3.5 key strength', () => {
    it('an RSA key under 2048 bits is refused even though the set publishes it', async () => {
      expect(await outcome('idtoken', signWith(weak, idClaims()))).toBe(refused);
    });
  });

  describe('§3.3 and §3.4 every cryptographic operation is checked', () => {
    it('a missing, truncated or borrowed signature is refused', async () => {
      const [header, payload, signature] = signWith(rsa, idClaims()).split('.');
      const other = signWith(rsa, idClaims({ sub: 'mallory' })).split('.')[2];
      for (const sig of ['', signature.slice(0, -4), other])
        expect(await outcome('idtoken', `${header}.${payload}.${sig}`)).toBe(refused);
    });

    it('a JWE (five parts) or a token with extra parts is refused', async () => {
      const token = signWith(rsa, idClaims());
      expect(await outcome('idtoken', `${token}.x.y`)).toBe(refused);
      expect(await outcome('idtoken', `${token}.x`)).toBe(refused);
    });
  });

  describe('crit (RFC 7515 §4.1.11, §3.2 of RFC 8725)', () => {
    it('an unknown critical extension is refused', async () => {
      const token = signWith(rsa, idClaims(), {
        crit: ['x-must-understand'],
        'x-must-understand': true,
      });
      expect(await outcome('idtoken', token)).toBe(refused);
    });

    it('a crit naming a header that is absent, or an empty crit, is refused', async () => {
      expect(await outcome('idtoken', signWith(rsa, idClaims(), { crit: ['x-absent'] }))).toBe(
        refused,
      );
      expect(await outcome('idtoken', signWith(rsa, idClaims(), { crit: [] }))).toBe(refused);
    });
  });

  describe('§3.8 issuer and §3.9 audience (substitution, §2.7)', () => {
    it.each<[string, Claims]>([
      ['another issuer', { iss: 'https://evil.test' }],
      ['the issuer with a trailing slash', { iss: 'SLASH' }],
      ['no issuer', { iss: undefined }],
      ['the access-token audience', { aud: API_AUDIENCE }],
      ['no audience', { aud: undefined }],
    ])('an ID token with %s is refused', async (_label, change) => {
      const claims = idClaims(change);
      if (claims.iss === 'SLASH') claims.iss = `${jwks.url}/`;
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      expect(await outcome('idtoken', signWith(rsa, claims))).toBe(refused);
    });
  });

  describe('§3.10 received claims are not trusted (§2.9)', () => {
    const attackerKey = (): TestKey => rsaKey(rsa.kid);

    it('a token carrying its own key in jwk is refused', async () => {
      const key = attackerKey();
      const token = signWith(key, idClaims(), { jwk: key.publicJwk });
      expect(await outcome('idtoken', token)).toBe(refused);
    });

    it('jku and x5u pointing at another server are never fetched', async () => {
      const key = attackerKey();
      for (const header of [{ jku: attacker.jwksUri }, { x5u: attacker.jwksUri }]) {
        attacker.keys = [key.publicJwk];
        expect(await outcome('idtoken', signWith(key, idClaims(), header))).toBe(refused);
      }
      expect(attacker.requests).toBe(0);
    });

    it('an x5c chain with the signer certificate is not trusted', async () => {
      const cert = new X509Certificate(readFileSync(join(FIXTURES, 'attacker-cert.pem')));
      const privateKey = createPrivateKey(readFileSync(join(FIXTURES, 'attacker-key.pem')));
      const header = { alg: 'RS256', typ: 'JWT', x5c: [cert.raw.toString('base64')] };
      expect(await outcome('idtoken', rs256Raw(privateKey, header, idClaims()))).toBe(refused);
      expect(
        await outcome('idtoken', rs256Raw(privateKey, { ...header, kid: rsa.kid }, idClaims())),
      ).toBe(refused);
    });

    it('headers naming a key do not change which key verifies a genuine token', async () => {
      const token = signWith(rsa, idClaims(), { jku: attacker.jwksUri, x5u: attacker.jwksUri });
      expect(await outcome('idtoken', token)).toBe('accepted erin');
      expect(attacker.requests).toBe(0);
    });

    it('kid is only a lookup key: a URL, a path, a non-string or a huge kid finds nothing', async () => {
      const before = attacker.requests;
      for (const kid of [attacker.jwksUri, '../../../etc/passwd', "' OR 1=1 --"])
        expect(await outcome('idtoken', signWith(attackerKey(), idClaims(), { kid }))).toBe(
          refused,
        );
      const jwksBefore = jwks.requests;
      for (const kid of [42, { url: attacker.jwksUri }, 'k'.repeat(257)])
        expect(await outcome('idtoken', signWith(rsa, idClaims(), { kid }))).toBe(refused);
      expect(jwks.requests).toBe(jwksBefore);
      expect(attacker.requests).toBe(before);
    });
  });

  describe('§3.11 explicit typing and §3.12 mutually exclusive rules (§2.8 cross-JWT confusion)', () => {
    it('an access token (at+jwt) is never an ID token, even with the ID audience', async () => {
      for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT'])
        expect(await outcome('idtoken', signWith(rsa, idClaims(), { typ }))).toBe(refused);
    });

    it('ID tokens accept typ JWT or none; anything else is refused', async () => {
      expect(await outcome('idtoken', signWith(rsa, idClaims(), { typ: undefined }))).toBe(
        'accepted erin',
      );
      for (const typ of ['secevent+jwt', 'logout+jwt', 'JOSE'])
        expect(await outcome('idtoken', signWith(rsa, idClaims(), { typ }))).toBe(refused);
    });

    it('Bearer accepts at+jwt and JWT (providers differ), and refuses other types', async () => {
      expect(await outcome('bearer', signWith(rsa, accessClaims(), { typ: 'JWT' }))).toBe(
        'accepted erin',
      );
      expect(
        await outcome('bearer', signWith(rsa, accessClaims(), { typ: 'application/at+jwt' })),
      ).toBe('accepted erin');
      for (const typ of ['secevent+jwt', 'id+jwt'])
        expect(await outcome('bearer', signWith(rsa, accessClaims(), { typ }))).toBe(refused);
    });

    it('an ID token is never a Bearer token: the audiences are exclusive', async () => {
      expect(await outcome('bearer', signWith(rsa, idClaims()))).toBe(refused);
      expect(await outcome('idtoken', signWith(rsa, accessClaims()))).toBe(refused);
    });
  });

  describe('numeric dates (RFC 7519 §2, §4.1.4-6) must be numbers', () => {
    it.each<[string, Claims]>([
      ['exp as a string', { exp: String(now() + 300) }],
      ['exp missing', { exp: undefined }],
      ['exp null', { exp: null }],
      ['exp in the past beyond the 30 s tolerance', { exp: now() - 60 }],
      ['nbf as a string', { nbf: String(now() - 10) }],
      ['nbf in the future', { nbf: now() + 120 }],
      ['iat as a string', { iat: String(now()) }],
      ['iat as an object', { iat: { $date: now() } }],
    ])('%s is refused', async (_label, change) => {
      const claims = idClaims(change);
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      expect(await outcome('idtoken', signWith(rsa, claims))).toBe(refused);
    });

    it('fractional numeric dates are numbers and are accepted', async () => {
      expect(await outcome('idtoken', signWith(rsa, idClaims({ exp: now() + 300.5 })))).toBe(
        'accepted erin',
      );
    });
  });
});
