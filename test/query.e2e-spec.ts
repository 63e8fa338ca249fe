import { appForSuite } from './support/app';
import { accessToken, ALICE, bearer, BOB, idToken } from './support/credentials';
import { USERS } from './support/env';
import { parseSse, post, readUntil } from './support/http';
import { curlExitWhenKilled, killQuery, settledState, trinoRows } from './support/trino';
import { EXPECTED_CSV, EXPECTED_ROW_JSON, TYPES_SQL } from './support/types-query';

const svc = appForSuite();

/** Reads a streamed body chunk by chunk, counting occurrences of `needle` without keeping it. */
async function countInStream(res: Response, needle: string): Promise<number> {
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let count = 0;
  let carry = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = carry + decoder.decode(value, { stream: true });
    let at = text.indexOf(needle);
    let last = -1;
    while (at !== -1) {
      count++;
      last = at;
      at = text.indexOf(needle, at + needle.length);
    }
    const keepFrom = Math.max(last + needle.length, text.length - needle.length + 1);
    carry = text.slice(keepFrom);
  }
  return count;
}

describe('who the query runs as', () => {
  it('runs SELECT current_user as the authenticated user for each method', async () => {
    const id = await idToken('bob', USERS.bob);
    const at = await accessToken('svc-reporting', 'svc-reporting-secret');
    const cases: [Record<string, string>, string][] = [
      [ALICE, 'alice'],
      [{ idtoken: id }, 'bob'],
      [bearer(at), 'svc-reporting'],
    ];
    for (const [headers, user] of cases) {
      const res = await post(`${svc.url}/query`, { sql: 'SELECT current_user AS u' }, headers);
      expect(res.status).toBe(200);
      const events = parseSse(await res.text());
      expect(events[1]).toEqual({ type: 'row', data: { u: user } });
    }
  });

  it('ignores X-Trino-User and similar headers, and rejects a user field', async () => {
    const res = await post(
      `${svc.url}/query`,
      { sql: 'SELECT current_user AS u' },
      {
        ...ALICE,
        'x-trino-user': 'bob',
        'x-trino-session': 'query_max_run_time=1s',
      },
    );
    expect(parseSse(await res.text())[1]).toEqual({ type: 'row', data: { u: 'alice' } });
    const field = await post(`${svc.url}/query`, { sql: 'SELECT 1', user: 'bob' }, ALICE);
    expect(field.status).toBe(400);
    expect(((await field.json()) as { message: string }).message).toContain('user');
  });
});

describe('values arrive exactly', () => {
  it('SSE row data is byte-identical to the expected text of every type', async () => {
    const res = await post(`${svc.url}/query`, { sql: TYPES_SQL }, ALICE);
    const text = await res.text();
    const rowLine = text.split('\n\n').find((b) => b.startsWith('data: {"type":"row"'))!;
    expect(rowLine).toBe(`data: {"type":"row","data":${EXPECTED_ROW_JSON}}`);
  });

  it('the JSON download holds the same row text', async () => {
    const res = await post(`${svc.url}/query/download/json`, { sql: TYPES_SQL }, ALICE);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(text.endsWith(`"data":[${EXPECTED_ROW_JSON}]}`)).toBe(true);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('the CSV download quotes per RFC 4180 and keeps every digit', async () => {
    const res = await post(
      `${svc.url}/query/download/csv`,
      { sql: TYPES_SQL, filename: 'types' },
      ALICE,
    );
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="types.csv"');
    expect(await res.text()).toBe(EXPECTED_CSV);
  });
});

describe('large results', () => {
  const SQL = 'SELECT orderkey FROM tpch.sf1.orders';
  let expected: number;
  beforeAll(async () => {
    expected = Number((await trinoRows('SELECT count(*) FROM tpch.sf1.orders'))[0][0]);
    expect(expected).toBe(1_500_000);
  });

  it('SSE delivers every row', async () => {
    const res = await post(`${svc.url}/query`, { sql: SQL }, ALICE);
    expect(await countInStream(res, '"type":"row"')).toBe(expected);
  });

  it('the CSV download delivers every row', async () => {
    const res = await post(`${svc.url}/query/download/csv`, { sql: SQL }, ALICE);
    expect((await countInStream(res, '\r\n')) - 1).toBe(expected);
  });

  it('the JSON download delivers every row', async () => {
    const res = await post(`${svc.url}/query/download/json`, { sql: SQL }, ALICE);
    expect(await countInStream(res, '{"orderkey":')).toBe(expected);
  });
});

describe('queries nobody reads are cancelled in Trino', () => {
  const BIG = 'SELECT * FROM tpch.sf1.lineitem';

  it.each([
    ['/query', '\n\n'],
    ['/query/download/csv', '\r\n'],
    ['/query/download/json', '},{'],
  ])('a client that disconnects after a few rows on %s', async (path, rowSeparator) => {
    const controller = new AbortController();
    const res = await post(`${svc.url}${path}`, { sql: BIG }, ALICE, controller.signal);
    const queryId = res.headers.get('x-query-id')!;
    const reader = res.body!.getReader();
    expect(await readUntil(reader, rowSeparator, 20)).toContain('orderkey');
    controller.abort();
    const state = await settledState(queryId, 3000);
    expect(state).toEqual({ state: 'FAILED', errorCode: 'USER_CANCELED' });
  });

  it('size: 5 returns five rows, says truncated, and cancels the rest', async () => {
    const res = await post(`${svc.url}/query`, { sql: BIG, size: 5 }, ALICE);
    const events = parseSse(await res.text());
    expect(events.filter((e) => e.type === 'row')).toHaveLength(5);
    const complete = events.at(-1)!;
    expect(complete).toMatchObject({ type: 'complete', rowCount: 5, truncated: true });
    expect(await settledState(String(complete.queryId), 3000)).toEqual({
      state: 'FAILED',
      errorCode: 'USER_CANCELED',
    });
  });

  it('size larger than the result says truncated: false', async () => {
    const res = await post(
      `${svc.url}/query`,
      { sql: 'SELECT * FROM tpch.tiny.nation', size: 25 },
      ALICE,
    );
    expect(parseSse(await res.text()).at(-1)).toMatchObject({
      type: 'complete',
      rowCount: 25,
      truncated: false,
    });
  });

  it('DELETE /query/{id} cancels the caller own query, 403 for another user, 404 unknown', async () => {
    const controller = new AbortController();
    const res = await post(`${svc.url}/query`, { sql: BIG }, ALICE, controller.signal);
    const queryId = res.headers.get('x-query-id')!;
    const reader = res.body!.getReader();
    await readUntil(reader, '"type":"row"', 3);
    const other = await fetch(`${svc.url}/query/${queryId}`, {
      method: 'DELETE',
      headers: BOB,
    });
    expect(other.status).toBe(403);
    const unknown = await fetch(`${svc.url}/query/20200101_000000_00000_xxxxx`, {
      method: 'DELETE',
      headers: ALICE,
    });
    expect(unknown.status).toBe(404);
    const own = await fetch(`${svc.url}/query/${queryId}`, { method: 'DELETE', headers: ALICE });
    expect(own.status).toBe(204);
    const rest = await readUntil(reader, '"type":"error"', 1);
    expect(rest).toContain('"errorName":"USER_CANCELED"');
    expect(await settledState(queryId, 3000)).toEqual({
      state: 'FAILED',
      errorCode: 'USER_CANCELED',
    });
  });
});

describe('query failures', () => {
  const CASES = [
    ['a syntax error', 'SELEC 1', 'SYNTAX_ERROR'],
    ['a missing table', 'SELECT * FROM tpch.tiny.no_such_table', 'TABLE_NOT_FOUND'],
  ];

  it.each(CASES)('%s is an error event on /query', async (_name, sql, errorName) => {
    const res = await post(`${svc.url}/query`, { sql }, ALICE);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', errorName, errorType: 'USER_ERROR' });
    expect(events[0].queryId).toMatch(/^\d{8}_\d{6}_\d{5}_\w{5}$/);
  });

  it.each(CASES)('%s is a JSON 400 on the downloads', async (_name, sql, errorName) => {
    for (const format of ['csv', 'json']) {
      const res = await post(`${svc.url}/query/download/${format}`, { sql }, ALICE);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        statusCode: 400,
        errorName,
        errorType: 'USER_ERROR',
      });
    }
  });

  describe('with Trino down', () => {
    const down = appForSuite({ TRINO_URL: 'http://127.0.0.1:1' });

    it.each(['/query', '/query/download/csv', '/query/download/json'])(
      '%s answers 503 with Retry-After',
      async (path) => {
        const res = await post(`${down.url}${path}`, { sql: 'SELECT 1' }, ALICE);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toMatchObject({
          statusCode: 503,
          message: 'Trino is unavailable',
        });
      },
    );
  });

  /** Starts a long download, waits for rows, then kills the query inside Trino. */
  async function killMidway(path: string): Promise<Response> {
    const res = await post(`${svc.url}${path}`, { sql: 'SELECT * FROM tpch.sf1.lineitem' }, ALICE);
    await killQuery(res.headers.get('x-query-id')!);
    return res;
  }

  it('a failure after the head leaves a valid JSON document ending in "error"', async () => {
    const res = await killMidway('/query/download/json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as { data: unknown[]; error?: string };
    expect(doc.error).toContain('killed by the e2e test');
  });

  it('a failure after the head aborts the CSV transfer (curl exits 18)', async () => {
    const url = `${svc.url}/query/download/csv`;
    const sql = 'SELECT * FROM tpch.sf1.lineitem';
    expect(await curlExitWhenKilled(url, sql, 'alice', USERS.alice)).toBe(18);
  });

  it('an SSE stream killed midway ends with an error event and no complete', async () => {
    const res = await killMidway('/query');
    const events = parseSse(await res.text());
    expect(events.at(-1)).toMatchObject({ type: 'error' });
    expect(events.some((e) => e.type === 'complete')).toBe(false);
  });
});
