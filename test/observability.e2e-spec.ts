import { appForSuite, startApp, type RunningApp } from './support/app';
import { accessToken, ALICE, basic, bearer, idToken } from './support/credentials';
import { TRINO_URL, USERS } from './support/env';
import { parseSse, post } from './support/http';
import { captureLogs, type CapturedLogs } from './support/logs';
import { waitFor } from './support/wait';

const NATION = { sql: 'SELECT * FROM tpch.tiny.nation' };

/** Reads one sample from the Prometheus text, 0 when the series does not exist yet. */
async function sample(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** Polls until `read` returns something other than `before` (the end of a stream is async). */
async function changed(read: () => Promise<number>, before: number): Promise<number> {
  return (
    (
      await waitFor(async () => {
        const now = await read();
        return now !== before && { now };
      })
    )?.now ?? read()
  );
}

describe('metrics and structured logs', () => {
  let svc: RunningApp;
  let logs: CapturedLogs;
  beforeAll(async () => {
    logs = captureLogs();
    svc = await startApp({ LOG_LEVEL: 'log' }, logs.logger);
  });
  afterAll(() => svc.close());

  it('serves Prometheus text without credentials', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE trino_stream_queries_started_total counter');
    expect(text).toContain('# TYPE trino_stream_time_to_first_row_seconds histogram');
    expect(text).toContain('trino_stream_process_resident_memory_bytes');
  });

  it('moves the query counters, rows, bytes and latency histograms after a download', async () => {
    const json = { endpoint: 'json' };
    const read = (name: string, labels: Record<string, string> = json): Promise<number> =>
      sample(svc.url, name, labels);
    const before = {
      started: await read('trino_stream_queries_started_total'),
      completed: await read('trino_stream_queries_ended_total', {
        ...json,
        outcome: 'completed',
        reason: 'END',
      }),
      rows: await read('trino_stream_rows_streamed_total'),
      bytes: await read('trino_stream_bytes_streamed_total'),
      ttfr: await read('trino_stream_time_to_first_row_seconds_count'),
    };
    // post() asks for identity, so the bytes the metric counts are the body's.
    const res = await post(`${svc.url}/query/download/json`, NATION, ALICE);
    const body = await res.text();
    expect(res.status).toBe(200);
    const completed = await changed(
      () =>
        read('trino_stream_queries_ended_total', { ...json, outcome: 'completed', reason: 'END' }),
      before.completed,
    );
    expect(completed).toBe(before.completed + 1);
    expect(await read('trino_stream_queries_started_total')).toBe(before.started + 1);
    expect(await read('trino_stream_rows_streamed_total')).toBe(before.rows + 25);
    expect(await read('trino_stream_bytes_streamed_total')).toBe(
      before.bytes + Buffer.byteLength(body),
    );
    expect(await read('trino_stream_time_to_first_row_seconds_count')).toBe(before.ttfr + 1);
    expect(await read('trino_stream_streams_in_flight')).toBe(0);
  });

  it('counts failures by Trino error name and cancellations by reason', async () => {
    const failedLabels = { endpoint: 'csv', outcome: 'failed', reason: 'SYNTAX_ERROR' };
    const failedBefore = await sample(svc.url, 'trino_stream_queries_ended_total', failedLabels);
    const bad = await post(`${svc.url}/query/download/csv`, { sql: 'SELEC 1' }, ALICE);
    expect(bad.status).toBe(400);
    await bad.text();
    expect(await sample(svc.url, 'trino_stream_queries_ended_total', failedLabels)).toBe(
      failedBefore + 1,
    );

    const goneLabels = { endpoint: 'sse', outcome: 'cancelled', reason: 'CLIENT_GONE' };
    const goneBefore = await sample(svc.url, 'trino_stream_queries_ended_total', goneLabels);
    const ac = new AbortController();
    const res = await post(
      `${svc.url}/query`,
      { sql: 'SELECT * FROM tpch.sf1.lineitem' },
      ALICE,
      ac.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await reader.read().catch(() => undefined);
    const read = (): Promise<number> =>
      sample(svc.url, 'trino_stream_queries_ended_total', goneLabels);
    expect(await changed(read, goneBefore)).toBe(goneBefore + 1);
  });

  it('counts authentication failures by method and reason', async () => {
    const labels = { method: 'basic', reason: 'INVALID' };
    const before = await sample(svc.url, 'trino_stream_auth_failures_total', labels);
    const res = await fetch(`${svc.url}/me`, { headers: basic('alice', 'wrong-password') });
    expect(res.status).toBe(401);
    expect(await sample(svc.url, 'trino_stream_auth_failures_total', labels)).toBe(before + 1);
  });

  it('logs each query once, as JSON with request id, user, method, query id and totals', async () => {
    const reqId = `trace-${Date.now()}`;
    const res = await post(`${svc.url}/query/download/csv`, NATION, {
      ...ALICE,
      'x-request-id': reqId,
    });
    await res.text();
    const queryId = res.headers.get('x-query-id');
    expect(res.headers.get('x-request-id')).toBe(reqId);
    // Trino holds the request id as the query's trace token: a Trino query leads back here.
    const info = await fetch(`${TRINO_URL}/v1/query/${queryId}`, {
      headers: { 'x-trino-user': 'e2e-check' },
    });
    expect(((await info.json()) as { session: { traceToken?: string } }).session.traceToken).toBe(
      reqId,
    );
    const find = (): Record<string, unknown>[] =>
      logs.records().filter((r) => r.msg === 'query ended' && r.queryId === queryId);
    await waitFor(() => find().length > 0, { timeoutMs: 5000 });
    expect(find()).toEqual([
      expect.objectContaining({
        level: 'info',
        reqId,
        user: 'alice',
        authMethod: 'basic',
        endpoint: 'csv',
        queryId,
        outcome: 'completed',
        rows: 25,
        bytes: expect.any(Number) as number,
        durationMs: expect.any(Number) as number,
        ttfrMs: expect.any(Number) as number,
      }),
    ]);
  });

  it('never logs a password or token the callers used', async () => {
    const secrets: string[] = [];
    const tokenOf = await accessToken('svc-reporting', 'svc-reporting-secret');
    const id = await idToken('bob', USERS.bob);
    const wrong = basic('carol', 'not-her-password');
    const calls: Record<string, string>[] = [
      ALICE,
      basic('carol', USERS.carol),
      wrong,
      bearer(tokenOf),
      { idtoken: id },
      bearer(`${tokenOf.slice(0, -4)}AAAA`),
    ];
    for (const headers of calls) {
      secrets.push(headers.authorization ?? headers.idtoken ?? '');
      const res = await post(`${svc.url}/query/download/json`, NATION, headers);
      await res.text();
    }
    secrets.push(USERS.alice, USERS.carol, 'not-her-password', tokenOf, id);
    // JWTs: each part alone (header, payload, signature) must not appear either.
    for (const jwt of [tokenOf, id]) secrets.push(...jwt.split('.').slice(1));
    const text = logs.text();
    expect(text).toContain('"user":"carol"'); // the scan looked at real query logs
    for (const secret of secrets) {
      const bare = secret.replace(/^(Basic|Bearer) /, '');
      expect({ secret: bare, found: text.includes(bare) }).toEqual({ secret: bare, found: false });
    }
  });
});

describe('progress events on /query', () => {
  const svc = appForSuite();

  // Scans all of lineitem (6 M rows) to return one row: seconds of work before the first row.
  const SLOW = { sql: 'SELECT sum(quantity) AS q FROM tpch.sf1.lineitem' };

  it('with "progress": true, reports Trino progress before the row', async () => {
    const res = await post(`${svc.url}/query`, { ...SLOW, progress: true }, ALICE);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const firstRow = events.findIndex((e) => e.type === 'row');
    const progress = events.filter((e) => e.type === 'progress');
    expect(firstRow).toBeGreaterThan(0);
    expect(events.findIndex((e) => e.type === 'progress')).toBeLessThan(firstRow);
    expect(progress[0]).toEqual({
      type: 'progress',
      state: expect.any(String) as string,
      processedRows: expect.any(Number) as number,
      processedBytes: expect.any(Number) as number,
      ...('progressPercentage' in progress[0]
        ? { progressPercentage: expect.any(Number) as number }
        : {}),
    });
    // Trino's counters only grow, and the stream still ends as documented.
    const counts = progress.map((p) => p.processedRows as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 1 });
  });

  it('without it, sends only the documented events', async () => {
    const res = await post(`${svc.url}/query`, SLOW, ALICE);
    const types = new Set(parseSse(await res.text()).map((e) => e.type));
    expect([...types].sort()).toEqual(['complete', 'metadata', 'row']);
  });

  it('refuses "progress" on downloads and non-boolean values', async () => {
    const dl = await post(`${svc.url}/query/download/csv`, { ...NATION, progress: true }, ALICE);
    expect(dl.status).toBe(400);
    expect(((await dl.json()) as { message: string }).message).toMatch(/progress/);
    const bad = await post(`${svc.url}/query`, { ...NATION, progress: 'yes' }, ALICE);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/progress/);
  });
});
