import {
  ArgumentsHost,
  BadRequestException,
  HttpException,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DomainError } from './domain-error';

interface Written {
  status?: number;
  body?: unknown;
  headers: Record<string, unknown>;
  destroyed: boolean;
}

/** The filter's answer to `exception`, through a response that records what it is given. */
function answer(exception: unknown, headersSent = false): Written {
  const out: Written = { headers: {}, destroyed: false };
  const res = {
    headersSent,
    setHeader: (k: string, v: unknown) => (out.headers[k] = v),
    status(code: number) {
      out.status = code;
      return this;
    },
    json: (body: unknown) => (out.body = body),
    destroy: () => (out.destroyed = true),
  };
  const req = { method: 'POST', path: '/query' };
  const host = {
    switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return out;
}

beforeAll(() => {
  Logger.overrideLogger(false);
});

describe('AllExceptionsFilter', () => {
  it('answers a DomainError with its code’s status, its extra fields and its headers', () => {
    const e = new DomainError(
      'TOO_MANY_QUERIES',
      'alice has 4 queries running',
      { queryId: 'q1' },
      { 'Retry-After': '1' },
    );
    expect(answer(e)).toEqual({
      status: 429,
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'alice has 4 queries running',
        queryId: 'q1',
      },
      headers: { 'Retry-After': '1' },
      destroyed: false,
    });
  });

  it('joins the messages of a validation failure into one', () => {
    const e = new BadRequestException({ message: ['sql must be a string', 'size must be ≥ 1'] });
    expect(answer(e).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'sql must be a string; size must be ≥ 1',
    });
  });

  it('names what body-parser refused, whether it arrives wrapped or as it is', () => {
    const cause = Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed' });
    const wrapped = new HttpException('Bad Request', 400, { cause });
    expect(answer(wrapped).body).toMatchObject({
      statusCode: 400,
      message: 'body is not valid JSON',
    });
    const raw = Object.assign(new Error('too large'), { status: 413, type: 'entity.too.large' });
    expect(answer(raw)).toMatchObject({ status: 413, body: { message: 'body is too large' } });
  });

  it('keeps a middleware error’s own text only when it is marked as safe to show', () => {
    const hidden = Object.assign(new Error('secret detail'), { status: 400 });
    expect(answer(hidden).body).toMatchObject({ message: 'Bad request' });
    const shown = Object.assign(new Error('range not satisfiable'), { status: 416, expose: true });
    expect(answer(shown).body).toMatchObject({ statusCode: 416, message: 'range not satisfiable' });
  });

  it('passes Terminus’s readiness body through as it is', () => {
    const details = {
      status: 'error',
      info: {},
      error: { trino: { status: 'down' } },
      details: {},
    };
    expect(answer(new ServiceUnavailableException(details))).toMatchObject({
      status: 503,
      body: details,
    });
  });

  it('turns anything else into a 500 that tells nothing of the cause', () => {
    const out = answer(new TypeError('cannot read properties of undefined (reading "x")'));
    expect(out.status).toBe(500);
    expect(out.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(answer('a thrown string').status).toBe(500);
  });

  it('cuts the connection when the head is already sent: a cut transfer must not look complete', () => {
    const out = answer(new DomainError('QUERY_FAILED', 'late'), true);
    expect(out).toEqual({ headers: {}, destroyed: true });
  });
});
