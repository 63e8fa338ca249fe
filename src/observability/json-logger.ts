import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

/** LOG_LEVEL uses Nest's names; pino's equivalents, most severe first. */
const PINO_LEVEL: Record<string, pino.LevelWithSilent> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Paths redacted wherever they appear in a log object. Nothing logs headers today; this is the
 * guard for the day something does, since a credential in a log is a credential leaked.
 */
const REDACT = [
  'authorization',
  'idtoken',
  'password',
  'token',
  '*.authorization',
  '*.idtoken',
  '*.password',
  '*.token',
  'req.headers.authorization',
  'req.headers.idtoken',
  'req.headers.cookie',
];

/** The process's one structured logger: JSON lines on stdout (or `destination`, for tests). */
export function createJsonLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level: PINO_LEVEL[level] ?? 'info',
      base: { service: 'trino-stream' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}

/** A logger that writes nothing (the OpenAPI script, unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Nest's own messages (startup, errors with stacks) as the same JSON lines, with `context`. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const [stack, ctx] =
      context === undefined ? [undefined, stackOrContext] : [stackOrContext, context];
    this.pino.error({ context: ctx, stack }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.pino.fatal({ context }, String(message));
  }
}
