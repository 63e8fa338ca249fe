import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { errorBody, sendError } from './error-body';

interface Mapped {
  status: number;
  body: object;
  headers: Record<string, string | string[]>;
}

/** body-parser and similar middleware throw plain errors that carry an HTTP status. */
interface StatusError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

const MIDDLEWARE_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'body is not valid JSON',
  'entity.too.large': 'body is too large',
  'encoding.unsupported': 'body has an unsupported content encoding',
  'charset.unsupported': 'body has an unsupported charset',
};

function fromHttpException(e: HttpException): Mapped {
  const status = e.getStatus();
  const res = e.getResponse();
  // Terminus answers readiness with its own documented body; probes and dashboards read it.
  if (typeof res === 'object' && 'details' in res) return { status, body: res, headers: {} };
  let message = e.message;
  if (typeof res === 'object' && 'message' in res) {
    const m = (res as { message: unknown }).message;
    message = Array.isArray(m) ? m.map(String).join('; ') : String(m);
  }
  const cause = e.cause as StatusError | undefined;
  if (cause?.type !== undefined && MIDDLEWARE_MESSAGES[cause.type])
    message = MIDDLEWARE_MESSAGES[cause.type];
  return { status, body: errorBody(status, message), headers: {} };
}

function fromMiddleware(e: StatusError): Mapped | undefined {
  const status = e.status ?? e.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const message = MIDDLEWARE_MESSAGES[e.type ?? ''] ?? (e.expose ? e.message : 'Bad request');
  return { status, body: errorBody(status, message), headers: {} };
}

/**
 * The single catch-all: known errors keep their status and message, anything else becomes
 * a 500 that hides internal detail. Once the head is sent nothing can be written, so the
 * socket is destroyed instead: a cut transfer must never look complete.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) {
      this.logger.warn(
        `error after response head on ${req.method} ${req.path}: ${String(exception)}`,
      );
      res.destroy();
      return;
    }
    const mapped = this.map(exception, req);
    sendError(res, mapped.status, mapped.body, mapped.headers);
  }

  private map(exception: unknown, req: Request): Mapped {
    if (exception instanceof DomainError) {
      const status = exception.status;
      return {
        status,
        body: errorBody(status, exception.message, exception.extra),
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    const fromMw = exception instanceof Error ? fromMiddleware(exception) : undefined;
    if (fromMw) return fromMw;
    this.logger.error(
      `unhandled error on ${req.method} ${req.path}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return { status: 500, body: errorBody(500, 'Internal server error'), headers: {} };
  }
}
