import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IDP_ISSUER, USERS } from './env';

const run = promisify(execFile);

/** An ID token from the real provider: the authorization-code flow, driven over HTTP. */
export async function idToken(user: string, password: string): Promise<string> {
  const script = join(__dirname, '..', '..', 'scripts', 'idp', 'id-token.mjs');
  const { stdout } = await run(process.execPath, [script, user, password], {
    env: { ...process.env, IDP_ISSUER },
  });
  return stdout.trim();
}

/** A client-credentials access token from the provider's real token endpoint. */
export async function accessToken(clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${IDP_ISSUER}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function basic(user: string, password: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The suites' usual callers, by HTTP Basic (test/fixtures/password.db). */
export const ALICE = basic('alice', USERS.alice);
export const BOB = basic('bob', USERS.bob);
