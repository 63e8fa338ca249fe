import type { AppConfig } from '../config/app-config';
import { durationSeconds, RunTimeLimit } from './run-time-limit';
import type { TrinoClient } from './trino-client';

describe('durationSeconds', () => {
  it.each<[string, number]>([
    ['100.00d', 8_640_000],
    ['5.00s', 5],
    ['1.50h', 5400],
    ['30.00m', 1800],
    ['250.00ms', 0.25],
    ['7s', 7],
  ])('%s is %d s', (text, seconds) => {
    expect(durationSeconds(text)).toBeCloseTo(seconds, 9);
  });

  it.each(['', '5', 's', '5 weeks', '-1s'])('refuses %j', (text) => {
    expect(() => durationSeconds(text)).toThrow(/not a Trino duration/);
  });
});

describe('RunTimeLimit.cap', () => {
  /** FAKE: a Trino whose SHOW SESSION says the cluster allows `limit`; counts its statements. */
  function fakeTrino(limit: string): { client: TrinoClient; statements: () => number } {
    let statements = 0;
    const client = {
      submit: (sql: string) => {
        statements++;
        expect(sql).toBe("SHOW SESSION LIKE 'query_max_run_time'");
        const pages = [[['query_max_run_time', limit, limit, 'varchar', 'Maximum run time']]];
        return Promise.resolve({ nextValues: () => Promise.resolve(pages.shift()) });
      },
    } as unknown as TrinoClient;
    return { client, statements: () => statements };
  }
  const config = { trino: { source: 'trino-stream' } } as AppConfig;
  const signal = new AbortController().signal;

  it("lowers a timeout above the cluster's limit to it, and keeps one below", async () => {
    const trino = fakeTrino('5.00s');
    const limit = new RunTimeLimit(trino.client, config);
    expect(await limit.cap(3600, signal)).toBe(5);
    expect(await limit.cap(2, signal)).toBe(2);
    // The cluster's limit is read once, then cached.
    expect(trino.statements()).toBe(1);
  });

  it('never sends less than a second', async () => {
    const limit = new RunTimeLimit(fakeTrino('250.00ms').client, config);
    expect(await limit.cap(10, signal)).toBe(1);
  });
});
