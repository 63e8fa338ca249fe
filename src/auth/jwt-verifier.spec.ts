import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rsaKey, signWith } from '../../test/support/jwt-attacks';
import { JwtVerifier } from './jwt-verifier';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'trino-stream-api';
const KID = 'slow-key';
const JWKS_DELAY_MS = 1500;

/** FAKE: a JWKS endpoint that answers slowly, as a loaded provider does; counts its requests. */
function slowJwks(jwk: object): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: KID, alg: 'RS256', use: 'sig' }] }));
    }, JWKS_DELAY_MS);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/jwks`, requests: () => requests });
    }),
  );
}

describe('JwtVerifier under a burst while the key set loads slowly', () => {
  it('waits for the one key lookup in flight instead of starting more', async () => {
    const key = rsaKey(KID);
    const jwks = await slowJwks(key.publicJwk);
    try {
      const verifier = new JwtVerifier(
        {
          issuer: ISSUER,
          audience: AUDIENCE,
          jwksUri: jwks.url,
          userClaim: 'sub',
          requiredScopes: [],
        },
        'bearer',
      );
      // Distinct tokens (no verified-token cache hit), arriving while the first lookup runs,
      // two of them more than a second after it started.
      const results = await Promise.all(
        [0, 400, 1100, 1300].map(async (at, i) => {
          await new Promise((r) => setTimeout(r, at));
          const exp = Math.floor(Date.now() / 1000) + 60;
          const claims = { sub: `client-${i}`, iss: ISSUER, aud: AUDIENCE, exp };
          const token = signWith(key, claims);
          return (await verifier.verify(token)).subject;
        }),
      );
      expect(results).toEqual(['client-0', 'client-1', 'client-2', 'client-3']);
      expect(jwks.requests()).toBe(1);
    } finally {
      jwks.server.closeAllConnections();
      jwks.server.close();
    }
  });
});
