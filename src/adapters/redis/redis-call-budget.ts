import type { RedisClient } from './redis-client.js';
import type { CallBudget } from '../../core/quota/ports.js';

/** Options of {@link createRedisCallBudget}. */
export interface RedisCallBudgetOptions {
  redis: RedisClient;
  /** The key of a scope (from `redis-keys.ts`: `callBudget`). */
  keyOf(scope: string): string;
}

/**
 * `reserveCallSlot` (core/quota) in Lua, one key per scope, one round trip per call: reads the
 * scope's next arrival time, reserves the caller's slot, and keeps the key only as long as its
 * slots lie ahead. KEYS: the scope. ARGV: now ms, interval ms, tolerance ms. Returns the wait ms.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local stored = tonumber(redis.call('GET', KEYS[1]))
local arrival = now
if stored and stored > now then arrival = stored end
local wait = arrival - tolerance - now
if wait < 0 then wait = 0 end
local nextAt = arrival + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextAt), 'PX', math.ceil(nextAt - now + 1000))
return string.format('%.3f', wait)`;

/** Call slots shared by every replica through Redis (a scope is one key: safe on Redis Cluster). */
export function createRedisCallBudget(options: RedisCallBudgetOptions): CallBudget {
  const { redis, keyOf } = options;
  return {
    async reserve(scope, rate, now) {
      const intervalMs = 60_000 / Math.max(rate.perMinute, 1e-6);
      const toleranceMs = intervalMs * (Math.max(1, Math.floor(rate.burst)) - 1);
      const reply = await redis.eval(RESERVE_SCRIPT, 1, keyOf(scope), now, intervalMs, toleranceMs);
      return Number(reply);
    },
  };
}
