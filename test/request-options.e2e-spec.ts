/**
 * `timeout` and `session` against the real Trino: a run-time cap that ends a long query with
 * Trino's EXCEEDED_TIME_LIMIT, and only the session properties the operator allows.
 */
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { parseSse, post, type SseEvent } from './support/http';
import { settledState } from './support/trino';

const ENDLESS = 'SELECT count(*) FROM tpch.sf1.lineitem a CROSS JOIN tpch.sf1.lineitem b';

const app = appForSuite({
  QUERY_SESSION_PROPERTIES_ALLOWED: 'join_distribution_type,query_max_stage_count',
});

async function sse(body: object): Promise<SseEvent[]> {
  const res = await post(`${app.url}/query`, body, ALICE);
  expect(res.status).toBe(200);
  return parseSse(await res.text());
}

async function badRequest(path: string, body: object): Promise<string> {
  const res = await post(`${app.url}${path}`, body, ALICE);
  expect(res.status).toBe(400);
  return ((await res.json()) as { message: string }).message;
}

describe('timeout', () => {
  it('ends an endless query with EXCEEDED_TIME_LIMIT, and Trino shows it failed', async () => {
    const events = await sse({ sql: ENDLESS, timeout: 1 });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'error', errorName: 'EXCEEDED_TIME_LIMIT' });
    expect(String(last.error)).toMatch(/maximum time limit of 1\.00s/);
    expect(await settledState(String(last.queryId))).toEqual({
      state: 'FAILED',
      errorCode: 'EXCEEDED_TIME_LIMIT',
    });
  });

  it('a query within its timeout completes', async () => {
    const events = await sse({ sql: 'SELECT 1 AS one', timeout: 30 });
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 1 });
  });

  it.each([0, 86401, 1.5, '10'])('timeout %j is a 400 naming it', async (timeout) => {
    for (const path of ['/query', '/query/download/csv', '/query/download/json'])
      expect(await badRequest(path, { sql: 'SELECT 1', timeout })).toMatch(/timeout/);
  });
});

describe('session', () => {
  it('an allowed property takes effect (SHOW SESSION sees it)', async () => {
    const events = await sse({
      sql: "SHOW SESSION LIKE 'join_distribution_type'",
      session: { join_distribution_type: 'BROADCAST' },
    });
    const row = events.find((e) => e.type === 'row')?.data as Record<string, unknown>;
    expect(row).toMatchObject({ Name: 'join_distribution_type', Value: 'BROADCAST' });
    // Nothing carries over to the next request.
    const plain = await sse({ sql: "SHOW SESSION LIKE 'join_distribution_type'" });
    const again = plain.find((e) => e.type === 'row')?.data as Record<string, unknown>;
    expect(again.Value).toBe(again.Default);
  });

  it('a property not allowed is a 400 naming it, on every endpoint', async () => {
    for (const path of ['/query', '/query/download/csv', '/query/download/json']) {
      expect(
        await badRequest(path, { sql: 'SELECT 1', session: { query_max_memory: '1GB' } }),
      ).toBe(
        'session property "query_max_memory" is not allowed (allowed: join_distribution_type, query_max_stage_count)',
      );
    }
  });

  it('a value that is not a plain literal is a 400', async () => {
    expect(
      await badRequest('/query', { sql: 'SELECT 1', session: { query_max_stage_count: [1] } }),
    ).toMatch(/session\.query_max_stage_count must be a string, number or boolean/);
    expect(await badRequest('/query', { sql: 'SELECT 1', session: 'x' })).toMatch(/session/);
  });

  it('a value Trino refuses is its error, like any failed query', async () => {
    const events = await sse({
      sql: 'SELECT 1',
      session: { join_distribution_type: 'SIDEWAYS' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'error' });
  });
});
