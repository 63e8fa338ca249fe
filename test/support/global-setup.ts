/**
 * The e2e suites need the real Trino and the real OpenID provider; `npm test` starts both.
 * Fail early with one clear message instead of a hundred timeouts.
 */
import { IDP_ISSUER, TRINO_URL } from './env';

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(`${TRINO_URL}/v1/info`)))
    missing.push(`Trino at ${TRINO_URL} (npm run trino:start)`);
  if (!(await reachable(`${IDP_ISSUER}/.well-known/openid-configuration`))) {
    missing.push(`the OpenID provider at ${IDP_ISSUER} (npm run idp:start)`);
  }
  if (missing.length > 0)
    throw new Error(`e2e needs ${missing.join(' and ')}; npm test starts both`);
}
