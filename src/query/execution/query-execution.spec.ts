import type { QueryRun } from '../../observability/query-run';
import type { TrinoStatement } from '../../trino/trino-statement';
import { QueryExecution } from './query-execution';

/** What happened, in order, across the fakes. */
let events: string[];

/** FAKE: a statement that records its cancels and heartbeats; `done` says whether it still runs. */
function fakeStatement(done = false): TrinoStatement {
  return {
    id: 'q1',
    done,
    cancel: () => {
      events.push('cancel');
      return Promise.resolve();
    },
    heartbeat: () => Promise.resolve(),
  } as unknown as TrinoStatement;
}

/** FAKE: a run account that records how it was ended (the first end wins, as QueryRun's). */
function fakeRun(): QueryRun {
  let ended = false;
  return {
    queryId: '',
    end: (outcome: string, reason: string) => {
      if (!ended) events.push(`end ${outcome} ${reason}`);
      ended = true;
    },
  } as unknown as QueryRun;
}

beforeEach(() => {
  events = [];
});

describe('QueryExecution.dispose', () => {
  it('ends the account, unbinds, cancels in Trino, then gives back what admission took', async () => {
    const q = new QueryExecution(fakeRun(), undefined);
    q.hold(() => events.push('slot'));
    q.hold(() => events.push('drain'));
    q.started(fakeStatement(), () => events.push('unregister'), 60_000);
    await q.dispose();
    expect(events).toEqual(['end cancelled CLIENT_GONE', 'unregister', 'cancel', 'drain', 'slot']);
  });

  it('runs once, however many endings call it', async () => {
    const q = new QueryExecution(fakeRun(), undefined);
    q.hold(() => events.push('slot'));
    await Promise.all([q.dispose(), q.dispose()]);
    await q.dispose();
    expect(events.filter((e) => e === 'slot')).toHaveLength(1);
  });

  it('does not cancel a statement that is done, nor one never submitted', async () => {
    const finished = new QueryExecution(fakeRun(), undefined);
    finished.started(fakeStatement(true), () => undefined, 60_000);
    await finished.dispose();
    const refused = new QueryExecution(fakeRun(), undefined);
    await refused.dispose();
    expect(events).not.toContain('cancel');
  });

  it('an account already ended keeps its outcome', async () => {
    const run = fakeRun();
    run.end('completed', 'END');
    await new QueryExecution(run, undefined).dispose();
    expect(events).toEqual(['end completed END']);
  });

  it('an abort cancels the statement in Trino at once', async () => {
    const q = new QueryExecution(fakeRun(), undefined);
    q.started(fakeStatement(), () => undefined, 60_000);
    q.controller.abort();
    expect(events).toEqual(['cancel']);
    await q.dispose();
  });
});
