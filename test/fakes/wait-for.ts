/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
  /** Extra text appended to the timeout error, computed only when the wait fails. */
  describe?: () => string;
}

/**
 * Polls `predicate` until it returns a truthy value and resolves with that value.
 * Rejects after `timeoutMs` with an error that includes `describe()` (if given), so e2e
 * failures show what the fake actually saw. A predicate that throws is treated as falsy
 * until the deadline; its last error is included in the message.
 */
export async function waitFor<T>(
  predicate: () => T | false | null | undefined | 0 | '',
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = predicate();
      if (value) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const parts = [`waitFor: condition not met within ${timeoutMs} ms`];
  if (lastError !== undefined) {
    parts.push(`last predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
  if (options.describe) parts.push(options.describe());
  throw new Error(parts.join('\n'));
}
