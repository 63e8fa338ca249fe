import { randomUUID } from 'node:crypto';
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { firstBody, rawRequest, type RawExchange } from './support/raw-http';
import { trinoRows } from './support/trino';
import { sleep } from './support/wait';

// Raw sockets throughout: fetch and curl would refuse or normalise these requests.
const AUTH = `Authorization: ${ALICE.authorization}`;
const svc = appForSuite();

/** A complete, valid query request; if it ever ran, Trino's query list would show `marker`. */
function hiddenQuery(marker: string): string {
  const body = JSON.stringify({ sql: `SELECT '${marker}' AS smuggled` });
  return [
    'POST /query HTTP/1.1',
    'Host: 127.0.0.1',
    AUTH,
    'Content-Type: application/json',
    `Content-Length: ${body.length}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function outer(headerLines: string[], body: string): string {
  const head = ['POST /query HTTP/1.1', 'Host: 127.0.0.1', AUTH, 'Content-Type: application/json'];
  return [...head, ...headerLines, '', body].join('\r\n');
}

/** How many queries Trino has seen whose text contains `marker` (this one excluded). */
async function queriesWith(marker: string): Promise<number> {
  // Split so that this query's own text does not contain the marker.
  const [a, b] = [marker.slice(0, 8), marker.slice(8)];
  const rows = await trinoRows(
    `SELECT count(*) FROM system.runtime.queries WHERE strpos(query, concat('${a}', '${b}')) > 0`,
  );
  return Number(rows[0][0]);
}

function expectJsonError(res: RawExchange, status: number, mentions: string): void {
  expect(res.statuses).toEqual([status]);
  expect(res.text).toMatch(/^content-type: application\/json/im);
  expect(firstBody(res.text)).toMatchObject({ statusCode: status });
  expect((firstBody(res.text) as { message: string }).message).toContain(mentions);
}

type Smuggle = [name: string, build: (hidden: string) => string];

const SMUGGLING: Smuggle[] = [
  [
    'Content-Length and Transfer-Encoding',
    (h) => outer(['Content-Length: 5', 'Transfer-Encoding: chunked'], `0\r\n\r\n${h}`),
  ],
  [
    'Transfer-Encoding before Content-Length',
    (h) =>
      outer(['Transfer-Encoding: chunked', `Content-Length: ${h.length + 5}`], `0\r\n\r\n${h}`),
  ],
  [
    'two different Content-Lengths',
    (h) => outer(['Content-Length: 0', `Content-Length: ${h.length}`], h),
  ],
  ['a Content-Length list', (h) => outer([`Content-Length: 0, ${h.length}`], h)],
  [
    'Transfer-Encoding: chunked, identity',
    (h) => outer(['Transfer-Encoding: chunked, identity'], `0\r\n\r\n${h}`),
  ],
  [
    'Transfer-Encoding : chunked (space before the colon)',
    (h) => outer(['Transfer-Encoding : chunked'], `0\r\n\r\n${h}`),
  ],
  ['Transfer-Encoding: xchunked', (h) => outer(['Transfer-Encoding: xchunked'], `0\r\n\r\n${h}`)],
  [
    'Transfer-Encoding with a vertical tab',
    (h) => outer(['Transfer-Encoding:\x0bchunked'], `0\r\n\r\n${h}`),
  ],
  [
    'two Transfer-Encoding headers',
    (h) => outer(['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'], `0\r\n\r\n${h}`),
  ],
  [
    'obs-fold continuation of Transfer-Encoding',
    (h) => outer(['Transfer-Encoding:', ' chunked'], `0\r\n\r\n${h}`),
  ],
  [
    'obs-fold hiding a header inside another',
    (h) => outer(['X-Note: a', ' Transfer-Encoding: chunked', 'Content-Length: 0'], h),
  ],
  [
    'bare LF line endings',
    (h) => outer(['Transfer-Encoding: chunked'], `0\r\n\r\n${h}`).replace(/\r\n/g, '\n'),
  ],
  [
    'a chunk size with a 0x prefix',
    (h) => outer(['Transfer-Encoding: chunked'], `0x0\r\n\r\n${h}`),
  ],
];

describe('smuggling-shaped requests', () => {
  // One prefix per run, so one look at Trino's query list covers every case.
  const run = randomUUID().replace(/-/g, '').slice(0, 12);
  let n = 0;
  const marker = (): string => `smuggled${run}n${n++}`;

  it.each(SMUGGLING)('%s: one JSON 400, connection closed', async (_name, build) => {
    const res = await rawRequest(svc.url, build(hiddenQuery(marker())));
    expectJsonError(res, 400, 'malformed HTTP request');
    expect(res.closedByServer).toBe(true);
  });

  it('a request hidden in a body with an honest Content-Length is only a body: one JSON 400', async () => {
    const hidden = hiddenQuery(marker());
    const res = await rawRequest(
      svc.url,
      outer([`Content-Length: ${hidden.length}`], hidden),
      1500,
    );
    expectJsonError(res, 400, 'JSON');
  });

  it('none of the hidden queries reached Trino, though the same bytes sent alone do', async () => {
    expect(n).toBe(SMUGGLING.length + 1);
    // Give a wrongly parsed second request time to arrive in Trino's query list.
    await sleep(1000);
    expect(await queriesWith(`smuggled${run}`)).toBe(0);
    const control = `control${run}`;
    const res = await rawRequest(svc.url, hiddenQuery(control));
    expect(res.statuses).toEqual([200]);
    expect(res.text).toContain(`"smuggled":"${control}"`);
    expect(await queriesWith(control)).toBe(1);
  });
});

describe('oversized request heads', () => {
  it('a 20 KiB header line is a JSON 431 and the connection is closed', async () => {
    const res = await rawRequest(
      svc.url,
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    );
    expectJsonError(res, 431, 'too large');
    expect(res.closedByServer).toBe(true);
  });

  it('2,500 headers (about 26 KiB) are a JSON 431', async () => {
    const headers = Array.from({ length: 2500 }, (_, i) => `x-h${i}: 1\r\n`).join('');
    const res = await rawRequest(
      svc.url,
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`,
    );
    expectJsonError(res, 431, 'too large');
    expect(res.closedByServer).toBe(true);
  });

  it('the service stays up, and a 12 KiB header, under the limit, is served', async () => {
    const res = await fetch(`${svc.url}/health`, { headers: { 'x-big': 'a'.repeat(12 * 1024) } });
    expect(res.status).toBe(200);
  });
});
