import type { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { QueryRegistry } from './query-registry.service';

function registry(maxConcurrent: number): QueryRegistry {
  const config = { query: { maxConcurrent, maxConcurrentPerUser: 10 } } as unknown as AppConfig;
  return new QueryRegistry(config, new MetricsService());
}

const refusal = (take: () => unknown): string | undefined => {
  try {
    take();
    return undefined;
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
};

describe('QueryRegistry slots', () => {
  it('counts a stream that takes two slots as two against the cap', () => {
    const r = registry(3);
    const compressed = r.acquire('alice', 2);
    r.acquire('bob', 1);
    expect(refusal(() => r.acquire('carol', 1))).toBe('REPLICA_FULL');
    compressed();
    expect(refusal(() => r.acquire('carol', 2))).toBeUndefined();
  });

  it('gives the slots back once, however often released', () => {
    const r = registry(2);
    const release = r.acquire('alice', 2);
    release();
    release();
    r.acquire('alice', 2);
    expect(refusal(() => r.acquire('bob', 1))).toBe('REPLICA_FULL');
  });

  it('lets a stream that wants more than the whole cap run alone', () => {
    const r = registry(1);
    r.acquire('alice', 2);
    expect(refusal(() => r.acquire('bob', 1))).toBe('REPLICA_FULL');
  });

  it('checks the per-user limit before the cap', () => {
    const config = { query: { maxConcurrent: 1, maxConcurrentPerUser: 1 } } as unknown as AppConfig;
    const r = new QueryRegistry(config, new MetricsService());
    r.acquire('alice', 1);
    expect(refusal(() => r.acquire('alice', 1))).toBe('TOO_MANY_QUERIES');
  });
});
