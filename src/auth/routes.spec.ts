import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { AUTH_DECISION } from './auth.decorators';

/**
 * Every route must declare its auth decision. A new route without `@Public()` or
 * `@Authenticated()` fails here, and so does a route whose decision changed unnoticed.
 */
const EXPECTED: Record<string, 'public' | 'authenticated'> = {
  'GET /': 'public',
  'GET /health': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  // Scraped by Prometheus inside the cluster; holds no user names, query ids or SQL.
  'GET /metrics': 'public',
  'GET /me': 'authenticated',
  'POST /query': 'authenticated',
  'POST /query/download/csv': 'authenticated',
  'POST /query/download/json': 'authenticated',
  'POST /query/download/arrow': 'authenticated',
  'DELETE /query/:queryId': 'authenticated',
};

function join(...parts: string[]): string {
  const path = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
  return `/${path}`;
}

describe('route auth decisions', () => {
  it('every route is listed with its decision', async () => {
    const app = await createApp(loadConfig({ AUTH_BASIC_PASSWORD_FILE: '/dev/null' }), false);
    const reflector = app.get(Reflector);
    const scanner = new MetadataScanner();
    const found: Record<string, string | undefined> = {};
    const wrappers = [...app.get(ModulesContainer).values()].flatMap((m) => [
      ...m.controllers.values(),
    ]);
    for (const wrapper of wrappers) {
      const controller = wrapper.metatype as NonNullable<typeof wrapper.metatype>;
      const proto = Object.getPrototypeOf(wrapper.instance) as object;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = (proto as Record<string, unknown>)[name] as () => unknown;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        found[`${method} ${join(base, path)}`] = reflector.getAllAndOverride<string | undefined>(
          AUTH_DECISION,
          [handler, controller],
        );
      }
    }
    await app.close();
    expect(found).toEqual(EXPECTED);
  });
});
