import { join } from 'node:path';
import { ALICE, basic, BOB } from './support/credentials';
import { USERS } from './support/env';
import { post, readUntil } from './support/http';
import { spawnService, type ServiceProcess } from './support/service-process';
import { queryState, settledState } from './support/trino';

// Three service processes on the one dev Trino, as an operator runs replicas: they share
// nothing but Trino. Cancels and the per-user limit must hold across them.
/** The dev Trinos' resource groups admit two of erin's queries at a time (docs/replicas.md). */
const ERIN = basic('erin', USERS.erin);
const ERIN_LIMIT = 2;
const BIG = 'SELECT * FROM tpch.sf1.lineitem';
const LOGS = join(__dirname, '..', '.run', 'replicas');

let replicas: ServiceProcess[] = [];

beforeAll(async () => {
  replicas = await Promise.all(
    ['a', 'b', 'c'].map((name) => spawnService({}, join(LOGS, `${name}.log`))),
  );
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
});

function cancel(on: ServiceProcess, queryId: string, auth: Record<string, string>) {
  return fetch(`${on.url}/query/${queryId}`, { method: 'DELETE', headers: auth });
}

/** An SSE stream of BIG on `on`, read until its first rows: the query runs in Trino. */
async function openStream(on: ServiceProcess, auth: Record<string, string>) {
  const controller = new AbortController();
  const res = await post(`${on.url}/query`, { sql: BIG }, auth, controller.signal);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  await readUntil(reader, '"type":"row"', 3);
  return { queryId: res.headers.get('x-query-id')!, reader, controller };
}

describe('replicas that share nothing but Trino', () => {
  it('cancels a query from any replica; only its owner may, and bad ids say why', async () => {
    const [a, b, c] = replicas;
    const { queryId, reader } = await openStream(a, ALICE);

    const other = await cancel(c, queryId, BOB);
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ message: 'the query belongs to another user' });
    expect((await queryState(queryId)).state).toBe('RUNNING');

    const unknown = await cancel(b, '20200101_000000_00000_xxxxx', ALICE);
    expect(unknown.status).toBe(404);
    const malformed = await cancel(b, 'not-a-query', ALICE);
    expect(malformed.status).toBe(400);
    const problem = (await malformed.json()) as { message: string };
    expect(problem.message).toContain('queryId must be a Trino query id');

    const sent = performance.now();
    const own = await cancel(b, queryId, ALICE);
    expect(own.status).toBe(204);
    const answered = performance.now() - sent;
    const rest = await readUntil(reader, '"type":"error"', 1);
    const latency = performance.now() - sent;
    expect(rest).toContain('"errorName":"USER_CANCELED"');
    expect(await settledState(queryId, 3000)).toEqual({
      state: 'FAILED',
      errorCode: 'USER_CANCELED',
    });
    console.log(
      `cancel across replicas: B answered 204 in ${answered.toFixed(0)} ms; ` +
        `the error event reached A's reader ${latency.toFixed(0)} ms after the DELETE`,
    );
  });

  it("holds one user's limit across replicas, in Trino's resource groups", async () => {
    const [a, b, c] = replicas;
    // The limit's worth of queries, spread over two replicas; one more, on the third.
    const open = [];
    for (let i = 0; i < ERIN_LIMIT; i++) open.push(await openStream(i % 2 === 0 ? a : b, ERIN));
    try {
      const refused = await post(`${c.url}/query`, { sql: BIG }, ERIN);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ errorName: 'QUERY_QUEUE_FULL' });

      // One ends (its reader leaves, the service cancels it): there is room for one again,
      // and only one.
      const [ended] = open.splice(0, 1);
      ended.controller.abort();
      expect((await settledState(ended.queryId, 3000)).state).toBe('FAILED');
      open.push(await openStream(c, ERIN));
      const again = await post(`${a.url}/query`, { sql: BIG }, ERIN);
      expect(again.status).toBe(429);
    } finally {
      for (const s of open) s.controller.abort();
    }
  });

  it('leaves Trino to end the query of a replica killed mid-stream', async () => {
    const a = replicas[0];
    const { queryId } = await openStream(a, ALICE);
    await a.stop(); // SIGKILL: nothing is cancelled by the replica itself
    const killed = performance.now();
    // The dev Trinos' query.client.timeout is 30 s; Trino checks about once a second.
    const state = await settledState(queryId, 60_000);
    const after = (performance.now() - killed) / 1000;
    expect(state).toEqual({ state: 'FAILED', errorCode: 'ABANDONED_QUERY' });
    console.log(`orphaned query ended by Trino ${after.toFixed(1)} s after its replica was killed`);
  }, 90_000);
});
