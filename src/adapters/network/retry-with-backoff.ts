/** Options for {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  /** One try; resolves `true` when done (reachable, or a failure retrying cannot fix). */
  attempt: () => Promise<boolean>;
  /** First wait after a failed try; doubled after each, up to `maxDelayMs`. Default 1 s. */
  initialDelayMs?: number;
  /** Longest wait between tries. Default 5 minutes. */
  maxDelayMs?: number;
}

/** A running retry loop. */
export interface RetryLoop {
  /** Settles when a try says it is done, or after `stop()`. */
  done: Promise<void>;
  /** No more tries (shutdown). */
  stop(): void;
}

/**
 * Runs `attempt` until it says it is done, waiting twice as long after each failure (capped).
 * Timers are unref'd: a start-up probe never keeps a process alive.
 */
export function retryWithBackoff(options: RetryWithBackoffOptions): RetryLoop {
  const maxDelayMs = options.maxDelayMs ?? 300_000;
  let delayMs = options.initialDelayMs ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      if (await options.attempt().catch(() => false)) return;
      if (stopped) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delayMs);
        timer.unref();
      });
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
