import { Global, Module } from '@nestjs/common';
import { LifecycleService } from './lifecycle.service';

/**
 * The SIGTERM drain, global: health answers unready from it, queries refuse or end through it,
 * and main.ts runs it. Its own module, as neither health nor queries own the other's part.
 */
@Global()
@Module({ providers: [LifecycleService], exports: [LifecycleService] })
export class LifecycleModule {}
