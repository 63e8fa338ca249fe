import { join } from 'node:path';
import { ALICE } from './support/credentials';
import { post, readUntil } from './support/http';
import { startNginx, type RunningNginx } from './support/nginx';
import { once, spawnService, type ServiceProcess } from './support/service-process';
import { queryState } from './support/trino';
import { sleep, waitFor } from './support/wait';

// Three service processes behind the real nginx, configured by deploy/nginx/nginx.conf.
// Identity, as curl asks: what is measured here is routing, not compression (fetch would
// ask for gzip); compressed transfers cut midway are compression.e2e-spec.ts's.
const RUN = join(__dirname, '..', '.run', 'load-balancer');
const ORDERS = 'SELECT * FROM tpch.sf1.orders';
const ORDERS_ROWS = 1_500_000;

let replicas: ServiceProcess[] = [];
let nginx: RunningNginx;

beforeAll(async () => {
  replicas = await Promise.all(
    [0, 1, 2].map((i) => spawnService({ LOG_LEVEL: 'log' }, join(RUN, `replica-${i}.log`))),
  );
  nginx = await startNginx(replicas.map(address), join(RUN, 'nginx'));
});

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(replicas.map((r) => r.stop()));
});

/** The replica that served a response, from the test-only `X-Upstream` header. */
function servedBy(res: Response): ServiceProcess {
  const upstream = res.headers.get('x-upstream');
  const replica = replicas.find((r) => r.url === `http://${upstream}`);
  if (!replica) throw new Error(`no replica at ${upstream}`);
  return replica;
}

/** `host:port` of a replica, as nginx's upstream names it. */
const address = (r: ServiceProcess): string => r.url.replace('http://', '');

/** Waits until nginx routes a request to `replica` (health checks are cheap and idempotent). */
async function untilServedBy(replica: ServiceProcess): Promise<void> {
  const served = await waitFor(
    async () => {
      const res = await fetch(`${nginx.url}/health`, { dispatcher: once } as RequestInit);
      await res.arrayBuffer();
      return res.headers.get('x-upstream') === address(replica);
    },
    { everyMs: 50 },
  );
  if (!served) throw new Error(`nginx never routed to ${replica.url}`);
}

/** Reads a body to its end; resolves to the line ends in it, rejects when the transfer failed. */
async function lineEnds(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<number> {
  let lines = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return lines;
    for (const byte of value) if (byte === 10) lines++;
  }
}

describe('through nginx, in front of three replicas', () => {
  it('passes SSE rows on as they are produced, not at the end', async () => {
    const controller = new AbortController();
    const res = await post(`${nginx.url}/query`, { sql: ORDERS }, ALICE, controller.signal);
    expect(res.status).toBe(200);
    const queryId = res.headers.get('x-query-id')!;
    const first = await readUntil(res.body!.getReader(), '"type":"row"', 1);
    expect(first).toContain('"orderkey"');
    // The first row came through while Trino still runs the query: nothing waited for its end.
    expect((await queryState(queryId)).state).toBe('RUNNING');
    controller.abort();
  });

  it('fails the transfers of a replica killed mid-stream, and only those', async () => {
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(`${nginx.url}/query/download/csv`, { sql: ORDERS }, ALICE);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const read = (await readUntil(reader, '\r\n', 2)).split('\n').length - 1;
      streams.push({ replica: servedBy(res), reader, read });
    }
    const victim = streams[0].replica;
    await victim.stop(); // SIGKILL
    const outcomes = await Promise.all(
      streams.map(({ replica, reader, read }) =>
        lineEnds(reader).then(
          (rest) => ({ killed: replica === victim, rows: read + rest - 1 }),
          () => ({ killed: replica === victim, rows: 'failed' }),
        ),
      ),
    );
    // The killed replica's client sees its transfer fail, never a short file that ends well;
    // the others get every row.
    for (const o of outcomes) expect(o.rows).toBe(o.killed ? 'failed' : ORDERS_ROWS);
    const replaced = await spawnService(
      { PORT: victim.url.split(':').pop()! },
      join(RUN, 'replica-restarted.log'),
    );
    replicas[replicas.indexOf(victim)] = replaced;
  });

  it('rolls every replica while new queries run: none of them fails', async () => {
    // A bounded load: four clients of a short query and one of a longer one, each sending its
    // next query when the last one ended.
    const loads = [
      ...Array.from({ length: 4 }, () => ({ sql: 'SELECT * FROM tpch.tiny.orders', rows: 15_000 })),
      { sql: 'SELECT * FROM tpch.sf1.orders LIMIT 200000', rows: 200_000 },
    ];
    const LONG = { sql: 'SELECT * FROM tpch.sf1.orders LIMIT 600000', rows: 600_000 };
    interface Query {
      upstream: string;
      outcome?: 'complete' | 'failed' | 'short';
    }
    const admitted: Query[] = [];
    const inFlight = new Set<Query>();
    const refused: string[] = [];
    let rolling = true;
    // A connection per query: nginx's reload closes the idle ones its old worker holds, and a
    // query sent on one as it closes would fail between the client and nginx.
    const send = (sql: string, signal?: AbortSignal): Promise<Response | string> =>
      fetch(`${nginx.url}/query/download/csv`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ALICE },
        body: JSON.stringify({ sql }),
        dispatcher: once,
        signal,
      } as RequestInit).catch((e: unknown) => String(e));
    /** Reads an admitted query's CSV to its end and records how it ended. */
    const track = async (res: Response, rows: number): Promise<void> => {
      const q: Query = { upstream: `http://${res.headers.get('x-upstream')}` };
      admitted.push(q);
      inFlight.add(q);
      const text = await res.text().catch(() => undefined);
      if (text === undefined) q.outcome = 'failed';
      else q.outcome = text.split('\r\n').length - 2 === rows ? 'complete' : 'short';
      inFlight.delete(q);
    };
    const client = async ({ sql, rows }: { sql: string; rows: number }): Promise<void> => {
      while (rolling) {
        const res = await send(sql);
        if (typeof res !== 'string' && res.status === 200) await track(res, rows);
        else refused.push(typeof res === 'string' ? res : `${res.status} ${await res.text()}`);
      }
    };
    /**
     * Starts a longer stream on `replica`, so its drain has one to carry. The other replicas
     * leave the upstream for it: least_conn alone never picks a replica that carries more
     * queries than the others, which on a slow machine can last any number of tries. An old
     * nginx worker can still accept a connection for a moment after the reload (it learns of
     * it between events), so a query it routed elsewhere is dropped and sent again.
     */
    let resent = 0;
    const streamOn = async (replica: ServiceProcess): Promise<{ read: Promise<void> }> => {
      await nginx.route(replicas.filter((r) => r !== replica).map(address));
      const elsewhere: string[] = [];
      for (let i = 0; i < 100; i++) {
        const controller = new AbortController();
        const res = await send(LONG.sql, controller.signal);
        if (typeof res === 'string' || res.status !== 200) {
          throw new Error(`the pinned query failed: ${typeof res === 'string' ? res : res.status}`);
        }
        if (res.headers.get('x-upstream') === address(replica)) {
          return { read: track(res, LONG.rows) };
        }
        elsewhere.push(`${res.headers.get('x-upstream')} (conf ${res.headers.get('x-conf')})`);
        resent++;
        controller.abort();
        await sleep(50);
      }
      throw new Error(`nginx never gave ${replica.url} a stream: ${elsewhere.join(', ')}`);
    };
    const clients = loads.map(client);
    const perRestart: Query[][] = [];
    const pinned: Promise<void>[] = [];
    for (const [i, old] of replicas.entries()) {
      pinned.push((await streamOn(old)).read);
      // A rollout's order: the endpoint leaves the proxy first (Kubernetes does it while the
      // preStop hook sleeps), then the pod gets SIGTERM. A connection still queued in the
      // listener when it closes would be reset by the kernel with the query already sent.
      await nginx.route([address(old)]);
      // The streams this replica is serving when it is told to stop (nginx's old worker
      // carries them on after the reload).
      perRestart.push([...inFlight].filter((q) => q.upstream === old.url));
      const exited = new Promise((resolve) => old.child.once('exit', resolve));
      old.child.kill('SIGTERM');
      await exited;
      const port = old.url.split(':').pop()!;
      replicas[i] = await spawnService(
        { PORT: port, LOG_LEVEL: 'log' },
        join(RUN, `replica-${i}-rolled.log`),
      );
      // As a rollout waits for the new pod to be ready: the next replica goes only once nginx
      // sends the restarted one traffic again.
      await nginx.route([]);
      await untilServedBy(replicas[i]);
    }
    rolling = false;
    await Promise.all([...clients, ...pinned]);
    const count = (qs: Query[], o: Query['outcome']) => qs.filter((q) => q.outcome === o).length;
    console.log(
      `rolling restart of 3 replicas: ${admitted.length} queries admitted, ` +
        `${count(admitted, 'complete')} complete, ${count(admitted, 'failed')} ended visibly ` +
        `failed, ${refused.length} refused, ${resent} pinned queries sent again; in flight on the replica at each SIGTERM (finished/failed): ` +
        perRestart.map((qs) => `${count(qs, 'complete')}/${count(qs, 'failed')}`).join(', '),
    );
    expect(refused).toEqual([]);
    // Each drain had a stream to carry, and ended each one complete or visibly failed.
    for (const qs of perRestart) expect(qs.length).toBeGreaterThan(0);
    // Never a short file that ends as if it were whole.
    expect(count(admitted, 'short')).toBe(0);
    expect(count(admitted, 'complete')).toBeGreaterThan(0);
  });
});
