import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HeldLock, ThreadLock } from '../../core/queue/ports.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** Options of {@link createRedisThreadLock}. */
export interface RedisThreadLockOptions {
  redis: Redis;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
}

/** Extends the key's expiry only when it still holds this holder's token. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the key only when it still holds this holder's token. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The key of a thread's lock (shared with scripts that take the lock themselves, e.g. the turn queue's). */
export function formatRedisThreadLockKey(keyPrefix: string, key: ThreadKey): string {
  return `${keyPrefix}lock:${formatThreadKey(key)}`;
}

/** A fresh holder token (the lock key's value while held). */
export function createRedisThreadLockToken(): string {
  return randomUUID();
}

/**
 * The handle of a lock already taken as `SET lockKey token NX PX ttlMs` (by
 * {@link createRedisThreadLock} or by a script): token-checked renew and release.
 */
export function holdRedisThreadLock(redis: Redis, lockKey: string, token: string, ttlMs: number): HeldLock {
  return {
    async renew(): Promise<boolean> {
      const renewed = await redis.eval(RENEW_SCRIPT, 1, lockKey, token, ttlMs);
      return renewed === 1;
    },
    async release(): Promise<void> {
      await redis.eval(RELEASE_SCRIPT, 1, lockKey, token);
    },
  };
}

/**
 * Per-thread lock on Redis: `SET key token NX PX ttl` to take it, token-checked Lua scripts
 * to renew and release it, so a holder whose lock expired never touches the next holder's.
 */
export function createRedisThreadLock(options: RedisThreadLockOptions): ThreadLock {
  const { redis, keyPrefix } = options;

  return {
    async tryAcquire(key: ThreadKey, ttlMs: number): Promise<HeldLock | undefined> {
      const lockKey = formatRedisThreadLockKey(keyPrefix, key);
      const token = createRedisThreadLockToken();
      const reply = await redis.set(lockKey, token, 'PX', ttlMs, 'NX');
      if (reply !== 'OK') return undefined;
      return holdRedisThreadLock(redis, lockKey, token, ttlMs);
    },
  };
}
