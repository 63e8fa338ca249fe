import { connect as tcpConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { BlockSink, type BlockPool } from './block-pool';
import { Http1Response } from './http1-response';

/** Bytes of one socket read: reused for every read of the connection. */
const READ_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
/** As undici's headers and body timeouts: Trino answers a page GET within about a second. */
const RESPONSE_TIMEOUT_MS = 300_000;
const CONNECT_TIMEOUT = (): Error =>
  failure('could not connect to Trino in time', 'UND_ERR_CONNECT_TIMEOUT');

/** A failure with the code Node (or this module) gives it, as the retry rules read it. */
export function failure(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One page GET's answer: the body as views of pooled blocks (`blocks` go back to the pool). */
export interface PageResponse {
  status: number;
  chunks: Buffer[];
  blocks: Buffer[];
}

/** A header value undici would also refuse: outside Latin-1, or a control character. */
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;

/** tls.connect takes `onread` as net.connect does (Node's docs), though its types omit it. */
function withOnRead(options: ConnectionOptions, onread: OnReadOpts): ConnectionOptions {
  return Object.assign(options, { onread });
}

interface Exchange {
  response: Http1Response;
  /** Whether any byte of the answer arrived (a reused connection may be closed before). */
  answered: boolean;
  settle: (error?: Error) => void;
}

/**
 * One keep-alive connection whose reads all land in one reused buffer (`onread`), so reading
 * a page allocates nothing per read; the body is copied into pooled blocks.
 */
class Connection {
  readonly socket: Socket;
  exchange?: Exchange;
  private readonly buffer = Buffer.allocUnsafeSlow(READ_BYTES);

  constructor(url: URL, ca: string | undefined, onClose: (c: Connection) => void) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const onread = { buffer: this.buffer, callback: (n: number): boolean => this.read(n) };
    const tls = url.protocol === 'https:';
    this.socket = tls
      ? tlsConnect(
          withOnRead({ host, port, servername: isIP(host) ? undefined : host, ca }, onread),
        )
      : tcpConnect({ host, port, onread });
    this.socket.setNoDelay(true);
    const timer = setTimeout(() => this.socket.destroy(CONNECT_TIMEOUT()), CONNECT_TIMEOUT_MS);
    this.socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    // Armed only while the connection is idle (PageConnections.release).
    this.socket.on('timeout', () => this.socket.destroy());
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('end', () => this.ended());
    this.socket.on('close', () => {
      clearTimeout(timer);
      this.fail(failure('the connection to Trino closed', 'ECONNRESET'));
      onClose(this);
    });
  }

  private read(n: number): boolean {
    const x = this.exchange;
    if (x === undefined) {
      // Bytes nobody asked for: the connection is out of step, so it goes.
      this.socket.destroy();
      return false;
    }
    x.answered = true;
    try {
      const at = x.response.feed(this.buffer, 0, n);
      if (!x.response.done) return true;
      if (at < n) x.response.keepAlive = false;
      x.settle();
    } catch (e) {
      this.fail(e as Error);
    }
    return true;
  }

  private ended(): void {
    const x = this.exchange;
    if (x?.response.endsWithClose) {
      x.response.end();
      x.settle();
    } else this.fail(failure('Trino closed the connection mid-answer', 'ECONNRESET'));
  }

  private fail(e: Error): void {
    const x = this.exchange;
    this.exchange = undefined;
    this.socket.destroy();
    x?.settle(e);
  }
}

/**
 * The page GETs of every statement, over keep-alive HTTP/1.1 connections to the coordinator.
 * Only GETs of `nextUri` come here (they are the bulk of the bytes); submissions, cancels and
 * the service's own queries stay on undici. Why not undici for pages too: it hands out every
 * socket read as a fresh Buffer, the garbage that set a single download's memory.
 */
export class PageConnections {
  private readonly idle: Connection[] = [];

  constructor(
    readonly pool: BlockPool,
    private readonly ca?: string,
    private readonly idleMs = 30_000,
  ) {}

  /** GETs `uri` with `headers`; rejects with the socket's error code, or the signal's reason. */
  async get(
    uri: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<PageResponse> {
    const url = new URL(uri);
    const request = this.requestText(url, headers);
    const reusing = this.idle.length > 0;
    try {
      return await this.exchange(url, request, signal);
    } catch (e) {
      // A kept connection the server closed as it was reused: no byte of the answer came, so
      // the GET never ran; it goes once more on a new connection (as undici does).
      if (reusing && (e as { unanswered?: boolean }).unanswered && !signal.aborted)
        return this.exchange(url, request, signal, false);
      throw e;
    }
  }

  /** The sockets of the idle connections (what tests look at). */
  get idleSockets(): Socket[] {
    return this.idle.map((c) => c.socket);
  }

  /** Closes every idle connection; busy ones close when their answer is read. */
  close(): void {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }

  private requestText(url: URL, headers: Record<string, string>): string {
    let text = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      if (UNSENDABLE.test(value))
        throw failure(`header ${name} cannot be sent`, 'UND_ERR_INVALID_ARG');
      text += `${name}: ${value}\r\n`;
    }
    return `${text}\r\n`;
  }

  private exchange(
    url: URL,
    request: string,
    signal: AbortSignal,
    reuse = true,
  ): Promise<PageResponse> {
    signal.throwIfAborted();
    const c = (reuse ? this.idle.pop() : undefined) ?? this.open(url);
    // Busy again: no idle timeout, and it keeps the process alive while it waits.
    c.socket.setTimeout(0);
    c.socket.ref();
    const sink = new BlockSink(this.pool);
    return new Promise<PageResponse>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        c.exchange = undefined;
        c.socket.destroy();
        reject(signal.reason as Error);
      };
      const timer = setTimeout(
        () => c.socket.destroy(failure('Trino did not answer in time', 'ETIMEDOUT')),
        CONNECT_TIMEOUT_MS + RESPONSE_TIMEOUT_MS,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      const x: Exchange = {
        response: new Http1Response(sink),
        answered: false,
        settle: (error) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          c.exchange = undefined;
          if (error) {
            reject(Object.assign(error, { unanswered: !x.answered }));
            return;
          }
          if (x.response.keepAlive) this.release(c);
          else c.socket.destroy();
          resolve({ status: x.response.status, chunks: sink.chunks(), blocks: sink.blocks });
        },
      };
      c.exchange = x;
      c.socket.write(request, 'latin1');
    });
  }

  private open(url: URL): Connection {
    return new Connection(url, this.ca, (gone) => {
      const i = this.idle.indexOf(gone);
      if (i >= 0) this.idle.splice(i, 1);
    });
  }

  /** Back to the idle list, closed after `idleMs` unused (Trino's side may close it sooner). */
  private release(c: Connection): void {
    c.socket.setTimeout(this.idleMs);
    c.socket.unref();
    this.idle.push(c);
  }
}
