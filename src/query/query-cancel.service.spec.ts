import type { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { MetricsService } from '../observability/metrics.service';
import type { QueryOwner, TrinoQueries } from '../trino/trino-queries';
import { QueryCancel } from './query-cancel.service';
import { QueryRegistry } from './query-registry.service';

const ID = '20261205_115007_00038_jr6xp';
const ALICE = { user: 'alice', authMethod: 'basic' as const };
const config = {
  trino: { source: 'trino-stream' },
  query: { maxConcurrent: 10, maxConcurrentPerUser: 10 },
} as unknown as AppConfig;

/** A FAKE of Trino's query records: what `running` answers, and which kills were asked. */
class FakeTrinoQueries {
  lookups: string[] = [];
  kills: [string, string][] = [];
  constructor(
    private readonly owner?: QueryOwner,
    private readonly allowKill = true,
  ) {}
  running(queryId: string): Promise<QueryOwner | undefined> {
    this.lookups.push(queryId);
    return Promise.resolve(this.owner);
  }
  kill(queryId: string, user: string): Promise<boolean> {
    this.kills.push([queryId, user]);
    return Promise.resolve(this.allowKill);
  }
}

function setup(owner?: QueryOwner, allowKill = true) {
  const registry = new QueryRegistry(config, new MetricsService());
  const trino = new FakeTrinoQueries(owner, allowKill);
  const cancel = new QueryCancel(config, registry, trino as unknown as TrinoQueries);
  return { registry, trino, cancel };
}

async function codeOf(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
}

describe('QueryCancel', () => {
  it.each(['', 'x', '20261205_115007_00038', `${ID}_x`, '../v1/info', ID.toUpperCase()])(
    'refuses %p before asking anyone',
    async (id) => {
      const { cancel, trino } = setup({ user: 'alice', source: 'trino-stream', state: 'RUNNING' });
      expect(await codeOf(cancel.cancel(id, ALICE))).toBe('BAD_QUERY_ID');
      expect(trino.lookups).toEqual([]);
    },
  );

  it('stops a query running here without asking Trino', async () => {
    const { cancel, registry, trino } = setup();
    const controller = new AbortController();
    registry.register(ID, 'alice', controller);
    expect(await codeOf(cancel.cancel(ID, ALICE))).toBe('none');
    expect(controller.signal.aborted).toBe(true);
    expect(trino.lookups).toEqual([]);
  });

  it('cancels in Trino, as the caller, a query of theirs that runs elsewhere', async () => {
    const { cancel, trino } = setup({ user: 'alice', source: 'trino-stream', state: 'RUNNING' });
    expect(await codeOf(cancel.cancel(ID, ALICE))).toBe('none');
    expect(trino.kills).toEqual([[ID, 'alice']]);
  });

  it.each([
    ['unknown to Trino, or ended', undefined, 'QUERY_NOT_FOUND'],
    [
      'started by another client',
      { user: 'alice', source: 'trino-cli', state: 'RUNNING' },
      'QUERY_NOT_FOUND',
    ],
    [
      "another user's",
      { user: 'bob', source: 'trino-stream', state: 'RUNNING' },
      'QUERY_NOT_OWNER',
    ],
  ])('does not cancel a query %s', async (_, owner, code) => {
    const { cancel, trino } = setup(owner);
    expect(await codeOf(cancel.cancel(ID, ALICE))).toBe(code);
    expect(trino.kills).toEqual([]);
  });

  it("says so when Trino's kill rules refuse the owner", async () => {
    const { cancel } = setup({ user: 'alice', source: 'trino-stream', state: 'RUNNING' }, false);
    expect(await codeOf(cancel.cancel(ID, ALICE))).toBe('QUERY_FORBIDDEN');
  });
});
