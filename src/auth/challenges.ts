import type { AuthMethod } from './principal';

const REALM = 'realm="trino-stream"';

/**
 * The `WWW-Authenticate` challenges of a 401: one per enabled method, so a client can tell what
 * it may use. `IdToken` is this service's own scheme name for the `idtoken` header. A rejected
 * Bearer token says `error="invalid_token"` (RFC 6750 §3.1), so OAuth2 clients fetch a new one.
 */
export function challenges(
  enabled: Record<AuthMethod, boolean>,
  bearerRejected: boolean,
): string[] {
  const out: string[] = [];
  if (enabled.basic) out.push(`Basic ${REALM}, charset="UTF-8"`);
  if (enabled.bearer) out.push(`Bearer ${REALM}${bearerRejected ? ', error="invalid_token"' : ''}`);
  if (enabled.idtoken) out.push(`IdToken ${REALM}, header="idtoken"`);
  return out;
}
