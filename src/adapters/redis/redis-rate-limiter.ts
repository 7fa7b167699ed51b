import { createRedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';
import type { Clock } from '../../core/shared/ports.js';
import { refillTimeMs } from '../../core/intake/take-token.js';
import { type RateLimiter } from '../../core/intake/ports.js';
import { StoreUnavailableError } from '../../core/errors.js';

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  /** Time source; replicas' clocks only need to agree roughly (NTP). */
  clock?: Clock;
}

/**
 * KEYS[1] bucket hash (`t` tokens, `u` updated-at ms). ARGV: burst, tokens per ms, now ms,
 * expiry ms. Refills for the time since the last update, takes a token when there is one,
 * and returns {1, 0} (allowed) or {0, retry-after ms}. Atomic, one round trip. Tokens are
 * fractional, so they are stored as strings.
 */
const TAKE_TOKEN_SCRIPT = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local stored = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(stored[1])
local updatedAt = tonumber(stored[2])
if tokens == nil or updatedAt == nil then
  tokens = burst
  updatedAt = now
end
if now > updatedAt then
  tokens = math.min(burst, tokens + (now - updatedAt) * perMs)
  updatedAt = now
end
local allowed = 0
local retryAfter = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retryAfter = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%d', updatedAt))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, retryAfter}
`;

/**
 * Token buckets on Redis, shared by every replica: `<prefix>ratelimit:<key>` is a small hash
 * that expires once the bucket would be full again. Failures surface as `StoreUnavailableError`.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis } = options;
  const keys = createRedisKeys(options.keyPrefix);
  const clock = options.clock ?? { now: () => Date.now() };

  return {
    async take(key, limit) {
      let reply: unknown;
      try {
        reply = await redis.eval(
          TAKE_TOKEN_SCRIPT,
          1,
          keys.rateLimit(key),
          limit.burst,
          limit.perMinute / 60_000,
          Math.floor(clock.now()),
          refillTimeMs(limit) + 1_000,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreUnavailableError(`Redis rate limit failed: ${reason}`, { cause: error });
      }
      const [allowed, retryAfterMs] = Array.isArray(reply) ? reply.map(Number) : [1, 0];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, retryAfterMs ?? 1) };
    },
  };
}
