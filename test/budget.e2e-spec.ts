import { randomUUID } from 'node:crypto';
import { appForSuite, type RunningApp } from './support/app';
import { ALICE, BOB } from './support/credentials';
import { post } from './support/http';
import { settledState, trinoRows } from './support/trino';
import { waitFor } from './support/wait';

const CAP = 3;
const PATHS = ['/query', '/query/download/csv', '/query/download/json'];

/** How often Trino has seen a query whose text holds `marker` (the probe's own text excluded). */
async function seenByTrino(marker: string): Promise<number> {
  const rows = await trinoRows(
    `SELECT count(*) FROM system.runtime.queries WHERE strpos(query, '${marker}') > 0 AND strpos(query, 'system.runtime') = 0`,
  );
  return Number(rows[0][0]);
}

/** Waits until the streams of an earlier test have ended and given their slots back. */
async function noStreamsInFlight(svc: RunningApp): Promise<void> {
  const none = await waitFor(async () => {
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    const open = [...metrics.matchAll(/^trino_stream_streams_in_flight\{[^}]*\} (\d+)$/gm)];
    return open.every((m) => m[1] === '0');
  });
  if (!none) throw new Error('streams of an earlier test still in flight');
}

/**
 * The replica's stream cap (its memory budget): past it a new query is refused at once with a
 * 503 and Retry-After, before Trino sees it; the replica stays ready, and /metrics counts it.
 */
describe('the memory budget: QUERY_MAX_CONCURRENT', () => {
  const svc = appForSuite({
    QUERY_MAX_CONCURRENT: String(CAP),
    QUERY_MAX_CONCURRENT_PER_USER: '50',
  });

  it('refuses a query past the cap on every endpoint with 503, stays ready, and admits again once a stream ends', async () => {
    const readers = Array.from({ length: CAP }, () => new AbortController());
    // Long streams nobody reads: each holds its slot for as long as the test needs.
    const open = await Promise.all(
      readers.map((r, i) =>
        post(
          `${svc.url}${PATHS[i]}`,
          { sql: 'SELECT * FROM tpch.sf1.lineitem' },
          i % 2 ? ALICE : BOB,
          r.signal,
        ),
      ),
    );
    expect(open.map((r) => r.status)).toEqual(Array(CAP).fill(200));
    const marker = `budget-${randomUUID()}`;
    try {
      for (const path of PATHS) {
        const res = await post(`${svc.url}${path}`, { sql: `SELECT '${marker}'` }, ALICE);
        expect([path, res.status]).toEqual([path, 503]);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(await res.json()).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          errorName: 'REPLICA_FULL',
          message: `this replica is at its limit of ${CAP} queries in flight; retry shortly`,
        });
      }
      expect((await fetch(`${svc.url}/health/ready`)).status).toBe(200);
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toContain(`trino_stream_max_concurrent_streams ${CAP}`);
      expect(metrics).toContain(
        `trino_stream_queries_refused_total{reason="replica_full"} ${PATHS.length}`,
      );
      expect(await seenByTrino(marker)).toBe(0);
    } finally {
      readers[0].abort();
    }
    // One stream ends (its reader left): its query ends in Trino and its slot comes back.
    expect((await settledState(open[0].headers.get('x-query-id')!, 10_000)).state).toBe('FAILED');
    const again = await waitFor(
      async () => {
        const res = await post(
          `${svc.url}/query/download/csv`,
          { sql: `SELECT '${marker}'` },
          ALICE,
        );
        if (res.status === 200) return res;
        await res.arrayBuffer();
      },
      { timeoutMs: 5000 },
    );
    expect(again?.status).toBe(200);
    expect(await again!.text()).toBe(`_col0\r\n${marker}\r\n`);
    readers.forEach((r) => r.abort());
  });

  it('counts a compressed download as two slots of the cap', async () => {
    await noStreamsInFlight(svc);
    const readers = [new AbortController(), new AbortController()];
    const long = { sql: 'SELECT * FROM tpch.sf1.lineitem' };
    const gzip = { ...ALICE, 'accept-encoding': 'gzip' };
    try {
      const compressed = await post(`${svc.url}/query/download/csv`, long, gzip, readers[0].signal);
      const plain = await post(`${svc.url}/query`, long, BOB, readers[1].signal);
      expect([compressed.status, plain.status]).toEqual([200, 200]);
      expect(compressed.headers.get('content-encoding')).toBe('gzip');
      // 2 + 1 slots taken of 3: one more stream of any kind is refused.
      const refused = await post(`${svc.url}/query`, { sql: 'SELECT 1' }, ALICE);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ errorName: 'REPLICA_FULL' });
    } finally {
      readers.forEach((r) => r.abort());
    }
  });
});
