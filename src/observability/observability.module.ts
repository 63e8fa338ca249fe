import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOG } from './log.token';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** The structured logger and the metrics registry, injectable everywhere. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(log: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [MetricsService, { provide: LOG, useValue: log }],
      exports: [MetricsService, LOG],
    };
  }
}
