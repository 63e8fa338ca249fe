import type { Socket } from 'node:net';
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { parseSse, post } from './support/http';
import { firstBody, rawExchange } from './support/raw-http';
import { queryState } from './support/trino';
import { sleep } from './support/wait';

const AUTH = `Authorization: ${ALICE.authorization}`;
// Short limits so the test is quick; the defaults are 10 s and 30 s.
const HEADERS_TIMEOUT_S = 1;
const REQUEST_TIMEOUT_S = 3;

const svc = appForSuite({
  HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_S),
  HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_S),
});

/** Writes `bytes` one at a time, 100 ms apart, until done or the socket closes; counts what went out. */
function trickle(socket: Socket, bytes: string, sent: { count: number }): void {
  const timer = setInterval(() => {
    if (sent.count >= bytes.length || socket.destroyed || !socket.writable) {
      clearInterval(timer);
      return;
    }
    socket.write(bytes[sent.count++]);
  }, 100);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients are cut off; slow responses are not', () => {
  it('a head sent a byte at a time gets a JSON 408 and is closed before it is complete', async () => {
    // About 25 s to send at this pace, against a 1 s head limit.
    const head = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(200)}\r\n\r\n`;
    const sent = { count: 0 };
    const res = await rawExchange(svc.url, (s) => trickle(s, head, sent), 20_000);
    expect(res.closedByServer).toBe(true);
    expect(res.statuses).toEqual([408]);
    expect(firstBody(res.text)).toMatchObject({ statusCode: 408 });
    expect(sent.count).toBeLessThan(head.length);
  });

  it('a body sent a byte at a time gets a 408 and is closed before it is complete', async () => {
    const body = JSON.stringify({ sql: `SELECT '${'a'.repeat(300)}' AS x` });
    const head = [
      'POST /query HTTP/1.1',
      'Host: 127.0.0.1',
      AUTH,
      'Content-Type: application/json',
      `Content-Length: ${body.length}`,
      '',
      '',
    ].join('\r\n');
    const sent = { count: 0 };
    const res = await rawExchange(
      svc.url,
      (s) => {
        s.write(head);
        trickle(s, body, sent);
      },
      20_000,
    );
    expect(res.closedByServer).toBe(true);
    expect(res.statuses).toEqual([408]);
    expect(sent.count).toBeLessThan(body.length);
  });

  it('a connection that sends nothing is closed with a 408', async () => {
    const res = await rawExchange(svc.url, () => undefined, 10_000);
    expect(res.closedByServer).toBe(true);
    expect(res.statuses).toEqual([408]);
  });

  it('a body that arrives after the head limit but within the request limit is served', async () => {
    const body = JSON.stringify({ sql: 'SELECT 1 AS x' });
    const half = Math.floor(body.length / 2);
    const head = [
      'POST /query/download/json HTTP/1.1',
      'Host: 127.0.0.1',
      AUTH,
      'Content-Type: application/json',
      `Content-Length: ${body.length}`,
      'Connection: close',
      '',
      '',
    ].join('\r\n');
    const res = await rawExchange(
      svc.url,
      (s) => {
        s.write(head + body.slice(0, half));
        setTimeout(() => s.write(body.slice(half)), HEADERS_TIMEOUT_S * 1000 + 500);
      },
      15_000,
    );
    expect(res.statuses).toEqual([200]);
    // The body is chunked; the row is one chunk.
    expect(res.text).toContain('{"x":1}');
  });

  it('a response stream outlives the request limit: held by a reader for longer, it still completes', async () => {
    const res = await post(`${svc.url}/query`, { sql: 'SELECT * FROM tpch.tiny.lineitem' }, ALICE);
    expect(res.status).toBe(200);
    const queryId = res.headers.get('x-query-id')!;
    // Read nothing for longer than the request limit plus Node's checking interval; 20 MB of
    // events cannot fit in the socket buffers, so the stream is still being written.
    await sleep((REQUEST_TIMEOUT_S + 2) * 1000);
    // FINISHING: Trino has computed everything but the service has not fetched it all yet.
    expect(['RUNNING', 'FINISHING']).toContain((await queryState(queryId)).state);
    const events = parseSse(await res.text());
    expect(events.filter((e) => e.type === 'row')).toHaveLength(60175);
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 60175, truncated: false });
  });
});
