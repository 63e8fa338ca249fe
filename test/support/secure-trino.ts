import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { waitFor } from './wait';

/**
 * The production-shaped Trino of scripts/trino-secure/start.sh: HTTPS with a CA made at
 * start, password authentication for the service account only, and trino/etc-secure/rules.json
 * (alice reads tpch.*.nation, bob tpch.*.customer, both region, in every schema; the service account may
 * impersonate alice and bob, nobody else).
 */
// The same port variables scripts/trino-secure/start.sh reads, so moving the instance to other
// ports (a second checkout running beside this one) is one setting, not two.
const HTTPS_PORT = process.env.TRINO_SECURE_HTTPS_PORT ?? '8443';
const HTTP_PORT = process.env.TRINO_SECURE_HTTP_PORT ?? '8093';
export const SECURE_TRINO_URL = process.env.SECURE_TRINO_URL ?? `https://127.0.0.1:${HTTPS_PORT}`;
/** Its plain HTTP port, which serves internal communication only. */
export const SECURE_TRINO_HTTP_URL =
  process.env.SECURE_TRINO_HTTP_URL ?? `http://127.0.0.1:${HTTP_PORT}`;
export const SECURE_TRINO_CA_FILE =
  process.env.SECURE_TRINO_CA_FILE ??
  join(__dirname, '..', '..', '.run', 'trino-secure', 'tls', 'ca.pem');
export const UNTRUSTED_CA_FILE = join(__dirname, '..', 'fixtures', 'untrusted-ca.pem');

/** The service account in trino/etc-secure/password.db. */
export const SERVICE_USER = 'trino-stream';
export const SERVICE_PASSWORD = 'trino-stream-service-password';

/** Environment for an app that talks to the secure Trino as its service account. */
export const SECURE_ENV: Record<string, string> = {
  TRINO_URL: SECURE_TRINO_URL,
  TRINO_USER: SERVICE_USER,
  TRINO_PASSWORD: SERVICE_PASSWORD,
  TRINO_TLS_CA_FILE: SECURE_TRINO_CA_FILE,
};

/**
 * Throws one clear error when the secure Trino is not there: npm test starts it, so a missing
 * one is a broken setup, never a reason to skip.
 */
export async function requireSecureTrino(): Promise<void> {
  const hint = `the production-shaped Trino at ${SECURE_TRINO_URL} (CA ${SECURE_TRINO_CA_FILE}); start it with scripts/trino-secure/start.sh (npm test does)`;
  let ca: string;
  try {
    ca = readFileSync(SECURE_TRINO_CA_FILE, 'utf8');
  } catch {
    throw new Error(`secure-trino e2e needs ${hint}: the CA file is missing`);
  }
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const res = await request(`${SECURE_TRINO_URL}/v1/info`, {
      dispatcher,
      signal: AbortSignal.timeout(5000),
    });
    const info = (await res.body.json()) as { starting?: boolean };
    if (info.starting !== false) throw new Error('it is still starting');
  } catch (e) {
    throw new Error(`secure-trino e2e needs ${hint}: ${String(e)}`);
  } finally {
    await dispatcher.close();
  }
}

/** Runs SQL on the secure Trino as the service account itself (no service in between). */
export async function secureTrinoRows(sql: string): Promise<unknown[][]> {
  const ca = readFileSync(SECURE_TRINO_CA_FILE, 'utf8');
  const dispatcher = new Agent({ connect: { ca } });
  const token = Buffer.from(`${SERVICE_USER}:${SERVICE_PASSWORD}`).toString('base64');
  const headers = { authorization: `Basic ${token}`, 'x-trino-user': SERVICE_USER };
  type Page = { nextUri?: string; data?: unknown[][]; error?: { message: string } };
  try {
    let res = await request(`${SECURE_TRINO_URL}/v1/statement`, {
      method: 'POST',
      body: sql,
      headers,
      dispatcher,
    });
    const rows: unknown[][] = [];
    for (;;) {
      const page = (await res.body.json()) as Page;
      if (page.error) throw new Error(page.error.message);
      rows.push(...(page.data ?? []));
      if (!page.nextUri) return rows;
      res = await request(page.nextUri, { headers, dispatcher });
    }
  } finally {
    await dispatcher.close();
  }
}

/** Polls the secure Trino until the query has left the running states; returns its state and error. */
export async function secureSettledState(queryId: string): Promise<string> {
  const sql = `SELECT state, error_code FROM system.runtime.queries WHERE query_id = '${queryId.replace(/'/g, '')}'`;
  const read = async (): Promise<string> => {
    const [row] = await secureTrinoRows(sql);
    return row === undefined ? 'UNKNOWN' : `${String(row[0])}/${String(row[1])}`;
  };
  const settled = await waitFor(async () => {
    const state = await read();
    return /^(FINISHED|FAILED)\//.test(state) && state;
  });
  return settled ?? read();
}

/**
 * The status the secure Trino answers to `user:password` on POST /v1/statement: 200 once the
 * password is accepted (the query it started is cancelled at once), 401 when refused.
 */
export async function secureTrinoLoginStatus(user: string, password: string): Promise<number> {
  const ca = readFileSync(SECURE_TRINO_CA_FILE, 'utf8');
  const dispatcher = new Agent({ connect: { ca } });
  const token = Buffer.from(`${user}:${password}`).toString('base64');
  const headers = { authorization: `Basic ${token}`, 'x-trino-user': user };
  try {
    const res = await request(`${SECURE_TRINO_URL}/v1/statement`, {
      method: 'POST',
      body: 'SELECT 1',
      headers,
      dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode === 200) {
      const { nextUri } = JSON.parse(text) as { nextUri?: string };
      if (nextUri)
        await (await request(nextUri, { method: 'DELETE', headers, dispatcher })).body.text();
    }
    return res.statusCode;
  } finally {
    await dispatcher.close();
  }
}
