import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa, { type JwksClient } from 'jwks-rsa';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { JwtConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';

/** Asymmetric algorithms only: `none` and HS* would let a public key or nothing sign a token. */
const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];
/** A `kid` is only ever a key in a map; anything longer than this is not a real one. */
const MAX_KID_LENGTH = 256;
const CLOCK_TOLERANCE_S = 30;
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;
const FETCH_TIMEOUT_MS = 5000;

/** Which token kind this verifier checks; decides the accepted `typ` headers and the messages. */
export type TokenKind = 'idtoken' | 'bearer';

/** A key from the issuer's key set, and the algorithm the set says it is for (if any). */
interface IssuerKey {
  publicKey: KeyObject;
  alg?: string;
}

/** The verified claims a strategy needs. */
export interface VerifiedToken {
  subject: string;
  payload: JWTPayload;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scope: unknown = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return new Set(scope.split(' '));
  if (Array.isArray(scope)) return new Set(scope.map(String));
  return new Set();
}

/** Classifies jwks-rsa failures: a key the set lacks is the token's fault, anything else the provider's. */
function keyError(e: unknown, kind: TokenKind): DomainError {
  const name = (e as { name?: string }).name;
  // A rate-limited refetch says nothing about the token; only a key set that answered
  // without the key does.
  if (name === 'SigningKeyNotFoundError') {
    return new DomainError('UNAUTHENTICATED', `${label(kind)} is signed by an unknown key`);
  }
  return new DomainError(
    'AUTH_UNAVAILABLE',
    'the identity provider cannot be reached to verify the token',
    {},
    {
      'Retry-After': '5',
    },
  );
}

function label(kind: TokenKind): string {
  return kind === 'idtoken' ? 'idtoken' : 'Bearer token';
}

/**
 * Verifies one kind of JWT against its issuer's key set. Keys come from jwks-rsa, cached and
 * refetched at a bounded rate when an unknown `kid` appears; the JWKS URI is discovered from
 * the issuer when not configured.
 */
export class JwtVerifier {
  private client?: Promise<JwksClient>;
  /**
   * Tokens verified in the last minute (by SHA-256), so a UI sending the same token on every
   * request pays for the signature once. An entry never outlives the token's `exp`.
   */
  private readonly verified = new Map<string, { token: VerifiedToken; until: number }>();
  /** Key lookups in flight, by `kid`. */
  private readonly lookups = new Map<string, Promise<IssuerKey>>();

  constructor(
    private readonly config: JwtConfig,
    private readonly kind: TokenKind,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const digest = createHash('sha256').update(token).digest('base64');
    const hit = this.verified.get(digest);
    if (hit && hit.until > Date.now()) return hit.token;
    const result = await this.verifyUncached(token);
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    const exp = (result.payload.exp ?? 0) * 1000;
    this.verified.set(digest, { token: result, until: Math.min(exp, Date.now() + CACHE_TTL_MS) });
    return result;
  }

  /**
   * RFC 8725's checks, in order: the header first (algorithm allowlist, `typ`, `kid` shape),
   * so junk never causes a key lookup; then jose verifies the signature with the key the
   * configured key set holds for `kid`, rejects `crit` extensions it does not implement, and
   * checks `iss`, `aud`, and `exp`/`nbf`/`iat` as numbers. Header keys (`jwk`, `jku`, `x5u`,
   * `x5c`) are never read: the only keys are the issuer's.
   */
  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const invalid = new DomainError('UNAUTHENTICATED', `${label(this.kind)} is invalid or expired`);
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid;
    }
    const { alg, kid } = header;
    if (alg === undefined || !ALLOWED_ALGORITHMS.includes(alg)) throw invalid;
    if (!this.typAccepted(header.typ)) throw invalid;
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > MAX_KID_LENGTH))
      throw invalid;
    const key = await this.signingKey(kid);
    // RFC 8725 §3.1: a key is used with one algorithm; a key set entry naming another is refused.
    if (key.alg !== undefined && key.alg !== alg) throw invalid;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      }));
    } catch {
      throw invalid;
    }
    const subject: unknown = payload[this.config.userClaim];
    if (typeof subject !== 'string' || subject.length === 0) throw invalid;
    this.checkScopes(payload);
    return { subject, payload };
  }

  /** RFC 9068 access tokens say `at+jwt`; an access token is never accepted as an ID token. */
  private typAccepted(typ: string | undefined): boolean {
    if (typ === undefined || typ.toUpperCase() === 'JWT') return true;
    const lower = typ.toLowerCase();
    return this.kind === 'bearer' && (lower === 'at+jwt' || lower === 'application/at+jwt');
  }

  private checkScopes(payload: JWTPayload): void {
    const have = scopesOf(payload);
    const missing = this.config.requiredScopes.filter((s) => !have.has(s));
    if (missing.length === 0) return;
    const scope = this.config.requiredScopes.join(' ');
    throw new DomainError(
      'INSUFFICIENT_SCOPE',
      `the token lacks the required scope: ${scope}`,
      { error: 'insufficient_scope' },
      {
        'WWW-Authenticate': `Bearer realm="trino-stream", error="insufficient_scope", scope="${scope}"`,
      },
    );
  }

  /**
   * One key lookup per `kid` at a time, however slow the provider: jwks-rsa's own queue lets a
   * second lookup start once the first is a second old, and each counts against the refetch
   * limit, so a burst of valid tokens on a slow provider used the limit up and got 503s.
   */
  private signingKey(kid: string | undefined): Promise<IssuerKey> {
    const id = kid ?? '';
    let lookup = this.lookups.get(id);
    if (!lookup) {
      lookup = this.lookUp(kid).finally(() => this.lookups.delete(id));
      this.lookups.set(id, lookup);
    }
    return lookup;
  }

  private async lookUp(kid: string | undefined): Promise<IssuerKey> {
    let client: JwksClient;
    try {
      client = await this.jwks();
    } catch (e) {
      this.client = undefined; // discovery failed: try again on the next request
      throw keyError(e, this.kind);
    }
    try {
      const found = await client.getSigningKey(kid);
      return { publicKey: createPublicKey(found.getPublicKey()), alg: found.alg };
    } catch (e) {
      throw keyError(e, this.kind);
    }
  }

  private jwks(): Promise<JwksClient> {
    this.client ??= this.jwksUri().then((jwksUri) =>
      jwksRsa({
        jwksUri,
        cache: true,
        cacheMaxAge: 10 * 60_000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        timeout: FETCH_TIMEOUT_MS,
      }),
    );
    return this.client;
  }

  private async jwksUri(): Promise<string> {
    if (this.config.jwksUri !== undefined) return this.config.jwksUri;
    const url = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
    return doc.jwks_uri;
  }
}
