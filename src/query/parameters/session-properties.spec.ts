import { sessionHeader, SessionError } from './session-properties';

const ALLOWED = ['query_max_stage_count', 'join_distribution_type', 'tpch.splits_per_node'];

describe('sessionHeader', () => {
  it('is undefined when there is nothing to set', () => {
    expect(sessionHeader(undefined, undefined, ALLOWED)).toBeUndefined();
    expect(sessionHeader(undefined, {}, [])).toBeUndefined();
  });

  it('turns timeout into query_max_run_time in seconds', () => {
    expect(sessionHeader(30, undefined, [])).toBe('query_max_run_time=30s');
  });

  it('sends allowed properties, values URL-encoded as Trino clients do', () => {
    expect(
      sessionHeader(5, { join_distribution_type: 'BROADCAST', query_max_stage_count: 50 }, ALLOWED),
    ).toBe('join_distribution_type=BROADCAST,query_max_stage_count=50,query_max_run_time=5s');
    expect(sessionHeader(undefined, { 'tpch.splits_per_node': 'a,b=c d' }, ALLOWED)).toBe(
      'tpch.splits_per_node=a%2Cb%3Dc%20d',
    );
  });

  it.each<[string, Record<string, unknown>, string[], RegExp]>([
    [
      'a name not allowed',
      { query_max_memory: '1GB' },
      ALLOWED,
      /"query_max_memory" is not allowed \(allowed: query_max_stage_count/,
    ],
    ['any name when none is allowed', { a: 1 }, [], /"a" is not allowed \(allowed: none\)/],
    [
      'an object value',
      { query_max_stage_count: { n: 1 } },
      ALLOWED,
      /must be a string, number or boolean/,
    ],
    ['null', { query_max_stage_count: null }, ALLOWED, /must be a string, number or boolean/],
    [
      'a control character',
      { join_distribution_type: 'a\nb' },
      ALLOWED,
      /without control characters/,
    ],
    ['an empty string', { join_distribution_type: '' }, ALLOWED, /1 to 1000 characters/],
  ])('refuses %s', (_label, session, allowed, message) => {
    expect(() => sessionHeader(undefined, session, allowed)).toThrow(SessionError);
    expect(() => sessionHeader(undefined, session, allowed)).toThrow(message);
  });
});
