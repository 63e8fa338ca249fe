import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal';

/**
 * One line per HTTP request when its response ends: who (once authenticated), what, the
 * status and how long. Only the path is logged (no query string, no headers), so no
 * credential can end up here.
 */
export function accessLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const principal = req.user as Principal | undefined;
      // Probes and scrapes come every few seconds; at info they would bury everything else.
      const routine = req.path.startsWith('/health') || req.path === '/metrics';
      log[routine && res.statusCode < 400 ? 'debug' : 'info'](
        {
          reqId: res.getHeader('x-request-id'),
          method: req.method,
          path: req.path,
          status: res.statusCode,
          // A response cut before its end (client gone, stream aborted) is not a success.
          finished: res.writableFinished,
          user: principal?.user,
          authMethod: principal?.authMethod,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        },
        'request',
      );
    });
    next();
  };
}
