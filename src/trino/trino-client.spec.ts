import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/app-config';
import { TrinoClient, TrinoUnavailableError } from './trino-client';
import { createPageConnections, createTrinoAgent } from './trino-http';

const PAGE = JSON.stringify({
  id: 'q1',
  columns: [{ name: 'x', type: 'integer', typeSignature: { rawType: 'integer', arguments: [] } }],
  data: [[1], [2]],
  stats: { state: 'FINISHED' },
});

/**
 * FAKE Trino for a fault the real one shows only by chance: the connection dies while a page
 * body is on the wire (Trino killed mid-answer). `cutFirst` answers are cut after the head and
 * part of the body; later ones are whole.
 */
function cuttingServer(
  cutFirst: number,
): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    if (hits <= cutFirst) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': PAGE.length });
      res.write(PAGE.slice(0, 20), () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(PAGE);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, hits: () => hits });
    }),
  );
}

const config = (url: string): AppConfig =>
  ({ trino: { url, source: 'test', heartbeatMs: 60_000 } }) as AppConfig;
const options = { user: 'alice', signal: new AbortController().signal };

describe('TrinoClient when the connection dies during a page body', () => {
  let fake: Awaited<ReturnType<typeof cuttingServer>> | undefined;
  afterEach(() => {
    fake?.server.closeAllConnections();
    fake?.server.close();
  });

  it('retries the page GET (idempotent) and returns the whole page', async () => {
    fake = await cuttingServer(2);
    const client = new TrinoClient(
      config(fake.url),
      createTrinoAgent(config(fake.url)),
      createPageConnections(config(fake.url)),
    );
    const page = await client.get(`${fake.url}/v1/statement/executing/q1/x/1`, options);
    expect(Buffer.concat(page.chunks).toString('utf8')).toBe(PAGE);
    expect(fake.hits()).toBe(3);
  });

  it('reports Trino unavailable, not an internal error, when it keeps dying', async () => {
    fake = await cuttingServer(100);
    const client = new TrinoClient(
      config(fake.url),
      createTrinoAgent(config(fake.url)),
      createPageConnections(config(fake.url)),
    );
    await expect(
      client.get(`${fake.url}/v1/statement/executing/q1/x/1`, options),
    ).rejects.toBeInstanceOf(TrinoUnavailableError);
  }, 20_000);
});
