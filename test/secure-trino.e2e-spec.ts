/**
 * The service against a production-shaped Trino (scripts/trino-secure/start.sh): HTTPS with a
 * private CA, the service's own account authenticated by password, end users impersonated and
 * checked by file-based access control. alice may read tpch.*.nation, bob tpch.*.customer.
 */
import { appForSuite, startApp, type RunningApp } from './support/app';
import { accessToken, ALICE, basic, bearer, BOB } from './support/credentials';
import { parseSse, post, readUntil, type SseEvent } from './support/http';
import {
  requireSecureTrino,
  SECURE_ENV,
  SECURE_TRINO_HTTP_URL,
  secureSettledState,
  secureTrinoLoginStatus,
  UNTRUSTED_CA_FILE,
} from './support/secure-trino';

const NATION = 'SELECT current_user AS me, name FROM tpch.tiny.nation';
const CUSTOMER = 'SELECT current_user AS me, name FROM tpch.tiny.customer';
const DOWNLOADS = ['/query/download/csv', '/query/download/json'];

let svc: RunningApp;
beforeAll(async () => {
  await requireSecureTrino();
  svc = await startApp(SECURE_ENV);
});
afterAll(() => svc?.close());

async function sse(
  app: RunningApp,
  headers: Record<string, string>,
  body: object,
): Promise<SseEvent[]> {
  const res = await post(`${app.url}/query`, body, headers);
  expect(res.status).toBe(200);
  return parseSse(await res.text());
}

/** The rows of an SSE stream that must have completed. */
async function rows(headers: Record<string, string>, sql: string): Promise<SseEvent['data'][]> {
  const events = await sse(svc, headers, { sql });
  // objectContaining prints the whole event (an error's message) when it fails.
  expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'complete' }));
  return events.filter((e) => e.type === 'row').map((e) => e.data);
}

/** Who ran it and how many rows (current_user cannot sit beside an aggregate in Trino 476). */
const countAs = (table: string): string =>
  `SELECT me, count(*) AS n FROM (SELECT current_user AS me FROM tpch.tiny.${table}) GROUP BY me`;

/** Every endpoint refuses `sql` for this caller the way the contract says, with Trino's message. */
async function expectDenied(headers: Record<string, string>, sql: string, message: RegExp) {
  const events = await sse(svc, headers, { sql });
  expect(events.filter((e) => e.type === 'row')).toEqual([]);
  expect(events.at(-1)).toMatchObject({
    type: 'error',
    errorName: 'PERMISSION_DENIED',
    errorType: 'USER_ERROR',
  });
  expect(events.at(-1)!.error).toMatch(message);
  for (const path of DOWNLOADS) {
    const res = await post(`${svc.url}${path}`, { sql }, headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      errorName: 'PERMISSION_DENIED',
      errorType: 'USER_ERROR',
    });
    expect(body.message).toMatch(message);
    expect(body.queryId).toMatch(/^\d{8}_\d{6}_\d{5}_\w+$/);
  }
}

describe('service account, impersonation and table rights', () => {
  it('is ready through HTTPS with the private CA', async () => {
    const res = await fetch(`${svc.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ info: { trino: { status: 'up', version: '476' } } });
  });

  it('alice reads nation, as alice, on every endpoint', async () => {
    const nation = await rows(ALICE, NATION);
    expect(nation).toHaveLength(25);
    expect(nation.every((r) => (r as { me: string }).me === 'alice')).toBe(true);
    const csv = await post(`${svc.url}/query/download/csv`, { sql: NATION }, ALICE);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(26);
    expect(lines[1]).toMatch(/^alice,/);
    const json = await post(`${svc.url}/query/download/json`, { sql: NATION }, ALICE);
    expect(json.status).toBe(200);
    expect(((await json.json()) as { data: unknown[] }).data).toHaveLength(25);
  });

  it('alice is refused customer: SSE error event, 403 on downloads, Trino message', async () => {
    await expectDenied(
      ALICE,
      CUSTOMER,
      /Access Denied: Cannot select from table tpch\.tiny\.customer/,
    );
  });

  it('bob reads customer and is refused nation', async () => {
    const customer = await rows(BOB, countAs('customer'));
    expect(customer).toEqual([{ me: 'bob', n: 1500 }]);
    await expectDenied(BOB, NATION, /Access Denied: Cannot select from table tpch\.tiny\.nation/);
  });

  it('both read region, each as themselves', async () => {
    const sql = countAs('region');
    expect(await rows(ALICE, sql)).toEqual([{ me: 'alice', n: 5 }]);
    expect(await rows(BOB, sql)).toEqual([{ me: 'bob', n: 5 }]);
  });

  it('a size cap on a permitted table truncates and cancels through the service account', async () => {
    // sf1 (150,000 rows): far more than one page, so the query is still running at the cap.
    const sql = 'SELECT name FROM tpch.sf1.customer';
    const events = await sse(svc, BOB, { sql, size: 3 });
    expect(events.filter((e) => e.type === 'row')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 3, truncated: true });
    // The DELETE on nextUri went through with the service account's credentials.
    const queryId = String(events.at(-1)!.queryId);
    expect(await secureSettledState(queryId)).toBe('FAILED/USER_CANCELED');
  });
});

describe('replicas on the production-shaped Trino', () => {
  it("a cancel on another replica goes by the service's owner check and Trino's kill rules", async () => {
    const other = await startApp(SECURE_ENV);
    const controller = new AbortController();
    try {
      // Large enough to be still running in Trino (a small result is FINISHED in Trino while
      // its last pages are still being read, and there is nothing left to cancel then).
      const sql = 'SELECT name FROM tpch.sf100.customer';
      const res = await post(`${svc.url}/query`, { sql }, BOB, controller.signal);
      const queryId = res.headers.get('x-query-id')!;
      const reader = res.body!.getReader();
      await readUntil(reader, '"type":"row"', 3);
      const cancel = (auth: Record<string, string>) =>
        fetch(`${other.url}/query/${queryId}`, { method: 'DELETE', headers: auth });
      // The service's account may view every query (rules.json), so the owner is known.
      expect((await cancel(ALICE)).status).toBe(403);
      expect((await cancel(BOB)).status).toBe(204);
      expect(await readUntil(reader, '"type":"error"', 1)).toContain('"errorName":"USER_CANCELED"');
      expect(await secureSettledState(queryId)).toBe('FAILED/USER_CANCELED');
    } finally {
      controller.abort();
      await other.close();
    }
  });
});

describe('nobody acts as someone else', () => {
  it("a client's X-Trino-User header is ignored: alice stays alice", async () => {
    const asBob = { ...ALICE, 'x-trino-user': 'bob' };
    expect(await rows(asBob, 'SELECT current_user AS me')).toEqual([{ me: 'alice' }]);
    await expectDenied(asBob, CUSTOMER, /Cannot select from table tpch\.tiny\.customer/);
  });

  it('a user field in the body is refused with 400', async () => {
    const res = await post(`${svc.url}/query`, { sql: CUSTOMER, user: 'bob' }, ALICE);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/user/);
  });

  it('SET SESSION AUTHORIZATION is refused, and nothing carries over', async () => {
    // The service account may impersonate bob, so only this stops alice: the service does
    // not declare the SESSION_AUTHORIZATION client capability, so Trino refuses the switch
    // (and the service keeps no session between requests anyway).
    const set = await sse(svc, ALICE, { sql: "SET SESSION AUTHORIZATION 'bob'" });
    expect(set.at(-1)).toMatchObject({
      type: 'error',
      errorName: 'NOT_SUPPORTED',
      error: 'SET SESSION AUTHORIZATION not supported by client',
    });
    expect(await rows(ALICE, 'SELECT current_user AS me')).toEqual([{ me: 'alice' }]);
    await expectDenied(ALICE, CUSTOMER, /Cannot select from table tpch\.tiny\.customer/);
  });

  it('bob cannot read alice-only data through catalog and schema in the body', async () => {
    const sql = 'SELECT name FROM nation';
    const body = { sql, catalog: 'tpch', schema: 'tiny' };
    const res = await post(`${svc.url}/query/download/csv`, body, BOB);
    expect(res.status).toBe(403);
  });

  it('a principal the rules do not let the service impersonate gets 403', async () => {
    // svc-reporting authenticates to the service fine, but rules.json lets the service
    // account act only as alice and bob.
    const token = bearer(await accessToken('svc-reporting', 'svc-reporting-secret'));
    await expectDenied(token, 'SELECT 1', /cannot impersonate user svc-reporting/);
  });
});

describe("bcrypt's 72-byte limit, against the password file Trino itself reads", () => {
  // frank's entry in trino/etc-secure/password.db is a bcrypt hash of this 82-byte password.
  const FRANK =
    'frank-has-a-very-long-passphrase-that-runs-past-bcrypt-s-seventy-two-byte-limit-ok';
  const SAME_72 = `${FRANK.slice(0, 72)}-but-another-tail`;

  const fileSvc = appForSuite({ AUTH_BASIC_PASSWORD_FILE: 'trino/etc-secure/password.db' });

  const meStatus = async (password: string): Promise<number> =>
    (await fetch(`${fileSvc.url}/me`, { headers: basic('frank', password) })).status;

  it('Trino 476 never accepts a password over 72 bytes, but does accept its first 72', async () => {
    expect(Buffer.byteLength(FRANK)).toBe(82);
    // Trino's bcrypt library refuses to hash more than 72 bytes; Trino answers 500.
    expect(await secureTrinoLoginStatus('frank', FRANK)).not.toBe(200);
    expect(await secureTrinoLoginStatus('frank', SAME_72)).not.toBe(200);
    expect(await secureTrinoLoginStatus('frank', FRANK.slice(0, 72))).toBe(200);
    expect(await secureTrinoLoginStatus('frank', 'wrong')).toBe(401);
  });

  it('the service agrees, with a clean 401: a wrong password sharing the first 72 bytes is refused', async () => {
    expect(await meStatus(SAME_72)).toBe(401);
    expect(await meStatus(FRANK)).toBe(401);
    expect(await meStatus(FRANK.slice(0, 72))).toBe(200);
  });
});

describe('misconfigured service', () => {
  async function expectBadGateway(env: Record<string, string>, errorName: string) {
    const app = await startApp({ ...SECURE_ENV, ...env });
    try {
      for (const path of ['/query', ...DOWNLOADS]) {
        const res = await post(`${app.url}${path}`, { sql: 'SELECT 1' }, ALICE);
        expect(res.status).toBe(502);
        expect(res.headers.get('retry-after')).toBeNull();
        const body = (await res.json()) as Record<string, string>;
        expect(body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', errorName });
        // Trino refused the submission itself: there is no query to name.
        expect(body).not.toHaveProperty('queryId');
        expect(body.message).not.toMatch(/password|127\.0\.0\.1/);
      }
      return app;
    } catch (e) {
      await app.close();
      throw e;
    }
  }

  it('a wrong TRINO_PASSWORD: 502 TRINO_AUTH_FAILED on every endpoint, no retry hint', async () => {
    const app = await expectBadGateway({ TRINO_PASSWORD: 'wrong' }, 'TRINO_AUTH_FAILED');
    await app.close();
  });

  it("credentials sent to Trino's plain HTTP port: 502 TRINO_AUTH_FAILED", async () => {
    const env = { TRINO_URL: SECURE_TRINO_HTTP_URL, TRINO_TLS_CA_FILE: '' };
    const app = await expectBadGateway(env, 'TRINO_AUTH_FAILED');
    await app.close();
  });

  it('without the CA the certificate is refused: 502 TRINO_TLS_FAILED and not ready', async () => {
    const app = await expectBadGateway({ TRINO_TLS_CA_FILE: '' }, 'TRINO_TLS_FAILED');
    try {
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(503);
    } finally {
      await app.close();
    }
  });

  it('a CA that did not sign the certificate is refused too', async () => {
    const app = await expectBadGateway(
      { TRINO_TLS_CA_FILE: UNTRUSTED_CA_FILE },
      'TRINO_TLS_FAILED',
    );
    await app.close();
  });
});
