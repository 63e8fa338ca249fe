import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/**
 * A Trino of the suite's own (scripts/trino/start.sh with its own port and run dir), so a
 * test can kill and restart it without touching the shared instance.
 */
export class TrinoInstance {
  readonly url: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly port: number,
    readonly runDir: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.env = {
      ...process.env,
      TRINO_PORT: String(port),
      TRINO_URL: this.url,
      TRINO_RUN_DIR: runDir,
    };
  }

  /** Starts it (or reuses it if it answers already) and waits until it runs queries. */
  async start(): Promise<string> {
    const { stdout } = await run('bash', [join(ROOT, 'scripts', 'trino', 'start.sh')], {
      cwd: ROOT,
      env: this.env,
      timeout: 300_000,
    });
    return stdout;
  }

  /**
   * Runs a tpch query until it finishes: a Trino that has just started can still fail its
   * first queries (GENERIC_INTERNAL_ERROR seen here) although start.sh's probe succeeded.
   */
  async warmUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let state = 'unreachable';
      try {
        let page = (await (
          await fetch(`${this.url}/v1/statement`, {
            method: 'POST',
            body: 'SELECT * FROM tpch.sf1.lineitem LIMIT 1',
            headers: { 'x-trino-user': 'warm-up' },
          })
        ).json()) as { nextUri?: string; stats: { state: string } };
        while (page.nextUri) page = (await (await fetch(page.nextUri)).json()) as typeof page;
        state = page.stats.state;
      } catch {
        // not answering yet
      }
      if (state === 'FINISHED') return;
      if (Date.now() > deadline) throw new Error(`Trino at ${this.url} not usable: ${state}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async stop(): Promise<void> {
    await run('bash', [join(ROOT, 'scripts', 'trino', 'stop.sh')], {
      cwd: ROOT,
      env: this.env,
      timeout: 60_000,
    });
  }

  /** The JVM's pid, as start.sh recorded it. */
  pid(): number {
    return Number(readFileSync(join(resolve(ROOT, this.runDir), 'pid'), 'utf8').trim());
  }
}
