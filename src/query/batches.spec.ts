import { ProgressTicker } from './batches';

describe('ProgressTicker', () => {
  const stats = (processedRows: number, state = 'RUNNING') => ({
    state,
    processedRows,
    processedBytes: processedRows * 10,
  });

  afterEach(() => jest.useRealTimers());

  it('passes on the first stats at once, then at most once per interval', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const ticker = new ProgressTicker(250);
    expect(ticker.due(stats(1))).toEqual({
      state: 'RUNNING',
      processedRows: 1,
      processedBytes: 10,
    });
    jest.advanceTimersByTime(100);
    expect(ticker.due(stats(2))).toBeUndefined();
    jest.advanceTimersByTime(150);
    expect(ticker.due(stats(3))).toMatchObject({ processedRows: 3 });
  });

  it('stays quiet while nothing moved, and without stats', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const ticker = new ProgressTicker(250);
    expect(ticker.due(undefined)).toBeUndefined();
    expect(ticker.due({ processedRows: 5 })).toBeUndefined();
    expect(ticker.due(stats(5, 'QUEUED'))).toMatchObject({ state: 'QUEUED' });
    jest.advanceTimersByTime(1000);
    expect(ticker.due(stats(5, 'QUEUED'))).toBeUndefined();
    expect(ticker.due(stats(5, 'RUNNING'))).toMatchObject({ state: 'RUNNING' });
  });

  it('adds the percentage only when Trino gives one', () => {
    const ticker = new ProgressTicker(0);
    expect(ticker.due({ ...stats(1), progressPercentage: 12.5 })).toEqual({
      state: 'RUNNING',
      processedRows: 1,
      processedBytes: 10,
      progressPercentage: 12.5,
    });
  });
});
