import { FailureThrottle } from './failure-throttle';

const T0 = 1_700_000_000_000;

function fail(throttle: FailureThrottle, key: string, times: number, now = T0): void {
  for (let i = 0; i < times; i++) throttle.recordFailure(key, now);
}

describe('FailureThrottle', () => {
  it('allows attempts until the 10th failure in the window, then refuses', () => {
    const throttle = new FailureThrottle();
    expect(throttle.retryAfter('u:alice', T0)).toBe(0);
    fail(throttle, 'u:alice', 9);
    expect(throttle.retryAfter('u:alice', T0)).toBe(0);
    fail(throttle, 'u:alice', 1);
    expect(throttle.retryAfter('u:alice', T0)).toBe(60);
  });

  it.each([
    [0, 60],
    [1, 60],
    [1_000, 59],
    [30_500, 30],
    [59_001, 1],
    [59_999, 1],
    [60_000, 0],
    [120_000, 0],
  ])('%i ms into the window, Retry-After is %i s', (elapsed, expected) => {
    const throttle = new FailureThrottle();
    fail(throttle, 'k', 10);
    expect(throttle.retryAfter('k', T0 + elapsed)).toBe(expected);
  });

  it('the window is fixed from the first failure, not sliding', () => {
    const throttle = new FailureThrottle();
    for (let i = 0; i < 10; i++) throttle.recordFailure('k', T0 + i * 5_000);
    // The 10th failure came 45 s in: 15 s remain of the window the first one opened.
    expect(throttle.retryAfter('k', T0 + 45_000)).toBe(15);
    expect(throttle.retryAfter('k', T0 + 60_000)).toBe(0);
  });

  it('failures in an expired window start a new count', () => {
    const throttle = new FailureThrottle();
    fail(throttle, 'k', 9);
    fail(throttle, 'k', 9, T0 + 60_000);
    expect(throttle.retryAfter('k', T0 + 60_000)).toBe(0);
    fail(throttle, 'k', 1, T0 + 61_000);
    expect(throttle.retryAfter('k', T0 + 61_000)).toBe(59);
  });

  it('keys are independent', () => {
    const throttle = new FailureThrottle();
    fail(throttle, 'u:alice', 10);
    expect(throttle.retryAfter('u:alice', T0)).toBeGreaterThan(0);
    expect(throttle.retryAfter('u:bob', T0)).toBe(0);
    expect(throttle.retryAfter('a:127.0.0.1', T0)).toBe(0);
  });

  it('honours a custom limit and window', () => {
    const throttle = new FailureThrottle(3, 2_000);
    fail(throttle, 'k', 2);
    expect(throttle.retryAfter('k', T0)).toBe(0);
    fail(throttle, 'k', 1);
    expect(throttle.retryAfter('k', T0)).toBe(2);
    expect(throttle.retryAfter('k', T0 + 1_500)).toBe(1);
    expect(throttle.retryAfter('k', T0 + 2_000)).toBe(0);
  });
});
