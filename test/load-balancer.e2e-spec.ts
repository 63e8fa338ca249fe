import { join } from 'node:path';
import { basic } from './support/credentials';
import { USERS } from './support/env';
import { post, readUntil } from './support/http';
import { startNginx, type RunningNginx } from './support/nginx';
import { spawnService, type ServiceProcess } from './support/service-process';
import { queryState } from './support/trino';

// Three service processes behind the real nginx, configured by deploy/nginx/nginx.conf.
const ALICE = basic('alice', USERS.alice);
const RUN = join(__dirname, '..', '.run', 'load-balancer');
const ORDERS = 'SELECT * FROM tpch.sf1.orders';
const ORDERS_ROWS = 1_500_000;

let replicas: ServiceProcess[] = [];
let nginx: RunningNginx;

beforeAll(async () => {
  replicas = await Promise.all(
    [0, 1, 2].map((i) => spawnService({ LOG_LEVEL: 'log' }, join(RUN, `replica-${i}.log`))),
  );
  nginx = await startNginx(
    replicas.map((r) => r.url.replace('http://', '')),
    join(RUN, 'nginx'),
  );
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
});
