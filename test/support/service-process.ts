import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Agent } from 'undici';
import { BASE_ENV } from './env';
import { waitFor } from './wait';

/** The built service (`nest build`), run as its own process so /proc can be read for it. */
export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A connection per request, none kept alive: an idle connection held here would keep a
 * draining service waiting for it, as it waits for a proxy's (src/main.ts).
 */
export const once = new Agent({ pipelining: 0 });

export async function waitUntilUp(url: string, child?: ChildProcess): Promise<void> {
  const up = await waitFor(
    async () => {
      if (child && child.exitCode !== null) throw new Error(`service exited (${child.exitCode})`);
      return fetch(`${url}/health`, { dispatcher: once } as RequestInit).then(
        (res) => res.ok,
        () => false, // not listening yet
      );
    },
    { timeoutMs: 30_000 },
  );
  if (!up) throw new Error('service did not start');
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  pid: number;
  /** SIGKILL if still running (the suites only need it gone), resolved once it has exited. */
  stop(): Promise<void>;
}

/**
 * Spawns `node [nodeArgs] dist/src/main.js` with BASE_ENV plus `env` on loopback, on `env.PORT`
 * (a replica restarted in place) or else a free port; output to `log`.
 */
export async function spawnService(
  env: Record<string, string>,
  log: string,
  nodeArgs: string[] = [],
): Promise<ServiceProcess> {
  mkdirSync(dirname(log), { recursive: true });
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { ...process.env, ...BASE_ENV, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')],
  });
  await waitUntilUp(url, child);
  return {
    url,
    child,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resident size now and its high-water mark, in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Open file descriptors of `pid`, and how many of them are sockets. */
export function descriptors(pid: number): { fds: number; sockets: number } {
  const dir = `/proc/${pid}/fd`;
  let sockets = 0;
  const names = readdirSync(dir);
  for (const name of names) {
    try {
      if (readlinkSync(join(dir, name)).startsWith('socket:')) sockets++;
    } catch {
      // closed between the listing and the readlink
    }
  }
  return { fds: names.length, sockets };
}
