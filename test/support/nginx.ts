import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, once } from './service-process';
import { sleep, waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');
/** The configuration operators copy; the suite runs this very file. */
export const NGINX_CONF = join(ROOT, 'deploy', 'nginx', 'nginx.conf');

export interface RunningNginx {
  url: string;
  /**
   * Marks the servers in `down` as down (as an ingress controller drops an endpoint that is
   * terminating), reloads nginx and resolves once new connections get the new configuration.
   */
  route(down: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * deploy/nginx/nginx.conf with this run's replicas, a loopback port and paths under `dir`.
 * Additions for the tests only: `X-Upstream` names the replica that served a response, and
 * `X-Conf` the `generation` of the configuration that routed it.
 */
export function renderConf(
  template: string,
  upstreams: string[],
  port: number,
  dir: string,
  { down = [] as string[], generation = 0 } = {},
) {
  const servers = upstreams
    .map((u) => `    server ${u} max_fails=1 fail_timeout=5s${down.includes(u) ? ' down' : ''};`)
    .join('\n');
  const conf = template
    .replace(/^error_log .*;$/m, `error_log ${dir}/error.log warn;`)
    .replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
    .replace(/(?:^ {4}server \S+:3000 .*;\n)+/m, `${servers}\n`)
    .replace(/^ {4}listen 8080;$/m, `    listen 127.0.0.1:${port};`)
    .replace(
      /^ {2}access_log off;$/m,
      ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map((t) => `  ${t === 'body' ? 'client_body' : t}_temp_path ${dir}/${t};`)
        .concat('  access_log off;')
        .join('\n'),
    )
    .replace(
      /^ {6}proxy_pass http:\/\/trino_stream;$/m,
      '      proxy_pass http://trino_stream;\n      add_header X-Upstream $upstream_addr always;\n' +
        `      add_header X-Conf ${generation} always;`,
    );
  for (const needle of [dir, `127.0.0.1:${port}`, 'X-Upstream', upstreams[0]])
    if (!conf.includes(needle)) throw new Error(`nginx.conf changed shape: ${needle} not placed`);
  return conf;
}

/** Starts nginx (unpacked by scripts/nginx/fetch.sh) in front of `upstreams`. */
export async function startNginx(upstreams: string[], dir: string): Promise<RunningNginx> {
  const bin = execFileSync('bash', [join(ROOT, 'scripts', 'nginx', 'fetch.sh')], {
    encoding: 'utf8',
  }).trim();
  mkdirSync(dir, { recursive: true });
  // nginx's workers drop root for `nobody`, which must reach the paths under `dir`.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  const write = (options: { down: string[]; generation: number }) =>
    writeFileSync(
      conf,
      renderConf(readFileSync(NGINX_CONF, 'utf8'), upstreams, port, dir, options),
    );
  write({ down: [], generation: 0 });
  const child: ChildProcess = spawn(
    bin,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`nginx exited: see ${dir}/error.log`);
    return fetch(`${url}/health`).then(
      () => true,
      () => false, // not listening yet
    );
  });
  let generation = 0;
  return {
    url,
    route: async (down) => {
      write({ down, generation: ++generation });
      child.kill('SIGHUP');
      // Old workers stop accepting once the new ones run; a few fresh connections in a row
      // that all get the new configuration mean the reload is through.
      for (let seen = 0, i = 0; seen < 3; i++) {
        if (i === 200) throw new Error(`nginx did not reload: see ${dir}/error.log`);
        const res = await fetch(`${url}/health`, { dispatcher: once } as RequestInit);
        await res.arrayBuffer();
        seen = res.headers.get('x-conf') === String(generation) ? seen + 1 : 0;
        if (seen === 0) await sleep(20);
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
