import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { basic } from './support/credentials';
import { BASE_ENV, USERS } from './support/env';
import { parseSse, post } from './support/http';
import { settledState } from './support/trino';

const ALICE = basic('alice', USERS.alice);
const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
/** The child's output, kept for when this test fails. */
const LOG = join(__dirname, '..', '.run', 'shutdown-test.log');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('service did not start');
}

describe('SIGTERM with streams open (the built service as a real process)', () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    mkdirSync(join(LOG, '..'), { recursive: true });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...BASE_ENV,
        PORT: String(port),
        HOST: '127.0.0.1',
        SHUTDOWN_GRACE_SECONDS: '8',
      },
      stdio: ['ignore', openSync(LOG, 'w'), openSync(LOG, 'a')],
    });
    await waitUntilUp(url);
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('turns unready at once, refuses new queries, ends open streams visibly, cancels them in Trino and exits 0', async () => {
    const streams = await Promise.all(
      Array.from({ length: 3 }, () =>
        post(`${url}/query`, { sql: 'SELECT * FROM tpch.sf1.lineitem' }, ALICE),
      ),
    );
    const ids = streams.map((s) => s.headers.get('x-query-id')!);
    const bodies = streams.map((s) => s.text());
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    // "At once": the first probe after the signal is handled must already fail.
    let ready = 200;
    for (let i = 0; i < 30 && ready === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = (await fetch(`${url}/health/ready`)).status;
    }
    const [health, refused] = await Promise.all([
      fetch(`${url}/health`),
      post(`${url}/query`, { sql: 'SELECT 1' }, ALICE),
    ]);
    expect({
      ready,
      health: health.status,
      query: refused.status,
      afterMs: Date.now() - signalledAt,
    }).toEqual({
      ready: 503,
      health: 200,
      query: 503,
      afterMs: expect.any(Number) as number,
    });

    for (const body of bodies) {
      const last = parseSse(await body).at(-1);
      expect(last).toMatchObject({ type: 'error', errorName: 'SERVICE_SHUTTING_DOWN' });
    }
    expect(await exited).toBe(0);
    for (const id of ids)
      expect(await settledState(id, 3000)).toEqual({ state: 'FAILED', errorCode: 'USER_CANCELED' });
  });
});
