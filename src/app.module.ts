import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './health/lifecycle.module';
import { AuthModule } from './auth/auth.module';
import { QueryModule } from './query/query.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LifecycleModule,
        HealthModule,
        AuthModule,
        QueryModule,
      ],
    };
  }
}
