/**
 * Resolves after `ms`. Only for a window in which a test watches for something *not* to happen
 * (no request reaches Trino, a limit is outlasted); anything that does happen is waited for
 * with waitFor.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` every `everyMs` until it returns something other than undefined, null or false,
 * and returns that; undefined when `timeoutMs` passes first, so the caller decides whether that
 * fails the test (usually by expecting the condition it waited for).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 10_000, everyMs = 100 } = {},
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}
