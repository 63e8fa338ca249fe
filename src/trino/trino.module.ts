import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Agent } from 'undici';
import { APP_CONFIG } from '../config/app-config';
import { RunTimeLimit } from './run-time-limit';
import { TrinoClient } from './trino-client';
import { TrinoQueries } from './trino-queries';
import { createPageConnections, createTrinoAgent } from './trino-http';
import type { PageConnections } from './page-connections';
import { TRINO_AGENT, TRINO_PAGES } from './trino.tokens';

/**
 * Everything that talks to Trino: the connection pools (closed at shutdown), the statement
 * client, the service's own queries about queries, and the cluster's run-time limit.
 */
@Module({
  providers: [
    { provide: TRINO_AGENT, useFactory: createTrinoAgent, inject: [APP_CONFIG] },
    { provide: TRINO_PAGES, useFactory: createPageConnections, inject: [APP_CONFIG] },
    TrinoClient,
    TrinoQueries,
    RunTimeLimit,
  ],
  exports: [TRINO_AGENT, TrinoClient, TrinoQueries, RunTimeLimit],
})
export class TrinoModule implements OnApplicationShutdown {
  constructor(
    @Inject(TRINO_AGENT) private readonly agent: Agent,
    @Inject(TRINO_PAGES) private readonly pages: PageConnections,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.pages.close();
    await this.agent.close();
  }
}
