/**
 * Hand-made JWTs for the auth e2e suite: tokens signed with our own keys, `alg: none`,
 * HS256 "signed" with a provider's public key, tampered payloads, plus a tiny JWKS server
 * the suite controls. Nothing here touches the provider's private key.
 */
import {
  createHmac,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Claims = Record<string, unknown>;
export type JoseHeader = Record<string, unknown>;

export function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function segment(value: unknown): string {
  return b64url(JSON.stringify(value));
}

/** Decodes one JWT segment (header or payload) to an object. */
export function decodeSegment(part: string): Claims {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Claims;
}

/** `header.payload.signature`, with whatever signature (possibly empty) the caller gives. */
export function craft(header: JoseHeader, payload: Claims, signature = ''): string {
  return `${segment(header)}.${segment(payload)}.${signature}`;
}

/** An unsecured JWT: `alg: none` and an empty signature. */
export function noneToken(payload: Claims, header: JoseHeader = {}): string {
  return craft({ alg: 'none', typ: 'JWT', ...header }, payload);
}

/**
 * An HS256 token whose HMAC secret is `secret` (e.g. a provider's public key as PEM): the
 * classic algorithm-confusion attack. Built by hand because jsonwebtoken refuses to HMAC-sign
 * with something that looks like a key.
 */
export function hs256(payload: Claims, secret: string | Buffer, header: JoseHeader = {}): string {
  const input = `${segment({ alg: 'HS256', typ: 'JWT', ...header })}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A real token with its payload replaced by `changes` applied to it; header and signature kept. */
export function tamper(token: string, changes: Claims): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${segment({ ...decodeSegment(payload), ...changes })}.${signature}`;
}

/** The decoded header and payload of a compact JWT (no verification). */
export function inspect(token: string): { header: JoseHeader; payload: Claims } {
  const [header, payload] = token.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload) };
}

/** A signing key of our own, with its public half as a JWK carrying `kid`. */
export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function rsaKey(kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, alg: 'RS256', privateKey, publicJwk };
}

export function ecKey(kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', privateKey, publicJwk };
}

/**
 * Signs `payload` exactly as given (no `iat` or `exp` added) with `key`. `header` overrides
 * or adds header fields, e.g. `{ kid: 'other' }` or `{ typ: 'at+jwt' }`.
 */
export function signWith(key: TestKey, payload: Claims, header: JoseHeader = {}): string {
  const input = `${segment({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${segment(payload)}`;
  const signer = createSign('SHA256').update(input);
  const signature =
    key.alg === 'ES256'
      ? signer.sign({ key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : signer.sign(key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** A JWK's public key as SPKI PEM, the form a confused HS256 verifier would use as secret. */
export function jwkToPem(jwk: JsonWebKey): string {
  return createPublicKey({ key: jwk, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
}

/** The issuer's JWKS, found through its discovery document. */
export async function fetchJwks(
  issuer: string,
): Promise<{ keys: (JsonWebKey & { kid?: string })[] }> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  return (await (await fetch(discovery.jwks_uri)).json()) as {
    keys: (JsonWebKey & { kid?: string })[];
  };
}

/** A JWKS endpoint the suite controls: its keys and status can change while it runs. */
export interface JwksServer {
  /** Also usable as the issuer string. */
  url: string;
  jwksUri: string;
  keys: JsonWebKey[];
  /** 200 serves `keys`; anything else answers that status with no key set. */
  status: number;
  /** How many times the key set was fetched. */
  requests: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JsonWebKey[]): Promise<JwksServer> {
  const state = { keys, status: 200, requests: 0 };
  const server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    state.requests += 1;
    if (state.status !== 200) {
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url,
    jwksUri: `${url}/jwks`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A GET from a chosen loopback source address (127.0.0.x), so the per-address login
 * throttle can be told apart from the per-user one. fetch cannot pick its source address.
 */
export function getFrom(
  url: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
