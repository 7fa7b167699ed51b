/** A steady call rate with bursts: `perMinute` on average, up to `burst` back to back. */
export interface CallRate {
  perMinute: number;
  burst: number;
}

/**
 * Call slots shared by every replica (Redis; process memory in memory mode): a caller reserves
 * the next slot of a scope (e.g. one workspace's `chat.appendStream`) and waits until it comes.
 * Slots are handed out in order, one per call, so callers queue fairly instead of retrying.
 */
export interface CallBudget {
  /** Reserves the next call slot of `scope` under `rate`; resolves with the ms to wait before calling (0: now). */
  reserve(scope: string, rate: CallRate, now: number): Promise<number>;
}
