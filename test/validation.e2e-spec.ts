import { appForSuite, startApp } from './support/app';
import { ALICE, BOB } from './support/credentials';

const svc = appForSuite({ QUERY_SQL_MAX_BYTES: '1000' });

type Case = [name: string, body: string, status: number, mentions: string, contentType?: string];

const CASES: Case[] = [
  ['not JSON', '{"sql": ', 400, 'JSON'],
  ['a JSON array', '[]', 400, ''],
  ['a JSON string', '"SELECT 1"', 400, 'JSON'],
  ['no sql', '{}', 400, 'sql'],
  ['sql not a string', '{"sql": 1}', 400, 'sql'],
  ['empty sql', '{"sql": ""}', 400, 'sql'],
  ['blank sql', '{"sql": "  ;  "}', 400, 'sql'],
  ['unknown field', '{"sql": "SELECT 1", "limit": 5}', 400, 'limit'],
  ['size 0', '{"sql": "SELECT 1", "size": 0}', 400, 'size'],
  ['size negative', '{"sql": "SELECT 1", "size": -1}', 400, 'size'],
  ['size fractional', '{"sql": "SELECT 1", "size": 1.5}', 400, 'size'],
  ['size a string', '{"sql": "SELECT 1", "size": "5"}', 400, 'size'],
  ['size huge', '{"sql": "SELECT 1", "size": 9007199254740992}', 400, 'size'],
  ['size 1e400', '{"sql": "SELECT 1", "size": 1e400}', 400, 'size'],
  ['catalog not a string', '{"sql": "SELECT 1", "catalog": []}', 400, 'catalog'],
  ['oversized sql', JSON.stringify({ sql: `SELECT '${'x'.repeat(2000)}'` }), 413, 'sql'],
  ['wrong content type', 'SELECT 1', 415, 'Content-Type', 'text/plain'],
  ['no content type', '{"sql":"SELECT 1"}', 415, 'Content-Type', ''],
];

const FILENAMES: [string, unknown][] = [
  ['path traversal', '../etc/passwd'],
  ['header injection', 'a"\r\nSet-Cookie: x=1'],
  ['leading dot', '.hidden'],
  ['too long', 'a'.repeat(129)],
  ['not a string', 5],
  ['slash', 'a/b'],
];

describe('malformed requests are 4xx with a JSON body naming the problem', () => {
  it.each(CASES)('%s', async (_name, body, status, mentions, contentType = 'application/json') => {
    for (const path of ['/query', '/query/download/csv', '/query/download/json']) {
      const headers: Record<string, string> = { ...ALICE };
      if (contentType) headers['content-type'] = contentType;
      const res = await fetch(`${svc.url}${path}`, { method: 'POST', headers, body });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/json');
      const json = (await res.json()) as { statusCode: number; message: string };
      expect(json.statusCode).toBe(status);
      expect(json.message).toContain(mentions);
    }
  });

  it.each(FILENAMES)('a bad filename (%s) is a 400 naming filename', async (_name, filename) => {
    const res = await fetch(`${svc.url}/query/download/csv`, {
      method: 'POST',
      headers: { ...ALICE, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 1', filename }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('filename');
  });

  it('a good filename with spaces and dots is used as given', async () => {
    const res = await fetch(`${svc.url}/query/download/json`, {
      method: 'POST',
      headers: { ...ALICE, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 1 AS x', filename: 'Q3 report v1.2' }),
    });
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="Q3 report v1.2.json"',
    );
    expect(await res.json()).toEqual({
      metadata: { columns: [{ name: 'x', type: 'integer' }], type: 'metadata' },
      data: [{ x: 1 }],
    });
  });

  it('a trailing semicolon is tolerated', async () => {
    const res = await fetch(`${svc.url}/query/download/json`, {
      method: 'POST',
      headers: { ...ALICE, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 1 AS x;  ' }),
    });
    expect(res.status).toBe(200);
  });

  it('the per-user concurrency limit answers 429 with Retry-After', async () => {
    const limited = await startApp({ QUERY_MAX_CONCURRENT_PER_USER: '1' });
    try {
      const controller = new AbortController();
      const first = await fetch(`${limited.url}/query`, {
        method: 'POST',
        headers: { ...ALICE, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT * FROM tpch.sf1.lineitem' }),
        signal: controller.signal,
      });
      expect(first.status).toBe(200);
      const second = await fetch(`${limited.url}/query`, {
        method: 'POST',
        headers: { ...ALICE, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      const bob = await fetch(`${limited.url}/query`, {
        method: 'POST',
        headers: { ...BOB, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      expect(bob.status).toBe(200);
      await bob.text();
      controller.abort();
    } finally {
      await limited.close();
    }
  });
});
