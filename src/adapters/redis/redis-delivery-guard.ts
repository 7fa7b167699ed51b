import { createRedisKeys, DEFAULT_REDIS_KEY_PREFIX } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';
import type { DeliveryGuard } from '../../core/intake/ports.js';
import { StoreUnavailableError } from '../../core/errors.js';

/** Options for {@link createRedisDeliveryGuard}. */
export interface RedisDeliveryGuardOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prepended to every key, e.g. `crew:`. Default `crew:`. */
  keyPrefix?: string;
  /** Called once per network round trip, with a label. */
  onRoundTrip?: (command: string) => void;
}

/**
 * Claims all KEYS or none. ARGV[1]: ttl ms. Returns 0 when every key was set (to `p`: pending
 * until kept), else the 1-based index of the first key already present — negative while that
 * claim is still pending — and then none is set. Atomic, one round trip.
 */
const CLAIM_ALL_SCRIPT = `
for index, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  if held then
    if held == 'p' then return -index end
    return index
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, 'p', 'PX', ARGV[1])
end
return 0`;

/** Keeps every KEY still present: value `k` (kept), ttl ARGV[1] ms; absent keys stay absent. One round trip, one slot. */
const EXTEND_SCRIPT = `
for _, key in ipairs(KEYS) do
  redis.call('SET', key, 'k', 'PX', ARGV[1], 'XX')
end
return 0`;

/**
 * Creates a DeliveryGuard on Redis: a claim is `SET <prefix>seen:<id> 1 NX PX ttl` (one round
 * trip, atomic across processes) — `<prefix>seen:{<scope>}:<id>` for a scoped one, so the ids a
 * delivery claims together share the scope's hash tag — `claimAll` a Lua script that sets all
 * keys or none, pending (`p`) until `extend` keeps them (`k`, `SET XX PX`), each one round trip
 * in one slot; a release is `DEL`. Failures surface as `StoreUnavailableError`.
 */
export function createRedisDeliveryGuard(options: RedisDeliveryGuardOptions): DeliveryGuard {
  const { redis, onRoundTrip } = options;
  const keys = createRedisKeys(options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX);
  const seenKey = (id: string, scope: string | undefined) => (scope === undefined ? keys.seen(id) : keys.scopedSeen(scope, id));

  async function runRoundTrip<T>(operation: string, command: string, send: () => Promise<T>): Promise<T> {
    onRoundTrip?.(command);
    try {
      return await send();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`Redis ${operation} failed: ${reason}`, { cause: error });
    }
  }

  return {
    async claim(id, ttlMs, scope) {
      // PX needs a positive integer; round up so a claim never lasts less than asked.
      const px = Math.max(1, Math.ceil(ttlMs));
      const reply = await runRoundTrip('claim', 'SET NX PX', () => redis.set(seenKey(id, scope), '1', 'PX', px, 'NX'));
      return reply === 'OK';
    },

    async claimAll(ids, ttlMs, scope) {
      if (ids.length === 0) return { claimed: true };
      const px = Math.max(1, Math.ceil(ttlMs));
      const reply = await runRoundTrip('claim', 'EVAL claim-all', () =>
        redis.eval(CLAIM_ALL_SCRIPT, ids.length, ...ids.map((id) => seenKey(id, scope)), px),
      );
      const taken = Number(reply);
      if (taken === 0) return { claimed: true };
      const alreadyClaimedId = ids[Math.abs(taken) - 1] ?? ids[0] ?? '';
      return taken < 0 ? { claimed: false, alreadyClaimedId, pending: true } : { claimed: false, alreadyClaimedId };
    },

    async release(id, scope) {
      await runRoundTrip('release', 'DEL', () => redis.del(seenKey(id, scope)));
    },

    async extend(ids, ttlMs, scope) {
      if (ids.length === 0) return;
      const px = Math.max(1, Math.ceil(ttlMs));
      await runRoundTrip('extend', 'EVAL extend', () => redis.eval(EXTEND_SCRIPT, ids.length, ...ids.map((id) => seenKey(id, scope)), px));
    },
  };
}
