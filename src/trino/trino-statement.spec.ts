import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/app-config';
import { TrinoClient } from './trino-client';
import { createPageConnections, createTrinoAgent } from './trino-http';

/**
 * FAKE Trino serving a fixed result in three pages, logging every request in order, so the
 * test can see when each page was asked for relative to what the reader took (the real one
 * cannot show request timing on demand).
 */
function threePages(first?: object): Promise<{ server: Server; url: string; log: string[] }> {
  const log: string[] = [];
  const columns = [{ name: 'x', type: 'bigint' }];
  let url = '';
  const pages: Record<string, object> = {
    '/v1/statement': { id: 'q', nextUri: `/p/1`, stats: { state: 'QUEUED' } },
    '/p/1': first ?? { id: 'q', nextUri: '/p/2', columns, data: [[1], [2]] },
    '/p/2': { id: 'q', nextUri: '/p/3', columns, data: [[9223372036854775807n]] },
    '/p/3': { id: 'q', columns, data: [[4]], stats: { state: 'FINISHED' } },
  };
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const page = pages[req.url ?? ''];
    if (!page || req.method === 'DELETE') return res.writeHead(204).end();
    const text = JSON.stringify(page, (_k, v: unknown) =>
      typeof v === 'bigint' ? `@${v}@` : typeof v === 'string' && v.startsWith('/p/') ? url + v : v,
    ).replace(/"@(\d+)@"/g, '$1');
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, url, log });
    }),
  );
}

describe('TrinoStatement', () => {
  let fake: Awaited<ReturnType<typeof threePages>>;
  let client: TrinoClient;
  beforeEach(async () => {
    fake = await threePages();
    const config = { trino: { url: fake.url, source: 'test', heartbeatMs: 60_000 } } as AppConfig;
    client = new TrinoClient(config, createTrinoAgent(config), createPageConnections(config));
  });
  afterEach(() => {
    fake.server.closeAllConnections();
    fake.server.close();
  });

  it('reads every row of every page in order, exactly', async () => {
    const statement = await client.submit('SELECT x', {
      user: 'alice',
      signal: new AbortController().signal,
    });
    const rows: unknown[] = [];
    for (let batch = await statement.nextValues(); batch; batch = await statement.nextValues())
      rows.push(...batch.map((r) => r[0]));
    expect(rows).toEqual([1, 2, 9223372036854775807n, 4]);
    expect(statement.done).toBe(true);
  });

  it('asks for the next page once the current one is being written, and no further', async () => {
    const statement = await client.submit('SELECT x', {
      user: 'alice',
      signal: new AbortController().signal,
    });
    expect((await statement.nextValues())?.length).toBe(2);
    // The page after is requested while page 1 is written; page 3 is not, yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.log).toEqual(['POST /v1/statement', 'GET /p/1', 'GET /p/2']);
    await statement.cancel();
    expect(fake.log).toEqual(['POST /v1/statement', 'GET /p/1', 'GET /p/2', 'DELETE /p/2']);
  });

  it('waits for the first answer after the submission, losing no row', async () => {
    const statement = await client.submit('SELECT x', {
      user: 'alice',
      signal: new AbortController().signal,
    });
    await statement.waitForDispatch();
    expect(fake.log.slice(0, 2)).toEqual(['POST /v1/statement', 'GET /p/1']);
    const rows: unknown[] = [];
    for (let batch = await statement.nextValues(); batch; batch = await statement.nextValues())
      rows.push(...batch.map((r) => r[0]));
    expect(rows).toEqual([1, 2, 9223372036854775807n, 4]);
  });

  it("throws Trino's refusal from the first answer (a full resource group)", async () => {
    fake.server.closeAllConnections();
    fake.server.close();
    const error = { message: 'Too many queued queries', errorName: 'QUERY_QUEUE_FULL' };
    fake = await threePages({ id: 'q', error, stats: { state: 'FAILED' } });
    const config = { trino: { url: fake.url, source: 'test', heartbeatMs: 60_000 } } as AppConfig;
    client = new TrinoClient(config, createTrinoAgent(config), createPageConnections(config));
    const statement = await client.submit('SELECT x', {
      user: 'alice',
      signal: new AbortController().signal,
    });
    await expect(statement.waitForDispatch()).rejects.toMatchObject({
      error: { errorName: 'QUERY_QUEUE_FULL' },
    });
    // The failure sticks: a body that reads on reports it, never a complete empty result.
    expect(statement.done).toBe(false);
    await expect(statement.nextRows()).rejects.toMatchObject({
      error: { errorName: 'QUERY_QUEUE_FULL' },
    });
  });
});
