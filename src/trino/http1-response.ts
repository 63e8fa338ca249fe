import type { BlockSink } from './block-pool';

/** The answer was not HTTP/1.1 as RFC 9112 frames it. */
export class HttpParseError extends Error {
  override name = 'HttpParseError';
  readonly code = 'HPE_INVALID';
}

/** A response head longer than this is refused: Trino's are well under 1 KiB. */
const MAX_HEAD = 64 * 1024;
const CR = 13;
const LF = 10;

type Phase = 'head' | 'length' | 'size' | 'chunk' | 'chunk-end' | 'trailer' | 'close' | 'done';

/**
 * Reads one HTTP/1.1 response from socket reads, which may split it anywhere: the head, then
 * a body framed by Content-Length, by chunks, or by the connection's close. Body bytes are
 * copied into `sink`; nothing else is kept, so the read buffer can be reused at once.
 */
export class Http1Response {
  status = 0;
  /** False when the server said `Connection: close` or the body ends with the connection. */
  keepAlive = true;
  private phase: Phase = 'head';
  private head = '';
  private left = 0;
  private line = '';

  constructor(private readonly sink: BlockSink) {}

  get done(): boolean {
    return this.phase === 'done';
  }

  /** True when the connection's end is the end of the body (no length, not chunked). */
  get endsWithClose(): boolean {
    return this.phase === 'close';
  }

  /**
   * Takes `b[s..e)`; returns where it stopped: at `e`, or at the end of the response. Bytes
   * after a response are not ours (a GET has one answer), and the caller drops the connection.
   */
  feed(b: Buffer, s: number, e: number): number {
    while (s < e && this.phase !== 'done') {
      switch (this.phase) {
        case 'head':
          s = this.readHead(b, s, e);
          break;
        case 'length':
        case 'chunk': {
          const n = Math.min(this.left, e - s);
          this.sink.write(b, s, s + n);
          s += n;
          this.left -= n;
          if (this.left === 0) this.phase = this.phase === 'length' ? 'done' : 'chunk-end';
          break;
        }
        case 'close':
          this.sink.write(b, s, e);
          s = e;
          break;
        case 'size':
        case 'chunk-end':
        case 'trailer':
          s = this.readLine(b, s, e);
      }
    }
    return s;
  }

  /** The connection ended: fine only where the body is framed by it. */
  end(): void {
    if (this.phase === 'close') this.phase = 'done';
  }

  private readHead(b: Buffer, s: number, e: number): number {
    const at = b.indexOf('\r\n\r\n', s, 'latin1');
    const stop = at >= 0 && at + 4 <= e ? at + 4 : e;
    this.head += b.toString('latin1', s, stop);
    if (this.head.length > MAX_HEAD) throw new HttpParseError('response head too long');
    // The terminator may straddle two reads.
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0) return stop;
    const extra = this.head.length - (end + 4);
    this.parseHead(this.head.slice(0, end));
    this.head = '';
    return stop - extra;
  }

  private parseHead(text: string): void {
    const [statusLine, ...fields] = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (!m) throw new HttpParseError(`not an HTTP/1.x status line: ${statusLine.slice(0, 40)}`);
    this.status = Number(m[2]);
    let length: number | undefined;
    let chunked = false;
    this.keepAlive = m[1] === '1';
    for (const field of fields) {
      const colon = field.indexOf(':');
      if (colon <= 0) throw new HttpParseError('a header field without a name');
      const name = field.slice(0, colon).trim().toLowerCase();
      const value = field
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value)) throw new HttpParseError('a bad Content-Length');
        length = Number(value);
      } else if (name === 'transfer-encoding')
        chunked = value.split(',').pop()!.trim() === 'chunked';
      else if (name === 'connection')
        this.keepAlive = !value.split(',').some((t) => t.trim() === 'close');
    }
    // 1xx, 204 and 304 have no body; a GET is never answered to a HEAD.
    if (this.status < 200 || this.status === 204 || this.status === 304) {
      if (this.status < 200) throw new HttpParseError(`an interim ${this.status} answer`);
      this.phase = 'done';
    } else if (chunked) this.phase = 'size';
    else if (length !== undefined) {
      this.left = length;
      this.phase = length === 0 ? 'done' : 'length';
    } else {
      this.keepAlive = false;
      this.phase = 'close';
    }
  }

  /** The chunk-size line, the CRLF after a chunk, and the trailer lines, byte by byte. */
  private readLine(b: Buffer, s: number, e: number): number {
    const lf = b.indexOf(LF, s);
    const stop = lf >= 0 && lf < e ? lf + 1 : e;
    this.line += b.toString('latin1', s, stop);
    if (this.line.length > MAX_HEAD) throw new HttpParseError('a chunk line too long');
    if (stop === e && b[stop - 1] !== LF) return stop;
    const line = this.line;
    this.line = '';
    if (line.length < 2 || line.charCodeAt(line.length - 2) !== CR)
      throw new HttpParseError('a line not ended by CRLF');
    const text = line.slice(0, -2);
    if (this.phase === 'chunk-end') {
      if (text !== '') throw new HttpParseError('no CRLF after a chunk');
      this.phase = 'size';
    } else if (this.phase === 'size') {
      const hex = text.split(';')[0].trim();
      if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new HttpParseError('a bad chunk size');
      this.left = parseInt(hex, 16);
      this.phase = this.left === 0 ? 'trailer' : 'chunk';
    } else if (text === '') this.phase = 'done';
    return stop;
  }
}
