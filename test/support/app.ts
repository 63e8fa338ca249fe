import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { BASE_ENV } from './env';

export interface RunningApp {
  url: string;
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * Starts the real app on a free loopback port, with BASE_ENV plus `overrides`; its logs go to
 * `log` (see support/logs.ts) or nowhere.
 */
export async function startApp(
  overrides: Record<string, string | undefined> = {},
  log: Logger | false = false,
): Promise<RunningApp> {
  const env = { ...BASE_ENV, ...overrides };
  const app = await createApp(loadConfig(env), log);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

/**
 * The app of one `describe` block: started in a `beforeAll` registered where this is called (so
 * after the block's earlier hooks, whose results `overrides` may read when it is a function)
 * and closed in an `afterAll`. The returned object is filled in when the app is up.
 */
export function appForSuite(
  overrides: Record<string, string | undefined> | (() => Record<string, string | undefined>) = {},
): RunningApp {
  const running = {} as RunningApp;
  beforeAll(async () => {
    Object.assign(
      running,
      await startApp(typeof overrides === 'function' ? overrides() : overrides),
    );
  });
  afterAll(async () => {
    await running.close?.();
  });
  return running;
}
