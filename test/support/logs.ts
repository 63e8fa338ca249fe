import type { Logger } from 'pino';
import { createJsonLogger } from '../../src/observability/json-logger';

/** The service's real JSON logger, writing into memory so a test can read what it logged. */
export interface CapturedLogs {
  logger: Logger;
  /** Everything written so far, exactly as it would have reached stdout. */
  text(): string;
  records(): Record<string, unknown>[];
}

export function captureLogs(level = 'log'): CapturedLogs {
  const chunks: string[] = [];
  const logger = createJsonLogger(level, { write: (s: string) => void chunks.push(s) });
  const text = (): string => chunks.join('');
  return {
    logger,
    text,
    records: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
