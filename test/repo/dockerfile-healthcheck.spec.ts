import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The image's HEALTHCHECK command, run as Docker would (its exec form, PORT from the
 * environment) against a stand-in for the service's /health/live: no Docker engine here.
 */
const ROOT = join(__dirname, '..', '..');

function healthcheck(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const line = dockerfile.split('\n').find((l) => l.startsWith('HEALTHCHECK'));
  const cmd = /\bCMD\s+(\[.*\])\s*$/.exec(line ?? '');
  if (!cmd) throw new Error('no HEALTHCHECK ... CMD [...] in the Dockerfile');
  return JSON.parse(cmd[1]) as string[];
}

function exitCode(port: number): Promise<number> {
  const [file, ...args] = healthcheck();
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, PORT: String(port) }, timeout: 10_000 }, (e) =>
      resolve(e ? Number(e.code ?? -1) : 0),
    );
  });
}

async function serve(status: number): Promise<{ server: Server; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, paths, port: (server.address() as AddressInfo).port };
}

describe('Dockerfile HEALTHCHECK', () => {
  it('runs node, not a shell, and passes on a 200 from /health/live at $PORT', async () => {
    expect(healthcheck()[0]).toBe('node');
    const { server, port, paths } = await serve(200);
    try {
      expect(await exitCode(port)).toBe(0);
      expect(paths).toEqual(['/health/live']);
    } finally {
      server.close();
    }
  });

  it('fails on a 503', async () => {
    const { server, port } = await serve(503);
    try {
      expect(await exitCode(port)).toBe(1);
    } finally {
      server.close();
    }
  });

  it('fails when nothing listens', async () => {
    const { server, port } = await serve(200);
    await new Promise((resolve) => server.close(resolve));
    expect(await exitCode(port)).toBe(1);
  });
});
