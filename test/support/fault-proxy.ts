import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * FAKE: a fault-injecting HTTP proxy in front of the real Trino, for faults the real one
 * cannot show on demand (a 503 from a proxy, a stalled page). It forwards everything and
 * rewrites Trino's `nextUri` so the client keeps coming back through the proxy.
 */
export class FaultProxy {
  /** Statement requests (POST /v1/statement and GET nextUri) seen so far. */
  statementRequests = 0;
  /** Paths of the statement GETs, in order. */
  readonly statementGets: string[] = [];
  private failures: number[] = [];
  private stallMs = 0;
  private stallAny = false;
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next `count` statement GETs answer `status` without reaching Trino. */
  failNext(count: number, status = 503): void {
    this.failures.push(...Array<number>(count).fill(status));
  }

  /** The next statement GET that carries rows is held for `ms` before it is delivered. */
  stallNextPage(ms: number): void {
    this.stallMs = ms;
    this.stallAny = false;
  }

  /** The next statement GET, whatever it carries, is held for `ms` (Trino seems queued). */
  stallNextAnswer(ms: number): void {
    this.stallMs = ms;
    this.stallAny = true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const isStatement = req.url?.startsWith('/v1/statement') ?? false;
    if (isStatement) this.statementRequests++;
    if (isStatement && req.method === 'GET') this.statementGets.push(req.url ?? '');
    if (isStatement && req.method === 'GET' && this.failures.length > 0) {
      res
        .writeHead(this.failures.shift()!, { 'content-type': 'text/plain' })
        .end('fake proxy fault');
      return;
    }
    const body = await readAll(req);
    const upstream = await forward(this.target, req, body);
    let text = upstream.body.split(this.target).join(this.url);
    if (this.stallMs > 0 && req.method === 'GET' && (this.stallAny || text.includes('"data":['))) {
      const ms = this.stallMs;
      this.stallMs = 0;
      await new Promise((r) => setTimeout(r, ms));
      text = text.split(this.target).join(this.url);
    }
    res.writeHead(upstream.status, { 'content-type': upstream.contentType }).end(text);
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(req.url ?? '/', target);
  const headers = { ...req.headers, host: url.host };
  return new Promise((resolve, reject) => {
    const out = request(url, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 502,
          contentType: String(res.headers['content-type'] ?? 'application/json'),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
