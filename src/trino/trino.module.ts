import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Agent } from 'undici';
import { APP_CONFIG } from '../config/app-config';
import { createTrinoAgent } from './trino-http';
import { TRINO_AGENT } from './trino.tokens';

@Module({
  providers: [{ provide: TRINO_AGENT, useFactory: createTrinoAgent, inject: [APP_CONFIG] }],
  exports: [TRINO_AGENT],
})
export class TrinoModule implements OnApplicationShutdown {
  constructor(@Inject(TRINO_AGENT) private readonly agent: Agent) {}

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
