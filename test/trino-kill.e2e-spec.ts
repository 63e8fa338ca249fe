import { startApp, type RunningApp } from './support/app';
import { ALICE } from './support/credentials';
import { parseSse, post } from './support/http';
import { TrinoInstance } from './support/trino-instance';

/**
 * Issue #7, 2a: the real Trino dies (SIGKILL) under open streams, then comes back. The suite
 * runs its own Trino on another port, so killing it never touches the shared one.
 */
const TRINO = new TrinoInstance(
  Number(process.env.TRINO_KILL_PORT ?? 8095),
  process.env.TRINO_KILL_RUN_DIR ?? '.run/trino-kill',
);
const LONG = { sql: 'SELECT * FROM tpch.sf1.lineitem' };

/** A response body read by hand, so the test decides when to read and sees how it ends. */
class Body {
  text = '';
  /** Set when the transfer failed (a chunked body cut without its last chunk). */
  failure?: Error;
  endedAt = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  /** Reads until `enough(text)` holds or the body ends. */
  async readUntil(enough: (text: string) => boolean): Promise<void> {
    while (!enough(this.text)) {
      if (await this.readOnce()) return;
    }
  }

  /** Reads to the end, clean or not. */
  async drain(): Promise<void> {
    while (!(await this.readOnce())) {
      /* keep reading */
    }
  }

  private async readOnce(): Promise<boolean> {
    try {
      const { done, value } = await this.reader.read();
      if (value) this.text += this.decoder.decode(value, { stream: true });
      if (done) this.endedAt = Date.now();
      return done;
    } catch (e) {
      this.failure = e as Error;
      this.endedAt = Date.now();
      return true;
    }
  }
}

describe('Trino killed mid-stream, then restarted (its own Trino, the service stays up)', () => {
  let svc: RunningApp;
  beforeAll(async () => {
    await TRINO.start();
    await TRINO.warmUp();
    svc = await startApp({ TRINO_URL: TRINO.url });
  }, 300_000);
  afterAll(async () => {
    await svc?.close();
    await TRINO.stop();
  }, 90_000);

  it('fails every open stream visibly, answers 503 while Trino is gone, and recovers without a restart', async () => {
    expect((await fetch(`${svc.url}/health/ready`)).status).toBe(200);
    const [sse, csv, json] = await Promise.all([
      post(`${svc.url}/query`, LONG, ALICE),
      post(`${svc.url}/query/download/csv`, LONG, ALICE),
      post(`${svc.url}/query/download/json`, LONG, ALICE),
    ]);
    expect([sse.status, csv.status, json.status]).toEqual([200, 200, 200]);
    const bodies = [new Body(sse), new Body(csv), new Body(json)];
    // A few thousand rows received on each (256 KiB), so the kill lands mid-stream.
    await Promise.all(bodies.map((b) => b.readUntil((t) => t.length > 256 * 1024)));
    expect(bodies.every((b) => b.endedAt === 0)).toBe(true);

    const killedAt = Date.now();
    process.kill(TRINO.pid(), 'SIGKILL');
    await Promise.all(bodies.map((b) => b.drain()));
    const [sseBody, csvBody, jsonBody] = bodies;

    // SSE: the last event is an error; no complete anywhere.
    const events = parseSse(sseBody.text);
    expect(sseBody.failure).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'error', errorName: 'TRINO_UNAVAILABLE' });
    expect(events.some((e) => e.type === 'complete')).toBe(false);
    // CSV: the transfer is cut without its final chunk, so the client sees a failure.
    expect(csvBody.failure).toBeDefined();
    // JSON: still a valid document, ending with an error member.
    expect(jsonBody.failure).toBeUndefined();
    const doc = JSON.parse(jsonBody.text) as { data: unknown[]; error?: string };
    expect(doc.error).toBe('Trino is unavailable');
    expect(doc.data.length).toBeGreaterThan(1000);
    const failedAfterMs = bodies.map((b) => b.endedAt - killedAt);
    process.stdout.write(
      `trino-kill: streams ended ${failedAfterMs.join(' / ')} ms after SIGKILL (SSE / CSV / JSON)\n`,
    );

    // The process is fine, readiness says Trino is gone, new queries get 503 + Retry-After.
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    const ready = await fetch(`${svc.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { trino: { status: 'down' } } });
    const refusedAt = Date.now();
    const refused = await Promise.all([
      post(`${svc.url}/query`, { sql: 'SELECT 1' }, ALICE),
      post(`${svc.url}/query/download/csv`, { sql: 'SELECT 1' }, ALICE),
    ]);
    const refusedMs = Date.now() - refusedAt;
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ statusCode: 503, message: 'Trino is unavailable' });
    }
    process.stdout.write(`trino-kill: new queries answered 503 after ${refusedMs} ms\n`);

    // Trino comes back (same script, same port): the same service process serves again.
    await TRINO.start();
    await TRINO.warmUp();
    expect((await fetch(`${svc.url}/health/ready`)).status).toBe(200);
    const again = await post(`${svc.url}/query`, { sql: 'SELECT * FROM tpch.tiny.nation' }, ALICE);
    expect(again.status).toBe(200);
    expect(parseSse(await again.text()).at(-1)).toMatchObject({ type: 'complete', rowCount: 25 });
    const csvAgain = await post(
      `${svc.url}/query/download/csv`,
      { sql: 'SELECT * FROM tpch.tiny.region' },
      ALICE,
    );
    expect((await csvAgain.text()).split('\r\n')).toHaveLength(7); // header, 5 rows, final CRLF
  }, 300_000);
});
