import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './common/error-body';
import type { AppConfig } from './config/app-config';

/**
 * How often Node looks for requests that overran headersTimeout or requestTimeout. Node only
 * checks on this interval (30 s by default), so a 10 s head limit really meant 10 to 40 s.
 * Each check walks the connections still receiving a request, in native code, so once a
 * second costs next to nothing and keeps the limits accurate to a second.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** What Node's parser and timers report, as the status a client should see. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request header fields are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time'],
};

/**
 * Node answers requests its parser rejects (smuggling-shaped framing, oversized heads,
 * timeouts) with an empty body; this sends the service's usual JSON error instead. Like
 * Node's own handler it answers only when no response has started on the socket, and then
 * closes the connection, so nothing that follows the bad bytes is read as a request.
 */
function answerClientError(err: Error & { code?: string; reason?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
      400,
      `malformed HTTP request${err.reason ? `: ${err.reason}` : ''}`,
    ];
    const body = JSON.stringify(errorBody(status, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Socket limits and the parse-error answer, applied by createApp so the real process and the
 * e2e apps behave alike. Must run before listen(): Node starts its checking timer on
 * 'listening'.
 *
 * A request (head and body) must arrive quickly, or slow clients could hold sockets for free;
 * after that there is no limit at all (timeout 0), because a response stream may run for
 * hours. Node counts headersTimeout and requestTimeout from a request's first byte to its
 * last, never while the response is written; a connection that sends nothing at all gets the
 * head limit too.
 */
export function configureHttpServer(server: Server, http: AppConfig['http']): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  // A documented createServer option that @types/node does not declare as a property.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    CONNECTIONS_CHECKING_INTERVAL_MS;
  // Longer than the usual 60 s idle timeout of load balancers, so they close first and never
  // send a request on a socket the service is closing.
  server.keepAliveTimeout = 65_000;
  server.timeout = 0;
  server.on('clientError', answerClientError);
}
