import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BlockPool, BLOCK_BYTES } from './block-pool';
import { PageConnections } from './page-connections';

/**
 * A plain Node HTTP server standing in for Trino's HTTP layer: these tests are about HTTP/1.1
 * framing and connection reuse, which the real Trino shows only by chance (an idle connection
 * it closes at the moment one is reused).
 */
async function server(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const s = createServer(handler);
  s.on('connection', (c: Socket) => sockets.add(c));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, sockets };
}

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('PageConnections', () => {
  let fake: Awaited<ReturnType<typeof server>> | undefined;
  let pages: PageConnections;
  beforeEach(() => {
    pages = new PageConnections(new BlockPool());
  });
  afterEach(() => {
    pages.close();
    fake?.server.closeAllConnections();
    fake?.server.close();
  });

  it('reads chunked and sized bodies over one kept connection, with the headers sent', async () => {
    const big = 'é'.repeat(BLOCK_BYTES);
    fake = await server((req, res) => {
      if (req.url === '/sized') res.writeHead(200, { 'content-length': 5 }).end('hello');
      else res.writeHead(200).end(`${String(req.headers['x-trino-user'])}:${big}`);
    });
    const signal = new AbortController().signal;
    const a = await pages.get(`${fake.url}/sized`, {}, signal);
    const b = await pages.get(`${fake.url}/chunked?x=1`, { 'x-trino-user': 'alice' }, signal);
    expect([a.status, text(a.chunks)]).toEqual([200, 'hello']);
    expect(text(b.chunks)).toBe(`alice:${big}`);
    expect(b.blocks.length).toBe(3);
    expect(fake.sockets.size).toBe(1);
  });

  it('reuses one connection for many GETs without piling up listeners on it', async () => {
    fake = await server((_req, res) => res.writeHead(200, { 'content-length': 1 }).end('x'));
    for (let i = 0; i < 30; i++)
      await pages.get(`${fake.url}/${i}`, {}, new AbortController().signal);
    const [socket] = pages.idleSockets;
    expect(pages.idleSockets.length).toBe(1);
    expect(socket.listenerCount('timeout')).toBeLessThanOrEqual(1);
    expect(socket.listenerCount('close')).toBeLessThanOrEqual(2);
    expect(fake.sockets.size).toBe(1);
  });

  it('sends a GET again on a new connection when a kept one was closed by the server', async () => {
    let hits = 0;
    fake = await server((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-length': 2 }).end('ok');
    });
    const signal = new AbortController().signal;
    await pages.get(`${fake.url}/a`, {}, signal);
    // The server drops the kept connection just as it is reused.
    for (const s of fake.sockets) s.destroy();
    const again = await pages.get(`${fake.url}/b`, {}, signal);
    expect(text(again.chunks)).toBe('ok');
    expect(hits).toBe(2);
  });

  it('rejects with a connection error code when the answer is cut, and with the reason when aborted', async () => {
    fake = await server((req, res) => {
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': 100 });
        res.write('partial', () => res.socket?.destroy());
      }
      // '/slow' never answers.
    });
    const signal = new AbortController().signal;
    await expect(pages.get(`${fake.url}/cut`, {}, signal)).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    const controller = new AbortController();
    const pending = pages.get(`${fake.url}/slow`, {}, controller.signal);
    controller.abort(new Error('client left'));
    await expect(pending).rejects.toThrow('client left');
  });

  it('refuses a header value undici would refuse, before sending anything', async () => {
    fake = await server((_req, res) => res.end());
    await expect(
      pages.get(`${fake.url}/`, { 'x-trino-user': 'a\r\nb' }, new AbortController().signal),
    ).rejects.toMatchObject({ code: 'UND_ERR_INVALID_ARG' });
    expect(fake.sockets.size).toBe(0);
  });

  it('reports a refused connection by its code', async () => {
    fake = await server((_req, res) => res.end());
    const url = fake.url;
    fake.server.close();
    await expect(pages.get(`${url}/`, {}, new AbortController().signal)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('BlockPool', () => {
  it('hands given blocks out again, and keeps no more than it was told to', () => {
    const pool = new BlockPool(2);
    const blocks = [pool.take(), pool.take(), pool.take()];
    pool.give(blocks);
    expect(pool.size).toBe(2);
    expect(blocks).toContain(pool.take());
    pool.give([Buffer.alloc(10)]);
    expect(pool.size).toBe(1);
  });
});
