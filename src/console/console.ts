import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sendError } from '../common/error-body';

/**
 * The built console (`npm run build:console` writes console/dist), found from the package
 * root so the same code serves it from `src/` under Jest and from `dist/src/` when built.
 */
function consoleDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir)
    dir = path.dirname(dir);
  return path.join(dir, 'console', 'dist');
}

/**
 * `GET /console`: the query console, public like `/docs` (every call it makes carries the
 * user's own credentials), served as static files under helmet's CSP: no inline script.
 */
export function serveConsole(app: NestExpressApplication, dir = consoleDir()): void {
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
    const index = path.join(dir, 'index.html');
    if (!existsSync(index)) {
      return sendError(res, 404, 'the console is not built: run npm run build');
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  app.useStaticAssets(dir, { prefix: '/console/', index: false, maxAge: 0 });
}
