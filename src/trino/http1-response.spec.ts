import { BlockPool, BlockSink, BLOCK_BYTES } from './block-pool';
import { Http1Response, HttpParseError } from './http1-response';

const BODY = '{"id":"q","data":[[1],["a\\r\\nb"]]}';

function chunked(body: string, size: number): string {
  let out = '';
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    out += `${Buffer.byteLength(part).toString(16)};ext=1\r\n${part}\r\n`;
  }
  return `${out}0\r\nx-trailer: 1\r\n\r\n`;
}

const RESPONSES: Record<string, string> = {
  length: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
  chunked: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(BODY, 7)}`,
};

/** Feeds `text` cut at `cuts`, as socket reads would; returns the body and the parser. */
function parse(text: string, cuts: number[]): { body: string; res: Http1Response; rest: number } {
  const sink = new BlockSink(new BlockPool());
  const res = new Http1Response(sink);
  const b = Buffer.from(text, 'latin1');
  let rest = 0;
  let from = 0;
  for (const to of [...cuts, b.length]) {
    // Each read lands in a buffer whose bytes past the read are stale, as in the reused one.
    const read = Buffer.alloc(b.length + 8, '\r\n\r\n');
    b.copy(read, 0, from, to);
    const at = res.feed(read, 0, to - from);
    rest += to - from - at;
    from = to;
  }
  return { body: Buffer.concat(sink.chunks()).toString('latin1'), res, rest };
}

describe('Http1Response', () => {
  for (const [name, text] of Object.entries(RESPONSES)) {
    it(`reads a ${name} body split at every offset, and at every pair of offsets`, () => {
      for (let i = 0; i <= text.length; i++) {
        const { body, res } = parse(text, [i]);
        expect({ i, body, done: res.done, status: res.status, keepAlive: res.keepAlive }).toEqual({
          i,
          body: BODY,
          done: true,
          status: 200,
          keepAlive: true,
        });
      }
      for (let i = 1; i < text.length; i += 3)
        for (let j = i; j < text.length; j += 5) expect(parse(text, [i, j]).body).toBe(BODY);
    });
  }

  it('reads a body that ends with the connection, and a status without a body', () => {
    const close = parse(`HTTP/1.1 503 Busy\r\nConnection: close\r\n\r\n${BODY}`, [10, 40]);
    expect(close.res.done).toBe(false);
    expect(close.res.endsWithClose).toBe(true);
    close.res.end();
    expect([close.res.done, close.res.status, close.res.keepAlive, close.body]).toEqual([
      true,
      503,
      false,
      BODY,
    ]);
    const empty = parse('HTTP/1.1 204 No Content\r\n\r\n', []);
    expect([empty.res.done, empty.res.status, empty.body]).toEqual([true, 204, '']);
  });

  it('stops at the end of the response and says how much was left over', () => {
    const { rest, res } = parse(`${RESPONSES.length}HTTP/1.1 200 OK\r\n`, []);
    expect(res.done).toBe(true);
    expect(rest).toBe('HTTP/1.1 200 OK\r\n'.length);
  });

  it('honours Connection: close and HTTP/1.0', () => {
    const closing = RESPONSES.length.replace(
      '\r\n\r\n',
      '\r\nConnection: keep-alive, close\r\n\r\n',
    );
    expect(parse(closing, []).res.keepAlive).toBe(false);
    expect(parse(RESPONSES.length.replace('HTTP/1.1', 'HTTP/1.0'), []).res.keepAlive).toBe(false);
  });

  it('copies a body larger than a block into several, in order', () => {
    const big = 'x'.repeat(BLOCK_BYTES * 2 + 17);
    const text = `HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`;
    const { body } = parse(text, [100, BLOCK_BYTES + 3]);
    expect(body).toBe(big);
  });

  it.each([
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    [
      'a chunk not ended by CRLF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n',
    ],
    ['a header line without a name', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n'],
    ['an interim answer', 'HTTP/1.1 100 Continue\r\n\r\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => parse(text, [])).toThrow(HttpParseError);
  });

  it('refuses a head that never ends', () => {
    const text = `HTTP/1.1 200 OK\r\n${'x-a: b\r\n'.repeat(10_000)}`;
    expect(() => parse(text, [])).toThrow(/head too long/);
  });
});
