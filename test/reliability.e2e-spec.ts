import { startApp, type RunningApp } from './support/app';
import { ALICE } from './support/credentials';
import { TRINO_URL } from './support/env';
import { FaultProxy } from './support/fault-proxy';
import { parseSse, post } from './support/http';
import { settledState, trinoRows } from './support/trino';
import { sleep, waitFor } from './support/wait';

describe('faults between the service and Trino (through a FAKE fault proxy)', () => {
  let proxy: FaultProxy;
  let svc: RunningApp;
  beforeAll(async () => {
    proxy = new FaultProxy(TRINO_URL);
    await proxy.start();
    svc = await startApp({ TRINO_URL: proxy.url, SSE_KEEP_ALIVE_SECONDS: '1' });
  });
  afterAll(async () => {
    await svc.close();
    await proxy.stop();
  });

  it('retries 503s on the same nextUri and delivers every row exactly once', async () => {
    proxy.failNext(3, 503);
    const res = await post(
      `${svc.url}/query`,
      { sql: 'SELECT nationkey FROM tpch.tiny.nation ORDER BY nationkey' },
      ALICE,
    );
    const events = parseSse(await res.text());
    const keys = events
      .filter((e) => e.type === 'row')
      .map((e) => (e.data as { nationkey: number }).nationkey);
    expect(keys).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 25 });
  });

  it('keeps the SSE stream alive with comments while a page is stalled, then delivers it', async () => {
    proxy.stallNextPage(3500);
    const started = Date.now();
    const res = await post(`${svc.url}/query`, { sql: 'SELECT * FROM tpch.tiny.region' }, ALICE);
    const text = await res.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
    expect(text.split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(2);
    expect(parseSse(text).filter((e) => e.type === 'row')).toHaveLength(5);
  });

  it('does not poll Trino faster than a reader that reads nothing', async () => {
    const controller = new AbortController();
    const res = await post(
      `${svc.url}/query/download/csv`,
      { sql: 'SELECT * FROM tpch.sf1.lineitem' },
      ALICE,
      controller.signal,
    );
    const queryId = res.headers.get('x-query-id')!;
    // With no one reading, the kernel's socket buffers (a few MB on loopback) and the
    // stream's buffer fill up first; after that the service must stop pulling pages. How
    // long the filling takes depends on the machine's load, so wait until the count holds
    // still for a moment (an unbounded poller never would, and fails below).
    let seen = -1;
    await waitFor(
      () => {
        const still = proxy.statementRequests === seen;
        seen = proxy.statementRequests;
        return still;
      },
      { timeoutMs: 45_000, everyMs: 1500 },
    );
    const before = proxy.statementRequests;
    await sleep(3000); // the window in which no page may be requested
    expect(proxy.statementRequests - before).toBe(0);
    const state = await settledState(queryId, 100);
    expect(state.state).toBe('RUNNING');
    controller.abort();
    expect(await settledState(queryId, 3000)).toEqual({
      state: 'FAILED',
      errorCode: 'USER_CANCELED',
    });
  });

  it('a client that leaves before the head (Trino still answering) frees its slot and cancels the query', async () => {
    const limited = await startApp({ TRINO_URL: proxy.url, QUERY_MAX_CONCURRENT_PER_USER: '1' });
    try {
      const marker = `early-leave-${Date.now()}`;
      proxy.stallNextAnswer(3000);
      const controller = new AbortController();
      const pending = fetch(`${limited.url}/query/download/csv`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ALICE },
        body: JSON.stringify({ sql: `SELECT * FROM tpch.sf1.lineitem -- ${marker}` }),
        signal: controller.signal,
      });
      // Leave once the service has submitted the query and waits for its stalled answer.
      await waitFor(
        async () =>
          (
            await trinoRows(
              `SELECT query_id FROM system.runtime.queries WHERE query LIKE '%${marker}' AND query LIKE 'SELECT *%'`,
            )
          ).length > 0,
        { everyMs: 50 },
      );
      controller.abort();
      await expect(pending).rejects.toThrow();
      const rows = await trinoRows(
        `SELECT query_id FROM system.runtime.queries WHERE query LIKE '%${marker}' AND query LIKE 'SELECT *%'`,
      );
      expect(rows).toHaveLength(1);
      expect(await settledState(String(rows[0][0]), 6000)).toEqual({
        state: 'FAILED',
        errorCode: 'USER_CANCELED',
      });
      // The only slot is free again: a second query is not refused with 429.
      const next = await post(`${limited.url}/query`, { sql: 'SELECT 1 AS x' }, ALICE);
      expect(next.status).toBe(200);
      expect(parseSse(await next.text()).at(-1)).toMatchObject({ type: 'complete', rowCount: 1 });
    } finally {
      await limited.close();
    }
  });

  it('keeps a stalled query alive in Trino with heartbeats that repeat the last page, losing no row', async () => {
    const beating = await startApp({ TRINO_URL: proxy.url, TRINO_HEARTBEAT_SECONDS: '1' });
    try {
      const res = await fetch(`${beating.url}/query/download/csv`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ALICE },
        body: JSON.stringify({ sql: 'SELECT orderkey, comment FROM tpch.sf1.orders' }),
      });
      // The buffers fill and the service stops pulling: its first heartbeat repeats a page.
      await waitFor(
        () => {
          const gets = proxy.statementGets;
          return gets.length >= 2 && gets.at(-1) === gets.at(-2);
        },
        { timeoutMs: 30_000 },
      );
      const from = proxy.statementGets.length;
      await sleep(4000); // the window in which only heartbeats may arrive
      const during = proxy.statementGets.slice(from);
      // Heartbeats while nobody reads: requests keep coming, all for one page (no advance).
      expect(during.length).toBeGreaterThanOrEqual(2);
      expect(new Set(during).size).toBe(1);
      const text = await res.text();
      expect(text.split('\r\n').length - 2).toBe(1_500_000);
    } finally {
      await beating.close();
    }
  });
});
