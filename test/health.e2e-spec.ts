import { appForSuite } from './support/app';
import { TRINO_URL } from './support/env';

const STATUS = { status: 'healthy', service: 'trino-stream' };

describe('health against the real Trino', () => {
  const svc = appForSuite();

  it('talks to Trino 476', async () => {
    const info = (await (await fetch(`${TRINO_URL}/v1/info`)).json()) as {
      nodeVersion: { version: string };
    };
    expect(info.nodeVersion.version).toBe('476');
  });

  it.each(['/', '/health'])('%s answers the fixed status body without auth', async (path) => {
    const res = await fetch(`${svc.url}${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(STATUS);
  });

  it('readiness is 200 with Trino up, reporting its version', async () => {
    const res = await fetch(`${svc.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      info: { trino: { status: 'up', version: '476' }, shutdown: { status: 'up' } },
    });
  });

  it('liveness is 200', async () => {
    expect((await fetch(`${svc.url}/health/live`)).status).toBe(200);
  });

  it('an unknown route is a JSON 404, never an HTML page', async () => {
    const res = await fetch(`${svc.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it.each([
    ['POST', '/', 'GET'],
    ['GET', '/query', 'POST'],
    ['PUT', '/health', 'GET'],
    ['PATCH', '/me', 'GET'],
    ['GET', '/query/20261129_000000_00000_abcde', 'DELETE'],
  ])('%s %s is a JSON 405 with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${svc.url}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await fetch(`${svc.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    for (const path of ['/docs-json', '/openapi.json']) {
      const doc = (await (await fetch(`${svc.url}${path}`)).json()) as {
        openapi: string;
        paths: object;
      };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toContain('/query');
    }
  });
});

describe('health with Trino unreachable', () => {
  const svc = appForSuite({ TRINO_URL: 'http://127.0.0.1:1' });

  it('readiness is 503 with the Terminus error body', async () => {
    const res = await fetch(`${svc.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'error',
      error: { trino: { status: 'down' } },
    });
  });

  it.each(['/', '/health', '/health/live'])('%s stays 200', async (path) => {
    expect((await fetch(`${svc.url}${path}`)).status).toBe(200);
  });
});
