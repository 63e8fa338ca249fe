/** Failures allowed per key within the window before further attempts are refused. */
const MAX_FAILURES = 10;
const WINDOW_MS = 60_000;
const MAX_KEYS = 100_000;

interface Entry {
  failures: number;
  windowStart: number;
}

/**
 * Counts failed logins per key (a user name, a client address) in a fixed window. Once a key
 * reaches the limit, attempts are refused until the window ends, so a password can't be
 * guessed at bcrypt's speed times the number of cores.
 */
export class FailureThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures = MAX_FAILURES,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Seconds until `key` may try again, or 0 if it may try now. */
  retryAfter(key: string, now = Date.now()): number {
    const e = this.entries.get(key);
    if (!e || now - e.windowStart >= this.windowMs) return 0;
    return e.failures >= this.maxFailures
      ? Math.ceil((e.windowStart + this.windowMs - now) / 1000)
      : 0;
  }

  recordFailure(key: string, now = Date.now()): void {
    const e = this.entries.get(key);
    if (!e || now - e.windowStart >= this.windowMs) {
      if (this.entries.size >= MAX_KEYS) this.evictExpired(now);
      this.entries.set(key, { failures: 1, windowStart: now });
    } else {
      e.failures += 1;
    }
  }

  private evictExpired(now: number): void {
    for (const [k, e] of this.entries)
      if (now - e.windowStart >= this.windowMs) this.entries.delete(k);
    // Under a flood of distinct keys, forget the oldest rather than grow without bound.
    if (this.entries.size >= MAX_KEYS)
      this.entries.delete(this.entries.keys().next().value as string);
  }
}
