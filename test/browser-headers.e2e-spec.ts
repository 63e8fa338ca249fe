import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { post } from './support/http';

const UI = 'https://ui.example.test';
const DEV_UI = 'http://localhost:5173';
/** Origins a browser could send that must not be let in: other sites, look-alikes, `null`. */
const STRANGERS = [
  'https://evil.example.test',
  'https://ui.example.test.evil.example',
  'http://ui.example.test',
  'https://ui.example.test:8443',
  'null',
];

function preflight(url: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type, idtoken',
    },
  });
}

describe('CORS with CORS_ORIGINS set', () => {
  const svc = appForSuite({ CORS_ORIGINS: `${UI}, ${DEV_UI}` });

  it.each([UI, DEV_UI])(
    'a preflight from %s is allowed, for that origin only, without credentials',
    async (origin) => {
      const res = await preflight(`${svc.url}/query`, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toBe(
        'authorization, content-type, idtoken',
      );
      expect(res.headers.get('vary')).toContain('Origin');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it('a preflight for DELETE /query/{id} is allowed', async () => {
    const res = await preflight(`${svc.url}/query/20261129_000000_00000_abcde`, UI, 'DELETE');
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it.each(STRANGERS)('a preflight from %s gets no Access-Control-Allow-Origin', async (origin) => {
    const res = await preflight(`${svc.url}/query`, origin);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a query from an allowed origin may read the row stream and the headers a UI needs', async () => {
    const res = await post(
      `${svc.url}/query/download/json`,
      { sql: 'SELECT 1 AS x' },
      { ...ALICE, origin: UI },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    const exposed = res.headers.get('access-control-expose-headers')!.split(',');
    expect(exposed).toEqual(
      expect.arrayContaining(['X-Query-Id', 'Retry-After', 'Content-Disposition']),
    );
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    await res.text();
  });

  it('a 401 to an allowed origin is readable too, so the UI can ask for credentials', async () => {
    const res = await post(`${svc.url}/query`, { sql: 'SELECT 1' }, { origin: UI });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it.each(STRANGERS)('a request from %s gets no Access-Control-Allow-Origin', async (origin) => {
    const res = await fetch(`${svc.url}/me`, { headers: { ...ALICE, origin } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS without CORS_ORIGINS', () => {
  const svc = appForSuite();

  it('no origin gets Access-Control-Allow-Origin, on preflights or requests', async () => {
    for (const origin of [UI, ...STRANGERS]) {
      const pre = await preflight(`${svc.url}/query`, origin);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const res = await fetch(`${svc.url}/me`, { headers: { ...ALICE, origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
