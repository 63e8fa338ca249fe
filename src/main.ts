import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { LifecycleService } from './health/lifecycle.service';

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
    const aborted = await lifecycle.drain(config.shutdownGraceMs);
    if (aborted > 0) logger.warn(`ended ${aborted} stream(s) still open after the grace period`);
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

void main();
