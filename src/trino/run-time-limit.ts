import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TrinoClient } from './trino-client';

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};
const CACHE_MS = 10 * 60_000;

/** An airlift duration as Trino prints it ("100.00d", "5.00s", "250ms") in seconds. */
export function durationSeconds(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)\s*$/.exec(text);
  if (!m) throw new Error(`not a Trino duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/**
 * The cluster's own `query.max-run-time`. Trino 476 takes `query_max_run_time` from the
 * session as given, so a session value above the cluster's limit raises it (checked against a
 * Trino started with `query.max-run-time=5s`: a query with the session at 1h ran on). A
 * request's `timeout` is therefore capped here; the limit is read from `SHOW SESSION` (its
 * default column is the cluster's configured value) at most every 10 minutes.
 */
@Injectable()
export class RunTimeLimit {
  private cached?: { seconds: number; until: number };

  constructor(
    private readonly trino: TrinoClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `timeout` seconds, lowered to the cluster's limit when that is lower. */
  async cap(timeout: number, signal: AbortSignal): Promise<number> {
    return Math.max(1, Math.min(timeout, Math.floor(await this.clusterSeconds(signal))));
  }

  private async clusterSeconds(signal: AbortSignal): Promise<number> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.seconds;
    const statement = await this.trino.submit("SHOW SESSION LIKE 'query_max_run_time'", {
      user: this.config.trino.user ?? this.config.trino.source,
      signal,
    });
    let found: unknown;
    for (let rows = await statement.nextValues(); rows; rows = await statement.nextValues()) {
      const row = rows.find((r) => r[0] === 'query_max_run_time');
      if (row) found = row[2];
    }
    if (typeof found !== 'string') throw new Error('SHOW SESSION lists no query_max_run_time');
    const seconds = durationSeconds(found);
    this.cached = { seconds, until: Date.now() + CACHE_MS };
    return seconds;
  }
}
