/**
 * Authentication over real HTTP: real tokens from the local OpenID provider, real Basic
 * credentials from the Trino-format password file, and forged or broken credentials that
 * must be refused with a clean 401/403 (never a 5xx) while the service keeps serving.
 * Token checks that must not depend on the signature (expiry, nbf, iss, aud, missing exp)
 * run against an app pointed at a JWKS this suite controls.
 */
import type { JsonWebKey } from 'node:crypto';
import { appForSuite, startApp, type RunningApp } from './support/app';
import { accessToken, ALICE, basic, bearer, BOB, idToken } from './support/credentials';
import { IDP_ISSUER, USERS } from './support/env';
import {
  b64url,
  craft,
  ecKey,
  fetchJwks,
  getFrom,
  hs256,
  inspect,
  jwkToPem,
  noneToken,
  rsaKey,
  signWith,
  startJwksServer,
  tamper,
  type Claims,
  type JwksServer,
  type RawResponse,
  type TestKey,
} from './support/jwt-attacks';

type Headers = Record<string, string>;

const REALM = 'realm="trino-stream"';
const now = (): number => Math.floor(Date.now() / 1000);

function idtoken(token: string): Headers {
  return { idtoken: token };
}

function me(app: RunningApp, headers: Headers = {}): Promise<Response> {
  return fetch(`${app.url}/me`, { headers });
}

/** The caller is authenticated as `user` by `authMethod`. */
async function expectMe(
  app: RunningApp,
  headers: Headers,
  user: string,
  authMethod: string,
): Promise<void> {
  const res = await me(app, headers);
  expect({ status: res.status, body: await res.json() }).toEqual({
    status: 200,
    body: { user, authMethod },
  });
}

/**
 * The shape every refusal must have: the status, JSON `{statusCode, error, message}`, and
 * nothing in it that explains too much: no stack, no key material, none of `secrets`.
 */
async function expectErrorBody(
  res: Response,
  status: number,
  secrets: string[] = [],
): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      statusCode: status,
      error: expect.any(String) as unknown,
      message: expect.any(String) as unknown,
    }),
  );
  expect(body).not.toHaveProperty('stack');
  expect(text).not.toMatch(/BEGIN|PRIVATE|\bat \S+ \(|node_modules|\.ts:\d+/);
  for (const secret of secrets.filter((s) => s.length > 0)) expect(text).not.toContain(secret);
  return body;
}

describe('auth (e2e)', () => {
  let main: RunningApp;
  /** The provider's signing key, public half, as its JWKS publishes it. */
  let providerJwk: JsonWebKey & { kid?: string };
  let aliceIdToken: string;
  let bobIdToken: string;
  let reportingToken: string;
  let otherToken: string;

  /** Real provider claims with a valid shape, for forged tokens that must fail on the signature. */
  function aliceClaims(extra: Claims = {}): Claims {
    return {
      ...inspect(aliceIdToken).payload,
      iat: now(),
      exp: now() + 600,
      ...extra,
    };
  }

  /** A refusal, then proof the service still serves a valid caller. */
  async function expectRefused(
    headers: Headers,
    status = 401,
    secrets: string[] = [],
  ): Promise<{ body: Record<string, unknown>; res: Response }> {
    const res = await me(main, headers);
    const body = await expectErrorBody(res, status, [...secrets, providerJwk.n ?? '']);
    await expectMe(main, idtoken(aliceIdToken), 'alice', 'idtoken');
    return { body, res };
  }

  beforeAll(async () => {
    [main, aliceIdToken, bobIdToken, reportingToken, otherToken] = await Promise.all([
      startApp(),
      idToken('alice', 'alice-password'),
      idToken('bob', 'bob-password'),
      accessToken('svc-reporting', 'svc-reporting-secret'),
      accessToken('svc-other', 'svc-other-secret'),
    ]);
    const jwks = await fetchJwks(IDP_ISSUER);
    providerJwk = jwks.keys[0];
  });

  afterAll(async () => {
    await main?.close();
  });

  describe('credentials issued for real are accepted', () => {
    it('the provider issues what the suite assumes (RS256 with kid, the two audiences)', () => {
      expect(inspect(aliceIdToken).header).toMatchObject({ alg: 'RS256', kid: providerJwk.kid });
      expect(inspect(aliceIdToken).payload).toMatchObject({
        aud: 'trino-stream-ui',
        email: 'alice@example.test',
        iss: IDP_ISSUER,
      });
      expect(inspect(reportingToken).header).toMatchObject({ typ: 'at+jwt' });
      expect(inspect(reportingToken).payload).toMatchObject({
        aud: 'trino-stream-api',
        sub: 'svc-reporting',
        scope: expect.stringContaining('trino:query') as unknown,
      });
    });

    it.each([
      ['alice', 'alice', USERS.alice],
      ['bob', 'bob', USERS.bob],
      ['carol, whose password contains ":"', 'carol', USERS.carol],
      ['dave, stored as PBKDF2', 'dave', USERS.dave],
    ])('Basic %s', async (_label, user, password) => {
      await expectMe(main, basic(user, password), user, 'basic');
    });

    it('an ID token, mapped from its email claim', async () => {
      await expectMe(main, idtoken(aliceIdToken), 'alice', 'idtoken');
      await expectMe(main, idtoken(bobIdToken), 'bob', 'idtoken');
    });

    it('a client-credentials access token as Bearer', async () => {
      await expectMe(main, bearer(reportingToken), 'svc-reporting', 'bearer');
    });

    it('the scheme names are case-insensitive', async () => {
      const lower = ALICE.authorization.replace(/^Basic/, 'basic');
      await expectMe(main, { authorization: lower }, 'alice', 'basic');
      await expectMe(
        main,
        { authorization: `BEARER ${reportingToken}` },
        'svc-reporting',
        'bearer',
      );
    });

    it('no header or query field lets the caller pick another user', async () => {
      const res = await fetch(`${main.url}/me?user=bob`, {
        headers: { ...ALICE, 'x-trino-user': 'bob', 'x-user': 'bob' },
      });
      expect(await res.json()).toEqual({ user: 'alice', authMethod: 'basic' });
    });
  });

  describe('public routes answer without credentials', () => {
    it.each(['/', '/health', '/health/live', '/docs-json'])('GET %s', async (path) => {
      const res = await fetch(`${main.url}${path}`);
      expect(res.status).toBe(200);
    });

    it('while /me and /query do not', async () => {
      expect((await me(main)).status).toBe(401);
      const res = await fetch(`${main.url}/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      await expectErrorBody(res, 401);
    });
  });

  describe('refusals: 401 with a clean body, and the service keeps serving', () => {
    it('no credential at all, challenging with every enabled scheme', async () => {
      const { res } = await expectRefused({});
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain(`Basic ${REALM}`);
      expect(challenge).toContain(`Bearer ${REALM}`);
      expect(challenge).toContain(`IdToken ${REALM}, header="idtoken"`);
      // RFC 6750 §3.1: no error code when the request carried no token.
      expect(challenge).not.toContain('error=');
    });

    it('an unsupported scheme', async () => {
      const { res } = await expectRefused({ authorization: 'Digest username="alice"' });
      expect(res.headers.get('www-authenticate')).toContain(`Basic ${REALM}`);
    });

    describe('forged or broken JWTs against the real provider configuration', () => {
      it('alg none, as idtoken and as Bearer', async () => {
        const forged = noneToken(aliceClaims(), { kid: providerJwk.kid });
        await expectRefused(idtoken(forged));
        await expectRefused(bearer(noneToken({ ...inspect(reportingToken).payload })));
        // Some parsers accept a trailing signature on `none`; the service must not.
        await expectRefused(idtoken(`${forged}${b64url('sig')}`));
      });

      it('HS256 with the provider public key (PEM) as the HMAC secret', async () => {
        const pem = jwkToPem(providerJwk);
        expect(pem).toContain('BEGIN PUBLIC KEY');
        const forged = hs256(aliceClaims(), pem, { kid: providerJwk.kid });
        await expectRefused(idtoken(forged), 401, [pem]);
        const forgedAccess = hs256({ ...inspect(reportingToken).payload, exp: now() + 600 }, pem, {
          kid: providerJwk.kid,
          typ: 'at+jwt',
        });
        await expectRefused(bearer(forgedAccess), 401, [pem]);
      });

      it('signed by a key the JWKS does not hold, with the provider kid and with a random kid', async () => {
        const sameKid = rsaKey(providerJwk.kid);
        await expectRefused(idtoken(signWith(sameKid, aliceClaims())));
        await expectRefused(
          bearer(signWith(sameKid, inspect(reportingToken).payload, { typ: 'at+jwt' })),
        );
        await expectRefused(idtoken(signWith(rsaKey(), aliceClaims())));
      });

      it('a real ID token with its email changed and its signature kept', async () => {
        await expectRefused(idtoken(tamper(aliceIdToken, { email: 'bob@example.test' })));
        await expectRefused(idtoken(tamper(aliceIdToken, { exp: now() + 86400 * 365 })));
        // The untampered original still works, so it is the change that is refused.
        await expectMe(main, idtoken(aliceIdToken), 'alice', 'idtoken');
      });

      it('an ID token sent as Bearer: wrong audience, and the Bearer challenge says invalid_token', async () => {
        const { body, res } = await expectRefused(bearer(aliceIdToken), 401, [aliceIdToken]);
        expect(body.error).toBe('Unauthorized');
        expect(res.headers.get('www-authenticate')).toContain(
          `Bearer ${REALM}, error="invalid_token"`,
        );
      });

      it('an access token sent as idtoken', async () => {
        await expectRefused(idtoken(reportingToken), 401, [reportingToken]);
      });

      it.each([
        ['abc', 'abc'],
        ['a.b.c', 'a.b.c'],
        ['an empty value', ''],
        ['two segments', `${b64url('{"alg":"RS256"}')}.${b64url('{}')}`],
        ['a payload that is not JSON', `${b64url('{"alg":"RS256"}')}.${b64url('not json')}.c2ln`],
        ['a header that is not JSON', `${b64url('nope')}.${b64url('{}')}.c2ln`],
        ['a JSON array payload', `${b64url('{"alg":"RS256"}')}.${b64url('[1,2]')}.c2ln`],
        ['a huge kid', craft({ alg: 'RS256', kid: 'k'.repeat(4000) }, { exp: 9e9 }, 'c2ln')],
      ])('a malformed token: %s', async (_label, token) => {
        await expectRefused(idtoken(token));
        await expectRefused({ authorization: `Bearer ${token}` });
      });
    });

    describe('Basic credentials', () => {
      it.each([
        ['not base64', 'Basic !!!'],
        ['no colon', `Basic ${Buffer.from('alice').toString('base64')}`],
        ['no colon, unpadded', 'Basic YWxpY2U'],
        ['invalid UTF-8', `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x61]).toString('base64')}`],
        ['an empty user name', `Basic ${Buffer.from(':alice-password').toString('base64')}`],
        ['nothing after the scheme', 'Basic '],
        ['base64url alphabet', `Basic ${Buffer.from('alice:?>?>').toString('base64url')}`],
      ])('malformed: %s', async (_label, authorization) => {
        const { res } = await expectRefused({ authorization }, 401, ['alice-password']);
        expect(res.headers.get('www-authenticate')).toContain(`Basic ${REALM}`);
      });

      it('an unknown user and a wrong password get the same answer, without the password', async () => {
        const unknown = await expectRefused(basic('mallory', 'Secret-Guess-1'), 401, [
          'Secret-Guess-1',
          'mallory',
        ]);
        const wrong = await expectRefused(basic('alice', 'Secret-Guess-2'), 401, [
          'Secret-Guess-2',
        ]);
        expect(wrong.body).toEqual(unknown.body);
        expect(unknown.res.headers.get('www-authenticate')).toBe(
          wrong.res.headers.get('www-authenticate'),
        );
      });

      it('a password only up to its first ":" is wrong (only the first colon splits)', async () => {
        await expectRefused(basic('carol', 'pa'), 401, ['pa:ss:word']);
      });
    });

    it('svc-other lacks the required scope: 403 insufficient_scope', async () => {
      const { body, res } = await expectRefused(bearer(otherToken), 403, [otherToken]);
      expect(body).toMatchObject({ statusCode: 403, error: 'insufficient_scope' });
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('Bearer');
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="trino:query"');
    });
  });

  describe('precedence: idtoken first, and the chosen credential must be valid', () => {
    it('a valid idtoken with an invalid Basic header authenticates by idtoken', async () => {
      await expectMe(
        main,
        { ...idtoken(aliceIdToken), authorization: 'Basic !!!' },
        'alice',
        'idtoken',
      );
      await expectMe(main, { ...idtoken(bobIdToken), ...bearer(otherToken) }, 'bob', 'idtoken');
    });

    it('an invalid idtoken with a valid Basic header is a 401', async () => {
      await expectRefused({ ...idtoken('a.b.c'), ...ALICE });
      await expectRefused({
        ...idtoken(tamper(aliceIdToken, { email: 'bob@example.test' })),
        ...bearer(reportingToken),
      });
    });
  });

  describe('signature-independent checks, against a JWKS this suite controls', () => {
    let jwks: JwksServer;
    let key: TestKey;
    let ec: TestKey;

    function idClaims(extra: Claims = {}): Claims {
      return {
        iss: jwks.url,
        aud: 'trino-stream-ui',
        sub: 'erin-sub',
        email: 'erin@example.test',
        iat: now(),
        exp: now() + 300,
        ...extra,
      };
    }

    function accessClaims(extra: Claims = {}): Claims {
      return {
        iss: jwks.url,
        aud: 'trino-stream-api',
        sub: 'svc-own',
        client_id: 'svc-own',
        scope: 'openid trino:query',
        iat: now(),
        exp: now() + 300,
        ...extra,
      };
    }

    async function refused(headers: Headers, status = 401): Promise<Record<string, unknown>> {
      const body = await expectErrorBody(await me(app, headers), status, [key.publicJwk.n ?? '']);
      await expectMe(app, idtoken(signWith(key, idClaims())), 'erin', 'idtoken');
      return body;
    }

    beforeAll(async () => {
      key = rsaKey('own-rsa-1');
      ec = ecKey('own-ec-1');
      jwks = await startJwksServer([key.publicJwk, ec.publicJwk]);
    });
    afterAll(() => jwks?.close());
    const app = appForSuite(() => ({
      AUTH_IDTOKEN_ISSUER: jwks.url,
      AUTH_IDTOKEN_JWKS_URI: jwks.jwksUri,
      AUTH_BEARER_ISSUER: jwks.url,
      AUTH_BEARER_JWKS_URI: jwks.jwksUri,
    }));

    it('a correct self-signed token is accepted, so the refusals below are about one change each', async () => {
      await expectMe(app, idtoken(signWith(key, idClaims())), 'erin', 'idtoken');
      await expectMe(
        app,
        bearer(signWith(key, accessClaims(), { typ: 'at+jwt' })),
        'svc-own',
        'bearer',
      );
      // Other asymmetric algorithms work too.
      await expectMe(app, idtoken(signWith(ec, idClaims())), 'erin', 'idtoken');
      expect(jwks.requests).toBeGreaterThan(0);
    });

    it('the real provider tokens are not accepted here (another issuer and key set)', async () => {
      await refused(idtoken(aliceIdToken));
      await refused(bearer(reportingToken));
    });

    it('a small clock skew is tolerated', async () => {
      await expectMe(app, idtoken(signWith(key, idClaims({ exp: now() - 5 }))), 'erin', 'idtoken');
      await expectMe(app, idtoken(signWith(key, idClaims({ nbf: now() + 5 }))), 'erin', 'idtoken');
    });

    it.each<[string, Claims]>([
      ['expired', { exp: now() - 3600 }],
      ['expired, beyond the skew', { exp: now() - 120 }],
      ['nbf in the future', { nbf: now() + 600 }],
      ['another issuer', { iss: IDP_ISSUER }],
      ['an issuer with a trailing slash', { iss: 'ISSUER/' }],
      ['another audience', { aud: 'trino-stream-api' }],
      ['an audience list without ours', { aud: ['someone-else', 'another'] }],
      ['no exp', { exp: undefined }],
      ['exp as a string', { exp: String(now() + 300) }],
      ['no user claim', { email: undefined }],
      ['an empty user claim', { email: '' }],
      ['a user claim that is not a string', { email: ['erin@example.test'] }],
    ])('idtoken: %s', async (_label, change) => {
      const claims = idClaims(change);
      if (claims.iss === 'ISSUER/') claims.iss = `${jwks.url}/`;
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      await refused(idtoken(signWith(key, claims)));
    });

    it.each<[string, Claims]>([
      ['expired', { exp: now() - 3600 }],
      ['nbf in the future', { nbf: now() + 600 }],
      ['another issuer', { iss: IDP_ISSUER }],
      ['another audience', { aud: 'trino-stream-ui' }],
      ['no exp', { exp: undefined }],
    ])('Bearer: %s', async (_label, change) => {
      const claims = accessClaims(change);
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      await refused(bearer(signWith(key, claims, { typ: 'at+jwt' })));
    });

    it('Bearer without the required scope is 403, with the scope elsewhere it is fine', async () => {
      const body = await refused(
        bearer(signWith(key, accessClaims({ scope: 'trino:other' }), { typ: 'at+jwt' })),
        403,
      );
      expect(body.error).toBe('insufficient_scope');
      await refused(
        bearer(signWith(key, accessClaims({ scope: undefined }), { typ: 'at+jwt' })),
        403,
      );
      // A scope that merely contains the required one as a substring is not it.
      await refused(
        bearer(signWith(key, accessClaims({ scope: 'trino:query-admin' }), { typ: 'at+jwt' })),
        403,
      );
      await expectMe(
        app,
        bearer(signWith(key, accessClaims({ scope: undefined, scp: ['trino:query'] }))),
        'svc-own',
        'bearer',
      );
    });

    it('an access token (typ at+jwt) is never an ID token, even with the right audience', async () => {
      await refused(idtoken(signWith(key, idClaims(), { typ: 'at+jwt' })));
      await refused(idtoken(signWith(key, idClaims(), { typ: 'application/at+jwt' })));
    });

    it('alg none and HS256 with the published public key are refused', async () => {
      const pem = jwkToPem(key.publicJwk);
      await refused(idtoken(noneToken(idClaims(), { kid: key.kid })));
      await refused(idtoken(hs256(idClaims(), pem, { kid: key.kid })));
      await refused(idtoken(hs256(idClaims(), key.publicJwk.n ?? '', { kid: key.kid })));
      await refused(bearer(noneToken(accessClaims(), { kid: key.kid, typ: 'at+jwt' })));
      await refused(bearer(hs256(accessClaims(), pem, { kid: key.kid, typ: 'at+jwt' })));
    });

    it('a key the set does not hold: same kid with another key, an unknown kid, a header alg that lies', async () => {
      await refused(idtoken(signWith(rsaKey(key.kid), idClaims())));
      await refused(idtoken(signWith(rsaKey('not-in-the-set'), idClaims())));
      // An RSA signature presented as ES256 under the EC key's kid.
      await refused(idtoken(signWith(key, idClaims(), { kid: ec.kid, alg: 'ES256' })));
    });

    it('an unknown critical header extension is refused (RFC 7515 §4.1.11)', async () => {
      const crit = { crit: ['x-must-understand'], 'x-must-understand': true };
      await refused(idtoken(signWith(key, idClaims(), crit)));
      await refused(bearer(signWith(key, accessClaims(), { typ: 'at+jwt', ...crit })));
    });

    it('a token that brings its own key (jwk) or points at one (jku, x5u) is refused, and nothing is fetched', async () => {
      const elsewhere = await startJwksServer([]);
      try {
        const own = rsaKey(key.kid);
        elsewhere.keys = [own.publicJwk];
        await refused(idtoken(signWith(own, idClaims(), { jwk: own.publicJwk })));
        await refused(idtoken(signWith(own, idClaims(), { jku: elsewhere.jwksUri })));
        await refused(idtoken(signWith(own, idClaims(), { x5u: elsewhere.jwksUri })));
        await refused(bearer(signWith(own, accessClaims(), { jku: elsewhere.jwksUri })));
        expect(elsewhere.requests).toBe(0);
      } finally {
        await elsewhere.close();
      }
    });

    it('while the JWKS errors, cached keys keep working and an unknown key gets 503 with Retry-After; once it recovers a rotated key works', async () => {
      const rotated = rsaKey('own-rsa-2');
      // The known key is cached: a token never seen before (its own jti, so not the verified-
      // token cache) still passes while the key set is down.
      await expectMe(app, idtoken(signWith(key, idClaims({ jti: 'warm-up' }))), 'erin', 'idtoken');
      jwks.status = 500;
      try {
        const fresh = idtoken(signWith(key, idClaims({ jti: `fresh-${Date.now()}` })));
        await expectMe(app, fresh, 'erin', 'idtoken');
        const res = await me(app, idtoken(signWith(rotated, idClaims())));
        await expectErrorBody(res, 503, [jwks.url]);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        jwks.status = 200;
      }
      jwks.keys = [...jwks.keys, rotated.publicJwk];
      await expectMe(app, idtoken(signWith(rotated, idClaims())), 'erin', 'idtoken');
    });
  });

  describe('AUTH_USER_MAPPING_PATTERN', () => {
    let jwks: JwksServer;
    const key = rsaKey('mapping-key');

    beforeAll(async () => {
      jwks = await startJwksServer([key.publicJwk]);
    });
    afterAll(() => jwks?.close());
    const app = appForSuite(() => ({
      AUTH_USER_MAPPING_PATTERN: '(.*)@corp\\.example',
      AUTH_IDTOKEN_ISSUER: jwks.url,
      AUTH_IDTOKEN_JWKS_URI: jwks.jwksUri,
    }));

    function corpToken(email: string): string {
      return signWith(key, {
        iss: jwks.url,
        aud: 'trino-stream-ui',
        sub: 'x',
        email,
        exp: now() + 300,
      });
    }

    it('a principal that matches maps to the capture group', async () => {
      await expectMe(app, idtoken(corpToken('zoe@corp.example')), 'zoe', 'idtoken');
    });

    it('a principal that does not match (or only partly) is a 401', async () => {
      await expectErrorBody(await me(app, ALICE), 401, [USERS.alice]);
      await expectErrorBody(await me(app, idtoken(corpToken('zoe@corp.example.evil'))), 401);
      await expectErrorBody(await me(app, idtoken(corpToken('zoe@corpXexample'))), 401);
      await expectErrorBody(await me(app, bearer(reportingToken)), 401);
      // An empty capture is no user either.
      await expectErrorBody(await me(app, idtoken(corpToken('@corp.example'))), 401);
      await expectMe(app, idtoken(corpToken('zoe@corp.example')), 'zoe', 'idtoken');
    });
  });

  describe('only Basic enabled', () => {
    const app = appForSuite({ AUTH_IDTOKEN_ISSUER: '', AUTH_BEARER_ISSUER: '' });

    it('challenges with Basic only and refuses the disabled token methods', async () => {
      const res = await me(app, bearer(reportingToken));
      await expectErrorBody(res, 401);
      expect(res.headers.get('www-authenticate')).toBe(`Basic ${REALM}, charset="UTF-8"`);
      await expectErrorBody(await me(app, idtoken(aliceIdToken)), 401);
      await expectMe(app, ALICE, 'alice', 'basic');
    });
  });

  describe('the identity provider key set cannot be reached', () => {
    const app = appForSuite({ AUTH_IDTOKEN_JWKS_URI: 'http://127.0.0.1:1/jwks' });

    it('a well-formed token gets 503 with Retry-After and a JSON body, never a 500', async () => {
      const res = await me(app, idtoken(aliceIdToken));
      const body = await expectErrorBody(res, 503, [aliceIdToken, '127.0.0.1:1']);
      expect(body.statusCode).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('the rest of the service keeps working', async () => {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
      await expectMe(app, ALICE, 'alice', 'basic');
      await expectMe(app, bearer(reportingToken), 'svc-reporting', 'bearer');
    });

    it('clients retrying more often than the JWKS refetch rate limit still get 503, not 401', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await me(app, idtoken(aliceIdToken))).status);
      expect(statuses).toEqual(Array<number>(12).fill(503));
    });
  });

  describe('failed logins: per (user, address), a per-user ceiling, a per-address ceiling', () => {
    const url = (a: RunningApp): string => `${a.url}/me`;
    // The per-user ceiling is 100 by default; 20 here keeps the bcrypt work of the test small.
    const PER_USER = 20;
    const app = appForSuite({ AUTH_FAILED_LOGINS_PER_USER: String(PER_USER) });

    function expectThrottled(res: RawResponse, because: string): void {
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(JSON.parse(res.body)).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringContaining(because) as unknown,
      });
    }

    it('10 wrong passwords for alice from address A: 429 there, while alice from B gets in', async () => {
      const A = '127.0.0.2';
      for (let i = 0; i < 10; i++)
        expect((await getFrom(url(app), A, basic('alice', `wrong-${i}`))).status).toBe(401);
      // From A even the right password waits out the window...
      const blocked = await getFrom(url(app), A, ALICE);
      expectThrottled(blocked, 'for this user from this address');
      expect(blocked.body).not.toContain(USERS.alice);
      // ...but the attacker at A has not locked alice out: from B she gets in.
      expect((await getFrom(url(app), '127.0.0.3', ALICE)).status).toBe(200);
      // Other users at A are not affected either, and token methods are never throttled.
      expect((await getFrom(url(app), A, BOB)).status).toBe(200);
      expect((await getFrom(url(app), A, idtoken(aliceIdToken))).status).toBe(200);
    });

    it("from many addresses, bob's per-user ceiling holds", async () => {
      // Two failures from each of ten addresses: no address reaches its own limit.
      for (let a = 10; a < 20; a++) {
        for (let i = 0; i < PER_USER / 10; i++) {
          const res = await getFrom(url(app), `127.0.0.${a}`, basic('bob', `guess-${a}-${i}`));
          expect(res.status).toBe(401);
        }
      }
      const fresh = await getFrom(url(app), '127.0.0.30', BOB);
      expectThrottled(fresh, 'for this user');
      expect(fresh.body).not.toContain('from this address');
    });

    it('one address spraying one password over many users hits its own ceiling (30)', async () => {
      const C = '127.0.0.40';
      for (let i = 0; i < 30; i++)
        expect((await getFrom(url(app), C, basic(`user-${i}`, 'Winter2026!'))).status).toBe(401);
      expectThrottled(await getFrom(url(app), C, basic('carol', USERS.carol)), 'from this address');
      expect((await getFrom(url(app), '127.0.0.41', basic('carol', USERS.carol))).status).toBe(200);
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    });

    it('over plain fetch from 127.0.0.1, wrong passwords end in 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 12; i++) {
        last = await me(app, basic('carol', `guess-${i}`));
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array<number>(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
      await expectErrorBody(last!, 429, ['guess-11']);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('X-Forwarded-For is ignored unless TRUST_PROXY_HOPS says so', async () => {
      const from = '127.0.0.50';
      const forwarded = (client: string): Headers => ({ 'x-forwarded-for': client });
      for (let i = 0; i < 10; i++) {
        const res = await getFrom(url(app), from, {
          ...basic('dave', `wrong-${i}`),
          ...forwarded('10.0.0.1'),
        });
        expect(res.status).toBe(401);
      }
      // Not trusted: a new X-Forwarded-For does not make a new client.
      const same = await getFrom(url(app), from, {
        ...basic('dave', USERS.dave),
        ...forwarded('10.0.0.2'),
      });
      expectThrottled(same, 'for this user from this address');
    });

    // With its own app: each app's guard keeps its own failed-login counts.
    it('with TRUST_PROXY_HOPS=1, clients behind the proxy are told apart by X-Forwarded-For', async () => {
      const proxied = await startApp({ TRUST_PROXY_HOPS: '1' });
      try {
        await proxiedClients(proxied);
      } finally {
        await proxied.close();
      }
    });

    async function proxiedClients(proxied: RunningApp): Promise<void> {
      const proxy = '127.0.0.60';
      const via = (client: string, user: string, password: string): Promise<RawResponse> =>
        getFrom(url(proxied), proxy, { ...basic(user, password), 'x-forwarded-for': client });
      for (let i = 0; i < 10; i++)
        expect((await via('203.0.113.7', 'dave', `wrong-${i}`)).status).toBe(401);
      expectThrottled(
        await via('203.0.113.7', 'dave', USERS.dave),
        'for this user from this address',
      );
      // Another client behind the same proxy is another address.
      expect((await via('203.0.113.8', 'dave', USERS.dave)).status).toBe(200);
      // Only the hop the proxy appended counts: a client cannot prepend its own entries.
      const spoofed = await getFrom(url(proxied), proxy, {
        ...basic('dave', USERS.dave),
        'x-forwarded-for': '198.51.100.1, 203.0.113.7',
      });
      expectThrottled(spoofed, 'for this user from this address');
    }
  });
});
