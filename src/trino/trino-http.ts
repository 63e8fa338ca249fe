import { Agent } from 'undici';
import type { AppConfig } from '../config/app-config';
import { BlockPool } from './block-pool';
import { PageConnections } from './page-connections';

/**
 * One keep-alive pool to the coordinator for the whole process. Only connections are shared:
 * every statement carries its own headers, so no session state crosses requests. With
 * TRINO_TLS_CA_FILE, only those CAs are trusted for Trino's certificate (Node's `ca` replaces
 * the built-in list); the host name is still checked.
 */
export function createTrinoAgent(config: AppConfig): Agent {
  const connect = config.trino.tlsCa === undefined ? {} : { ca: config.trino.tlsCa };
  return new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1, connect });
}

/** The connections page GETs use, trusting the same CAs as the undici pool. */
export function createPageConnections(config: AppConfig): PageConnections {
  return new PageConnections(new BlockPool(), config.trino.tlsCa);
}

/** The service's own credentials for Trino, when Trino requires them. */
export function serviceAuthHeader(config: AppConfig['trino']): Record<string, string> {
  if (config.user === undefined || config.password === undefined) return {};
  const token = Buffer.from(`${config.user}:${config.password}`, 'utf8').toString('base64');
  return { authorization: `Basic ${token}` };
}
