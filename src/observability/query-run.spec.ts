import { DomainError } from '../common/domain-error';
import { StreamStopped } from '../common/stream-stopped';
import { outcomeOf } from '../query/query-failure';
import { ClientGone } from '../query/readable-from';
import { TrinoAuthError, TrinoQueryError, TrinoUnavailableError } from '../trino/trino-client';
import { createJsonLogger } from './json-logger';
import { MetricsService } from './metrics.service';
import { QueryRun } from './query-run';

describe('QueryRun', () => {
  it('ends once: the first outcome counts, later ones are ignored', async () => {
    const metrics = new MetricsService();
    const lines: string[] = [];
    const log = createJsonLogger('log', { write: (s: string) => void lines.push(s) });
    const run = new QueryRun({ metrics, log }, 'csv', { user: 'alice', authMethod: 'basic' }, 'r1');
    run.addRows(3);
    run.addBytes('é,1\n');
    run.end('failed', 'SYNTAX_ERROR');
    run.end('cancelled', 'CLIENT_GONE');
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'trino_stream_queries_ended_total{endpoint="csv",outcome="failed",reason="SYNTAX_ERROR"} 1',
    );
    expect(text).not.toContain('reason="CLIENT_GONE"');
    expect(text).toContain('trino_stream_streams_in_flight{endpoint="csv"} 0');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ user: 'alice', rows: 3, bytes: 5, reqId: 'r1' });
  });
});

describe('outcomeOf', () => {
  const idle = new AbortController().signal;
  const aborted = (reason: unknown): AbortSignal => AbortSignal.abort(reason);

  it('names who ended the query', () => {
    expect(outcomeOf(new Error('x'), aborted(new ClientGone()))).toEqual([
      'cancelled',
      'CLIENT_GONE',
    ]);
    expect(outcomeOf(new Error('x'), aborted(new StreamStopped('stop')))).toEqual([
      'cancelled',
      'USER_CANCELED',
    ]);
    const trino = new TrinoQueryError({ message: 'm', errorName: 'SYNTAX_ERROR' }, 'q');
    expect(outcomeOf(trino, idle)).toEqual(['failed', 'SYNTAX_ERROR']);
    expect(outcomeOf(new TrinoUnavailableError('down'), idle)).toEqual([
      'failed',
      'TRINO_UNAVAILABLE',
    ]);
    expect(outcomeOf(new DomainError('TOO_MANY_QUERIES', 'm'), idle)).toEqual([
      'failed',
      'TOO_MANY_QUERIES',
    ]);
    expect(outcomeOf(new TrinoAuthError('refused'), idle)).toEqual(['failed', 'TRINO_AUTH_FAILED']);
    expect(outcomeOf(new TypeError('bug'), idle)).toEqual(['failed', 'INTERNAL_ERROR']);
  });
});
