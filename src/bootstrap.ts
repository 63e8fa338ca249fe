import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { sendError } from './common/error-body';
import type { AppConfig } from './config/app-config';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { buildOpenApi } from './openapi/openapi';
import { accessLog } from './observability/access-log';
import { createJsonLogger, NestJsonLogger, silentLogger } from './observability/json-logger';
import { configureHttpServer } from './http-server';
import { serveConsole } from './console/console';

/** Flattens class-validator errors into one message that names each field. */
function validationMessage(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, path));
    return [...own, ...validationMessage(e.children ?? [], `${path}.`)];
  });
}

const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => new BadRequestException(validationMessage(errors).join('; ')),
});

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every response carries a request id (the caller's, when it is sane), also sent to Trino. */
function requestIds(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  res.setHeader(
    'X-Request-Id',
    typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID(),
  );
  next();
}

/**
 * A documented path asked with an undocumented method is a 405 that lists the allowed ones,
 * not a 404: the OpenAPI document is the source of truth for both.
 */
function methodNotAllowed(document: OpenAPIObject) {
  const routes = Object.entries(document.paths).map(([path, item]) => ({
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(item).map((m) => m.toUpperCase()),
  }));
  return (req: Request, res: Response, next: NextFunction): void => {
    const route = routes.find((r) => r.pattern.test(req.path));
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (!route || method === 'OPTIONS' || route.methods.includes(method)) return next();
    sendError(res, 405, `${req.method} is not allowed on ${req.path}`, {
      Allow: route.methods.join(', '),
    });
  };
}

/**
 * While draining, every response says `Connection: close`, so a proxy's keep-alive pool does
 * not keep a connection to this replica. Requests that still arrive on such a connection are
 * served: a proxy cannot resend a POST that got a refusal, so refusing would fail the query.
 */
function closeWhileDraining(lifecycle: LifecycleService) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (lifecycle.isShuttingDown) res.setHeader('Connection', 'close');
    next();
  };
}

/**
 * Swagger UI turns a response with `Content-Disposition: attachment` into a "Download file"
 * link; in a try-it-out console the rows are what a reader wants to see. Dropping the header
 * from Swagger UI's copy of the response shows the body instead (the wire is unchanged).
 * Serialized into swagger-ui-init.js and run in the browser, so it must be self-contained.
 */
function showDownloadsInline(res: { headers: Record<string, string> }): unknown {
  delete res.headers['content-disposition'];
  return res;
}

/**
 * Builds the fully configured application (used by main, the OpenAPI script and the e2e
 * suites, so all three see the same app). Does not listen. Logs go to `log` (JSON lines on
 * stdout at LOG_LEVEL by default; `false` for none).
 */
export async function createApp(
  config: AppConfig,
  log?: Logger | false,
): Promise<NestExpressApplication> {
  const logger = log === false ? silentLogger() : (log ?? createJsonLogger(config.logLevel));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bodyParser: false,
    abortOnError: false,
    logger: new NestJsonLogger(logger),
  });
  configureHttpServer(app.getHttpServer(), config.http);
  app.disable('x-powered-by');
  app.set('etag', false);
  // Off by default: a client could otherwise pick its own address for the login throttle.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(requestIds);
  app.use(accessLog(logger));
  app.use(closeWhileDraining(app.get(LifecycleService)));
  // No upgrade-insecure-requests: behind plain HTTP (local, or TLS ended at an ingress) it
  // would make browsers fetch Swagger UI's assets over https and fail.
  app.use(
    helmet({
      crossOriginEmbedderPolicy: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      exposedHeaders: ['X-Query-Id', 'Retry-After', 'Content-Disposition'],
    });
  }
  // JSON escaping can make a body up to six times its SQL; the exact SQL limit is checked later.
  app.useBodyParser('json', { limit: config.query.sqlMaxBytes * 6 + 65536, strict: true });
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new AllExceptionsFilter());
  const document = buildOpenApi(app);
  app.use(methodNotAllowed(document));
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { responseInterceptor: showDownloadsInline },
  });
  serveConsole(app);
  app.use('/openapi.json', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path !== '/') return next();
    res.json(document);
  });
  return app;
}
