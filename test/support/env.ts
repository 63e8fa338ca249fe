import { join } from 'node:path';

export const TRINO_URL = process.env.TRINO_URL ?? 'http://127.0.0.1:8080';
export const IDP_ISSUER = process.env.IDP_ISSUER ?? 'http://127.0.0.1:4455';
export const PASSWORD_FILE = join(__dirname, '..', 'fixtures', 'password.db');

/** Users in test/fixtures/password.db. */
export const USERS = {
  alice: 'alice-password',
  bob: 'bob-password',
  /** A password with colons: only the first `:` of the Basic credential splits. */
  carol: 'pa:ss:word',
  /** Stored as Trino's PBKDF2 format. */
  dave: 'dave-password',
  /** Trino's resource groups of both dev Trinos admit two of her queries at a time. */
  erin: 'erin-password',
};

/**
 * The environment every e2e app starts from: all three methods on, the provider's audiences,
 * and a mapping that strips the e-mail domain the idtoken's `email` claim carries.
 */
export const BASE_ENV: Record<string, string> = {
  TRINO_URL,
  AUTH_BASIC_PASSWORD_FILE: PASSWORD_FILE,
  AUTH_IDTOKEN_ISSUER: IDP_ISSUER,
  AUTH_IDTOKEN_AUDIENCE: 'trino-stream-ui',
  AUTH_IDTOKEN_USER_CLAIM: 'email',
  AUTH_BEARER_ISSUER: IDP_ISSUER,
  AUTH_BEARER_AUDIENCE: 'trino-stream-api',
  AUTH_BEARER_REQUIRED_SCOPES: 'trino:query',
  AUTH_USER_MAPPING_PATTERN: '([^@]+)(?:@example\\.test)?',
  LOG_LEVEL: 'error',
  // The dev Trinos give up on a silent client after 30 s (docs/replicas.md): stay well below.
  TRINO_HEARTBEAT_SECONDS: '10',
};
