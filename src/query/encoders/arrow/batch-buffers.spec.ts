import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { sendBody } from '../../send-body';
import { BatchBuffers } from './batch-buffers';

/** Sends `chunks` through sendBody to a real client; resolves with what the client read. */
async function sendThroughSocket(chunks: Buffer[]): Promise<Buffer> {
  const server: Server = createServer((_req, res) => {
    void sendBody(res, {}, Readable.from(chunks, { objectMode: true }), () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      get({ port, host: '127.0.0.1' }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts)));
      }).on('error', reject),
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('BatchBuffers', () => {
  it('hands out fresh memory while every earlier buffer is still unwritten', () => {
    const pool = new BatchBuffers();
    const a = pool.take(1000);
    const b = pool.take(1000);
    expect(a.length).toBe(1000);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('fills a buffer again once the socket has written it, and the bytes sent stay intact', async () => {
    const pool = new BatchBuffers();
    const a = pool.take(50_000).fill(1);
    const b = pool.take(60_000).fill(2);
    const read = await sendThroughSocket([a, b]);
    expect(read.equals(Buffer.concat([Buffer.alloc(50_000, 1), Buffer.alloc(60_000, 2)]))).toBe(
      true,
    );
    const reused = [pool.take(40_000).buffer, pool.take(40_000).buffer];
    expect(reused).toEqual(expect.arrayContaining([a.buffer, b.buffer]));
    expect(pool.take(40_000).buffer).not.toBe(a.buffer);
  });

  it('does not give back a written buffer too small for the batch asked for', async () => {
    const pool = new BatchBuffers();
    const a = pool.take(1000);
    await sendThroughSocket([a]);
    const big = pool.take(100_000);
    expect(big.length).toBe(100_000);
    expect(big.buffer).not.toBe(a.buffer);
  });
});
