import { plainToInstance } from 'class-transformer';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateSync, ValidationError } from 'class-validator';
import type { FailedLoginLimits } from '../auth/login-throttle';
import { PROPERTY_NAME } from '../query/parameters/session-properties';
import { EnvDto } from './env.dto';

/** JWT verification settings for one token kind (`idtoken` or Bearer). */
export interface JwtConfig {
  issuer: string;
  audience: string;
  jwksUri?: string;
  userClaim: string;
  requiredScopes: string[];
}

/** The typed configuration the rest of the service reads; built once from the environment. */
export interface AppConfig {
  port: number;
  host: string;
  trino: {
    url: string;
    user?: string;
    password?: string;
    /** PEM text of the CAs trusted for Trino's TLS certificate, read once at boot. */
    tlsCa?: string;
    catalog?: string;
    schema?: string;
    source: string;
    heartbeatMs: number;
  };
  auth: {
    basicPasswordFile?: string;
    idtoken?: JwtConfig;
    bearer?: JwtConfig;
    userMapping?: RegExp;
    failedLogins: FailedLoginLimits;
  };
  /** Proxy hops whose X-Forwarded-For entries name the client (Express `trust proxy`). */
  trustProxyHops: number;
  query: {
    sqlMaxBytes: number;
    maxConcurrentPerUser: number;
    /** Streams in flight on this replica, from QUERY_MAX_CONCURRENT or the memory budget. */
    maxConcurrent: number;
    keepAliveMs: number;
    /** Session properties a request may set (QUERY_SESSION_PROPERTIES_ALLOWED). */
    sessionPropertiesAllowed: string[];
  };
  corsOrigins: string[];
  shutdownGraceMs: number;
  /** After SIGTERM, how long the listener stays open before it closes (see main.ts). */
  shutdownDelayMs: number;
  /** How long a client may take to send a request head, and the whole request. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  logLevel: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {}

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`)
    .join('\n');
}

function mappingPattern(source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch (e) {
    throw new ConfigError(
      `AUTH_USER_MAPPING_PATTERN: not a valid regular expression (${String(e)})`,
    );
  }
  // Trino's user mapping takes the first capture group; a pattern without one maps nothing.
  if (new RegExp(`${source}|`, 'u').exec('')!.length !== 2) {
    throw new ConfigError('AUTH_USER_MAPPING_PATTERN: needs exactly one capture group');
  }
  return re;
}

/**
 * Measured with `npm run bench:memory` and the load test (bench/README.md, Memory): an idle
 * service holds about BASE_MB of RSS; an open stream adds about 3 MiB at the peak when read
 * at full speed and up to 3.6 MiB when its client reads nothing (two page outputs held, one in
 * the socket and one in the stream), with the heap capped as the Dockerfile caps it. STREAM_MB
 * is the worst case, rounded up, so that a replica at its cap stays under its budget.
 */
const BASE_MB = 112;
const STREAM_MB = 4;

/** How many streams fit in the memory budget: the default of QUERY_MAX_CONCURRENT. */
export function streamsWithin(budgetMb: number): number {
  return Math.max(1, Math.floor((budgetMb - BASE_MB) / STREAM_MB));
}

/** Reads the CA file at boot, so a wrong path stops the service instead of every query. */
function trinoCa(file: string | undefined, url: string): string | undefined {
  if (file === undefined) return undefined;
  if (!url.startsWith('https:')) {
    throw new ConfigError('TRINO_TLS_CA_FILE is set but TRINO_URL is not an https:// URL');
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    throw new ConfigError(`TRINO_TLS_CA_FILE: cannot read ${file} (${code})`);
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  try {
    if (certs.length === 0) throw new Error('no certificate');
    for (const cert of certs) new X509Certificate(cert);
  } catch {
    throw new ConfigError(`TRINO_TLS_CA_FILE: ${file} holds no valid PEM certificate`);
  }
  return pem;
}

function jwt(
  issuer: string | undefined,
  audience: string | undefined,
  jwksUri: string | undefined,
  userClaim: string,
  scopes = '',
): JwtConfig | undefined {
  if (issuer === undefined || audience === undefined) return undefined;
  const requiredScopes = scopes.split(' ').filter((s) => s.length > 0);
  return { issuer, audience, jwksUri, userClaim, requiredScopes };
}

/**
 * CORS compares origins as exact strings, so a trailing slash, a path or a `*` would silently
 * allow nothing (and a wildcard is not wanted for an API that takes credentials anyway).
 */
function corsOrigins(list: string | undefined): string[] {
  const origins = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path, no trailing slash, no wildcard)`,
      );
    }
  }
  return origins;
}

const RAISABLE_LIMITS = ['query_max_run_time', 'query_max_execution_time'];

function sessionProperties(list: string | undefined): string[] {
  const names = (list ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  const bad = names.filter((n) => !PROPERTY_NAME.test(n));
  if (bad.length > 0) {
    throw new ConfigError(
      `QUERY_SESSION_PROPERTIES_ALLOWED: not a Trino session property name: ${bad.join(', ')}`,
    );
  }
  // Trino takes these from the session as given, so a caller could raise the cluster's limit.
  const limits = names.filter((n) => RAISABLE_LIMITS.includes(n));
  if (limits.length > 0) {
    throw new ConfigError(
      `QUERY_SESSION_PROPERTIES_ALLOWED: ${limits.join(', ')} would let callers raise the cluster's time limit; requests cap their run time with "timeout" instead`,
    );
  }
  return names;
}

/** Validates `env` and returns the typed config, or throws one ConfigError naming the problems. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const known = Object.keys(new EnvDto());
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    // Empty strings count as unset, the way shells and compose files tend to pass them.
    if (v !== undefined && v !== '' && known.includes(k)) raw[k] = v;
  }
  const dto = plainToInstance(EnvDto, raw);
  const errors = validateSync(dto, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(`Invalid environment:\n${describe(errors)}`);
  const auth = {
    basicPasswordFile: dto.AUTH_BASIC_PASSWORD_FILE,
    idtoken: jwt(
      dto.AUTH_IDTOKEN_ISSUER,
      dto.AUTH_IDTOKEN_AUDIENCE,
      dto.AUTH_IDTOKEN_JWKS_URI,
      dto.AUTH_IDTOKEN_USER_CLAIM,
    ),
    bearer: jwt(
      dto.AUTH_BEARER_ISSUER,
      dto.AUTH_BEARER_AUDIENCE,
      dto.AUTH_BEARER_JWKS_URI,
      dto.AUTH_BEARER_USER_CLAIM,
      dto.AUTH_BEARER_REQUIRED_SCOPES,
    ),
    userMapping: mappingPattern(dto.AUTH_USER_MAPPING_PATTERN),
    failedLogins: {
      perUserAddress: dto.AUTH_FAILED_LOGINS_PER_USER_ADDRESS,
      perUser: dto.AUTH_FAILED_LOGINS_PER_USER,
      perAddress: dto.AUTH_FAILED_LOGINS_PER_ADDRESS,
    },
  };
  // Equal or lower, one address reaching its limit for a user would lock that user out.
  if (auth.failedLogins.perUser <= auth.failedLogins.perUserAddress) {
    throw new ConfigError(
      'AUTH_FAILED_LOGINS_PER_USER: must exceed AUTH_FAILED_LOGINS_PER_USER_ADDRESS, or one address could lock a user out',
    );
  }
  if (!auth.basicPasswordFile && !auth.idtoken && !auth.bearer) {
    throw new ConfigError(
      'No authentication method is enabled: set AUTH_BASIC_PASSWORD_FILE, AUTH_IDTOKEN_ISSUER or AUTH_BEARER_ISSUER',
    );
  }
  const url = dto.TRINO_URL.replace(/\/+$/, '');
  if (dto.HTTP_HEADERS_TIMEOUT_SECONDS > dto.HTTP_REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (the head is part of the request)',
    );
  }
  return {
    port: dto.PORT,
    host: dto.HOST,
    trino: {
      url,
      user: dto.TRINO_USER,
      password: dto.TRINO_PASSWORD,
      tlsCa: trinoCa(dto.TRINO_TLS_CA_FILE, url),
      catalog: dto.TRINO_CATALOG,
      schema: dto.TRINO_SCHEMA,
      source: dto.TRINO_SOURCE,
      heartbeatMs: dto.TRINO_HEARTBEAT_SECONDS * 1000,
    },
    auth,
    trustProxyHops: dto.TRUST_PROXY_HOPS,
    query: {
      sqlMaxBytes: dto.QUERY_SQL_MAX_BYTES,
      maxConcurrentPerUser: dto.QUERY_MAX_CONCURRENT_PER_USER,
      maxConcurrent: dto.QUERY_MAX_CONCURRENT ?? streamsWithin(dto.MEMORY_BUDGET_MB),
      keepAliveMs: dto.SSE_KEEP_ALIVE_SECONDS * 1000,
      sessionPropertiesAllowed: sessionProperties(dto.QUERY_SESSION_PROPERTIES_ALLOWED),
    },
    corsOrigins: corsOrigins(dto.CORS_ORIGINS),
    shutdownGraceMs: dto.SHUTDOWN_GRACE_SECONDS * 1000,
    shutdownDelayMs: dto.SHUTDOWN_DELAY_SECONDS * 1000,
    http: {
      headersTimeoutMs: dto.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: dto.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    },
    logLevel: dto.LOG_LEVEL,
  };
}
