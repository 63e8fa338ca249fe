import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TrinoModule } from '../trino/trino.module';
import { TrinoHealthIndicator } from '../trino/trino.health';
import { HealthController, ShutdownIndicator } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' }), TrinoModule],
  controllers: [HealthController],
  providers: [ShutdownIndicator, TrinoHealthIndicator],
})
export class HealthModule {}
