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
 * The token bucket arithmetic both adapters share (the Redis one runs the same steps in Lua):
 * refills `tokens` for the time since `updatedAt`, then takes one if it can.
 */
export function takeToken(
  bucket: { tokens: number; updatedAt: number } | undefined,
  limit: RateLimit,
  now: number,
): { bucket: { tokens: number; updatedAt: number }; decision: RateLimitDecision } {
  const perMs = limit.perMinute / 60_000;
  let tokens = bucket?.tokens ?? limit.burst;
  let updatedAt = bucket?.updatedAt ?? now;
  if (now > updatedAt) {
    tokens = Math.min(limit.burst, tokens + (now - updatedAt) * perMs);
    updatedAt = now;
  }
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, updatedAt }, decision: { allowed: true } };
  return { bucket: { tokens, updatedAt }, decision: { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) } };
}

/** How long an untouched bucket needs to be full again (its keys can expire after that). */
export function refillTimeMs(limit: RateLimit): number {
  return Math.ceil((limit.burst / limit.perMinute) * 60_000);
}
