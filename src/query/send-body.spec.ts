import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { releaseWhenWritten, sendBody } from './send-body';

/** A server whose one route sends `body()` through sendBody; what it saw is recorded. */
function serve(body: () => Readable): {
  server: Server;
  aborts: Error[];
  rejections: unknown[];
  done: Promise<void>;
} {
  const aborts: Error[] = [];
  const rejections: unknown[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const server = createServer((_req, res) => {
    sendBody(res, { 'Content-Type': 'text/plain', 'X-Query-Id': 'q1' }, body(), (e) =>
      aborts.push(e),
    )
      .catch((e: unknown) => {
        rejections.push(e);
        res.statusCode = 500;
        res.end('failed before the head');
      })
      .finally(finish);
  });
  return { server, aborts, rejections, done };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The response's head, and its body or the error that cut it. */
function get(port: number): Promise<{ res: IncomingMessage; text: string; error?: Error }> {
  return new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1' }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ res, text }));
      res.on('error', (error) => resolve({ res, text, error }));
    })
      .on('error', reject)
      .end();
  });
}

describe('sendBody', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  it('sends the headers and every chunk, and releases each marked chunk once written', async () => {
    const released: string[] = [];
    const chunks = ['a', 'b', 'c'].map((t) =>
      releaseWhenWritten(Buffer.from(t.repeat(100_000)), () => released.push(t)),
    );
    const s = serve(() => Readable.from([...chunks, 'tail'], { objectMode: true }));
    server = s.server;
    const got = await get(await listen(server));
    await s.done;
    expect(got.res.statusCode).toBe(200);
    expect(got.res.headers['x-query-id']).toBe('q1');
    expect(got.text).toBe('a'.repeat(1e5) + 'b'.repeat(1e5) + 'c'.repeat(1e5) + 'tail');
    expect(released).toEqual(['a', 'b', 'c']);
    expect(s.aborts).toEqual([]);
  });

  it('releases nothing the socket has not taken while the client does not read', async () => {
    let made = 0;
    let released = 0;
    const body = new Readable({
      objectMode: true,
      highWaterMark: 1,
      read(): void {
        made++;
        this.push(releaseWhenWritten(Buffer.alloc(1 << 20, 120), () => released++));
      },
    });
    const s = serve(() => body);
    server = s.server;
    const port = await listen(server);
    const stalled = await new Promise<IncomingMessage>((resolve) =>
      request({ port, host: '127.0.0.1' }, resolve).end(),
    );
    stalled.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The kernel's buffers hold a few MiB at most; the pump waits for 'drain' after that.
    expect(made).toBeLessThan(40);
    expect(released).toBeLessThan(made);
    stalled.destroy();
    await s.done;
    expect(body.destroyed).toBe(true);
    expect(s.aborts).toEqual([]);
  });

  it('cuts the transfer when the body fails after its first chunk', async () => {
    const s = serve(() =>
      Readable.from(
        (async function* () {
          yield 'head\n';
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('query failed midway');
        })(),
        { objectMode: true },
      ),
    );
    server = s.server;
    const got = await get(await listen(server));
    await s.done;
    expect(got.res.statusCode).toBe(200);
    expect(got.text).toBe('head\n');
    expect(got.error?.message).toMatch(/aborted/);
    expect(s.aborts.map((e) => e.message)).toEqual(['query failed midway']);
  });

  it('rejects with nothing written when the body fails before its first chunk', async () => {
    const s = serve(() => new Readable({ read: () => undefined }).destroy(new Error('too early')));
    server = s.server;
    const got = await get(await listen(server));
    await s.done;
    expect(got.res.statusCode).toBe(500);
    expect(got.res.headers['x-query-id']).toBeUndefined();
    expect(got.text).toBe('failed before the head');
    expect(s.rejections).toEqual([new Error('too early')]);
  });

  it('destroys the body at once when the client left before it was handed over', async () => {
    const body = new Readable({ objectMode: true, read: () => undefined });
    body.push('head');
    let settled!: Promise<void>;
    server = createServer((req, res) => {
      req.socket.destroy();
      res.once('close', () => {
        settled = sendBody(res, {}, body, () => undefined);
      });
    });
    const port = await listen(server);
    await new Promise<void>((resolve) =>
      request({ port, host: '127.0.0.1' })
        .on('error', () => resolve())
        .end(),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settled;
    expect(body.destroyed).toBe(true);
  });
});
