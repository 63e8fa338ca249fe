import { DomainError } from '../common/domain-error';
import { TrinoQueryError } from '../trino/trino-errors';
import { httpFailure } from './query-failure';

const signal = new AbortController().signal;

function failure(errorName: string, errorType: string): DomainError {
  const e = new TrinoQueryError({ message: `m ${errorName}`, errorName, errorType }, 'q1');
  return httpFailure(e, signal, 'q1');
}

describe('httpFailure', () => {
  it.each([
    ['QUERY_QUEUE_FULL', 'INSUFFICIENT_RESOURCES', 'TOO_MANY_QUERIES', 429],
    ['PERMISSION_DENIED', 'USER_ERROR', 'QUERY_FORBIDDEN', 403],
    ['SYNTAX_ERROR', 'USER_ERROR', 'QUERY_FAILED', 400],
    ['GENERIC_INTERNAL_ERROR', 'INTERNAL_ERROR', 'QUERY_INTERNAL', 502],
  ])('maps Trino %s (%s) before the head to %s', (name, type, code, status) => {
    const e = failure(name, type);
    expect([e.code, e.status]).toEqual([code, status]);
    expect(e.extra).toMatchObject({ queryId: 'q1', errorName: name });
  });

  it('asks a client of a full resource group to retry', () => {
    expect(failure('QUERY_QUEUE_FULL', 'INSUFFICIENT_RESOURCES').headers).toEqual({
      'Retry-After': '1',
    });
  });
});
