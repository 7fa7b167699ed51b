/** Ports of the intake: exactly-once delivery claims and per-person rate limits. */

/** Outcome of {@link DeliveryGuard.claimAll}. */
export type ClaimAllResult =
  | { claimed: true }
  /** `pending`: that claim was made and not yet kept (`extend`): its question may not be queued yet. */
  | { claimed: false; alreadyClaimedId: string; pending?: boolean };

/**
 * Records which deliveries were already taken, so Slack's retries and duplicate events run once.
 * An id is claimed within an optional `scope` (the intake uses the channel): the same id in
 * another scope is another claim, and the ids claimed together share their scope, so a
 * backend can keep them side by side (one Redis Cluster slot) and claim them in one step.
 */
export interface DeliveryGuard {
  /** Claims `id` for `ttlMs`. Returns true for the first claim, false when already claimed. */
  claim(id: string, ttlMs: number, scope?: string): Promise<boolean>;
  /**
   * Claims every id for `ttlMs` at once, all or none (one round trip where the backend allows).
   * When any id was already claimed, nothing is claimed and that id is returned. Optional: a
   * guard without it is used one `claim` at a time.
   */
  claimAll?(ids: readonly string[], ttlMs: number, scope?: string): Promise<ClaimAllResult>;
  /** Releases a claim (used when the work could not be queued, so a retry may take it). */
  release(id: string, scope?: string): Promise<void>;
  /**
   * Keeps claims still held, with a new ttl (the intake claims for a few seconds, and keeps the
   * claim for hours once the question is queued); a kept claim is no longer `pending`. Ids no
   * longer held stay unclaimed. Optional: a guard without it is claimed for the full ttl at once.
   */
  extend?(ids: readonly string[], ttlMs: number, scope?: string): Promise<void>;
}

/** Outcome of asking the rate limiter for one question. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Size and refill of one token bucket. */
export interface RateLimit {
  /** Most questions in a quick burst (bucket size). */
  burst: number;
  /** Tokens added per minute (refill rate). */
  perMinute: number;
}

/**
 * Token buckets keyed by who is asking (e.g. `team:user`). Every replica shares the buckets
 * (Redis in production). Failures to reach the backend throw `StoreUnavailableError`.
 */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket; refused with the wait until a token is back. */
  take(key: string, limit: RateLimit): Promise<RateLimitDecision>;
}

/**
 * How the intake talks back to the asker on the surface they used: a note only they see, and
 * (where there is a thread) a message in the thread.
 */
export interface IntakeReplies {
  /** A note only the asker sees. */
  tellPrivately(text: string): Promise<void>;
  /** A message in the question's thread; surfaces without one fall back to a private note. */
  tellInThread?(text: string): Promise<void>;
}
