import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../common/error-body';
import { TrinoModule } from '../trino/trino.module';
import { QueryCancel } from './query-cancel.service';
import { QueryController } from './query.controller';
import { QueryRegistry } from './query-registry.service';
import { QueryService } from './query.service';

/** Query bodies are JSON; anything else is a 415 that says so, before any parsing. */
function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json')) return next();
  sendError(res, 415, 'Content-Type must be application/json');
}

@Module({
  imports: [TrinoModule],
  controllers: [QueryController],
  providers: [QueryRegistry, QueryService, QueryCancel],
})
export class QueryModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(requireJson)
      .forRoutes(
        { path: 'query', method: RequestMethod.POST },
        { path: 'query/*path', method: RequestMethod.POST },
      );
  }
}
