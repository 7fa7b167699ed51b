import type { Clock } from '../../core/shared/ports.js';
import { refillTimeMs, takeToken } from '../../core/intake/take-token.js';
import { type RateLimiter } from '../../core/intake/ports.js';

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  clock?: Clock;
  /** Buckets kept before full ones are forgotten (default 10 000). */
  maxBuckets?: number;
}

/**
 * In-process token buckets (used without Redis; not shared between replicas). Buckets that
 * have refilled completely are forgotten, so memory stays bounded.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? { now: () => Date.now() };
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, { tokens: number; updatedAt: number; expiresAt: number }>();

  function forgetFullBuckets(now: number): void {
    for (const [key, bucket] of buckets) if (bucket.expiresAt <= now) buckets.delete(key);
    // Still too many (a flood of distinct keys): drop the oldest; they only get fuller.
    for (const key of buckets.keys()) {
      if (buckets.size < maxBuckets) break;
      buckets.delete(key);
    }
  }

  return {
    async take(key, limit) {
      const now = clock.now();
      if (!buckets.has(key) && buckets.size >= maxBuckets) forgetFullBuckets(now);
      const current = buckets.get(key);
      const { bucket, decision } = takeToken(current && current.expiresAt > now ? current : undefined, limit, now);
      buckets.delete(key);
      buckets.set(key, { ...bucket, expiresAt: now + refillTimeMs(limit) });
      return decision;
    },
  };
}
