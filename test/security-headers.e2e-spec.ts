import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { post } from './support/http';

const svc = appForSuite();

/** helmet's headers as configured in src/bootstrap.ts. */
function expectSecurityHeaders(res: Response): void {
  const h = res.headers;
  expect(h.get('content-security-policy')).toContain("default-src 'self'");
  expect(h.get('content-security-policy')).toContain("frame-ancestors 'self'");
  expect(h.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  expect(h.get('x-content-type-options')).toBe('nosniff');
  expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(h.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  expect(h.get('referrer-policy')).toBe('no-referrer');
  expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(h.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(h.get('x-powered-by')).toBeNull();
}

/** The policy as directive -> sources. */
function parseCsp(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** The sources a fetch of `kind` is checked against: its own directive, else default-src. */
function sources(csp: Map<string, string[]>, kind: string): string[] {
  return csp.get(kind) ?? csp.get('default-src') ?? [];
}

describe('security headers', () => {
  it.each([
    ['GET /health', () => fetch(`${svc.url}/health`)],
    ['GET /me', () => fetch(`${svc.url}/me`, { headers: ALICE })],
    ['a 401', () => fetch(`${svc.url}/me`)],
    ['a 404', () => fetch(`${svc.url}/no/such/route`)],
    ['a 400', () => post(`${svc.url}/query`, '{"sql": ', ALICE)],
    ['an SSE stream', () => post(`${svc.url}/query`, { sql: 'SELECT 1' }, ALICE)],
    ['a CSV download', () => post(`${svc.url}/query/download/csv`, { sql: 'SELECT 1' }, ALICE)],
    ['GET /docs', () => fetch(`${svc.url}/docs`)],
    ['GET /docs-json', () => fetch(`${svc.url}/docs-json`)],
  ])('%s carries them', async (_name, request) => {
    const res = await request();
    expectSecurityHeaders(res);
    await res.text();
  });
});

describe("Swagger UI's page fits its Content-Security-Policy", () => {
  let html: string;
  let csp: Map<string, string[]>;
  beforeAll(async () => {
    const res = await fetch(`${svc.url}/docs`);
    expect(res.headers.get('content-type')).toContain('text/html');
    csp = parseCsp(res.headers.get('content-security-policy')!);
    html = await res.text();
  });

  it('every script is an external file from this origin (no inline script, no handler attributes)', async () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(sources(csp, 'script-src')).toContain("'self'");
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
    expect(html).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
    for (const [, attrs, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const src = /\bsrc=["']([^"']+)["']/.exec(attrs)![1];
      const url = new URL(src, `${svc.url}/docs`);
      expect(url.origin).toBe(svc.url);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      // With nosniff, a browser runs a script only when its type says JavaScript.
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      await res.text();
    }
  });

  it('stylesheets and icons come from this origin with the right types; inline styles are allowed', async () => {
    const links = [...html.matchAll(/<link\b([^>]*)>/gi)].map(([, attrs]) => ({
      rel: /\brel=["']([^"']+)["']/.exec(attrs)![1],
      href: /\bhref=["']([^"']+)["']/.exec(attrs)![1],
    }));
    expect(links.map((l) => l.rel)).toContain('stylesheet');
    for (const { rel, href } of links) {
      const url = new URL(href, `${svc.url}/docs`);
      expect(url.origin).toBe(svc.url);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const type = res.headers.get('content-type');
      if (rel === 'stylesheet') {
        expect(sources(csp, 'style-src')).toContain("'self'");
        expect(type).toMatch(/^text\/css/);
        // The stylesheet draws its icons as data: URIs.
        if ((await res.text()).includes('url("data:')) {
          expect(sources(csp, 'img-src')).toContain('data:');
        }
      } else {
        expect(sources(csp, 'img-src')).toContain("'self'");
        expect(type).toMatch(/^image\//);
        await res.arrayBuffer();
      }
    }
    if (/<style\b/i.test(html)) expect(sources(csp, 'style-src')).toContain("'unsafe-inline'");
  });

  it('a crafted ?url= cannot make the page load a foreign OpenAPI document', async () => {
    // swagger-ui-init.js passes the page's own ?url= parameter to Swagger UI as the document
    // address; connect-src limited to this origin is what stops a link such as
    // /docs?url=https://elsewhere/x.json from loading someone else's document here.
    const init = await (await fetch(`${svc.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('window.location.search.match(/url=');
    expect(sources(csp, 'connect-src')).toEqual(["'self'"]);
    // The service's own document is embedded in the script.
    expect(init).toContain('"openapi": "3.');
  });
});
