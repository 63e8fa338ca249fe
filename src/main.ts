import './wasm-tiers';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { LifecycleService } from './lifecycle/lifecycle.service';

function configOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`trino-stream: ${e.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const app = await createApp(config);
  const server: Server = app.getHttpServer();
  await app.listen(config.port, config.host);
  const logger = new Logger('Main');
  logger.log(`listening on http://${config.host}:${config.port} (Trino ${config.trino.url})`);

  const lifecycle = app.get(LifecycleService);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    lifecycle.beginShutdown();
    logger.log(
      `${signal}: draining ${lifecycle.openStreams} open stream(s), up to ${config.shutdownGraceMs} ms`,
    );
    const started = Date.now();
    const drained = lifecycle.drain(config.shutdownGraceMs);
    // Readiness is 503 from now on; then the listener closes, so a proxy's next connection is
    // refused and it tries another replica, which it may for any request (nothing was sent).
    // A connection already queued in the listener is reset by the kernel instead, after the
    // proxy sent its query: the proxy must stop routing here first (deploy/README.md).
    await sleep(config.shutdownDelayMs);
    const closed = stopListening(server);
    const aborted = await drained;
    // Idle keep-alive connections are left for the proxy to close (bootstrap.ts sends
    // `Connection: close` on every response now), within what is left of the grace.
    await Promise.race([closed, sleep(config.shutdownGraceMs - (Date.now() - started))]);
    if (aborted > 0) logger.warn(`ended ${aborted} stream(s) still open after the grace period`);
    const left = await new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    if (left > 0) logger.warn(`closing ${left} idle connection(s) a client kept open`);
    // Keep-alive sockets would hold close() open for keepAliveTimeout; every response is
    // finished or failed by now, so what remains can go.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
    await app.close();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void stop(signal));
  }
}

/**
 * Stops accepting connections; resolves once every open one has ended. Not `server.close()`:
 * since Node 19 that also drops idle keep-alive connections at once, and a proxy may be
 * sending a query on one at that very moment (a POST it then cannot resend: a failed query).
 */
function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => NetServer.prototype.close.call(server, () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

void main();
