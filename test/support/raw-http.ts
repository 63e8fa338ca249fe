import { connect, type Socket } from 'node:net';

/** What came back on one raw connection, and whether the server was the one to close it. */
export interface RawExchange {
  text: string;
  closedByServer: boolean;
  /** The HTTP status of every response on the connection, in order. */
  statuses: number[];
}

/**
 * Opens a connection to `url`'s host and port and hands the socket to `drive`, which writes
 * bytes exactly as given (no client library to normalise or refuse them). Collects the
 * answer until the server closes or `waitMs` passes.
 */
export function rawExchange(
  url: string,
  drive: (socket: Socket) => void,
  waitMs = 5000,
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let closedByServer = false;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
      resolve({ text, closedByServer, statuses });
    };
    const timer = setTimeout(done, waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      closedByServer = true;
      done();
    });
    // A reset while we are still writing is the server closing on us too.
    socket.on('error', () => {
      closedByServer = true;
      done();
    });
    socket.on('connect', () => drive(socket));
  });
}

/** Sends `payload` in one write; see rawExchange. */
export function rawRequest(url: string, payload: string, waitMs?: number): Promise<RawExchange> {
  return rawExchange(url, (s) => s.write(payload, 'latin1'), waitMs);
}

/** The JSON body of the first response in `text`. */
export function firstBody(text: string): unknown {
  const start = text.indexOf('\r\n\r\n') + 4;
  const length = /^content-length: (\d+)$/im.exec(text)?.[1];
  return JSON.parse(text.slice(start, length ? start + Number(length) : undefined));
}
