import type { RateLimit, RateLimitDecision } from './ports.js';

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
