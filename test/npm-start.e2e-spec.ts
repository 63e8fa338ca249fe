/**
 * The README's "against your own Trino" lines, run exactly: `npm start` (after the build
 * `npm test` already ran) with only TRINO_URL, a password file and a port, as a newcomer
 * would type them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ALICE } from './support/credentials';
import { PASSWORD_FILE, TRINO_URL } from './support/env';
import { parseSse, post } from './support/http';
import { freePort, waitUntilUp } from './support/service-process';

const ROOT = join(__dirname, '..');

describe('npm start against an existing Trino', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Only what the README's three lines set, plus a free port on loopback; nothing of the
    // suites' BASE_ENV.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TRINO_URL,
      AUTH_BASIC_PASSWORD_FILE: PASSWORD_FILE,
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    // Its own process group, so npm and the node it starts go together.
    child = spawn('npm', ['start'], { cwd: ROOT, env, stdio: 'ignore', detached: true });
    await waitUntilUp(url, child);
  });

  afterAll(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('serves /health', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'healthy', service: 'trino-stream' });
  });

  it('runs a query as the Basic user', async () => {
    const res = await post(
      `${url}/query`,
      { sql: 'SELECT current_user AS me, count(*) AS n FROM tpch.tiny.region GROUP BY 1' },
      ALICE,
    );
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.filter((e) => e.type === 'row').map((e) => e.data)).toEqual([
      { me: 'alice', n: 5 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'complete', rowCount: 1 });
  });
});
