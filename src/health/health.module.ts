import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TrinoModule } from '../trino/trino.module';
import { TrinoHealthIndicator } from './trino.health';
import { HealthController, ShutdownIndicator } from './health.controller';

@Module({
  imports: [
    // 'json': the failure is one line in the JSON logs, not a box drawn with ANSI colours.
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    TrinoModule,
  ],
  controllers: [HealthController],
  providers: [ShutdownIndicator, TrinoHealthIndicator],
})
export class HealthModule {}
