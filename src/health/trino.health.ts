import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { request, type Agent } from 'undici';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { serviceAuthHeader } from '../trino/trino-http';
import { TRINO_AGENT } from '../trino/trino.tokens';

const TIMEOUT_MS = 2000;

/** Ready when the coordinator answers `/v1/info` with `starting:false` within two seconds. */
@Injectable()
export class TrinoHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TRINO_AGENT) private readonly agent: Agent,
  ) {}

  async check(key = 'trino'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      const res = await request(`${this.config.trino.url}/v1/info`, {
        dispatcher: this.agent,
        headers: serviceAuthHeader(this.config.trino),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const info = (await res.body.json()) as {
        starting?: boolean;
        nodeVersion?: { version?: string };
      };
      if (res.statusCode !== 200) return indicator.down({ message: `HTTP ${res.statusCode}` });
      if (info.starting !== false) return indicator.down({ message: 'starting' });
      return indicator.up({ version: info.nodeVersion?.version ?? 'unknown' });
    } catch (e) {
      return indicator.down({ message: e instanceof Error ? e.message : 'unreachable' });
    }
  }
}
