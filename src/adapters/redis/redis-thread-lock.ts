import { createRedisKeys } from './redis-keys.js';
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type { ThreadKey } from '../../core/thread/thread-key.js';

/** A held per-thread lock (the Redis queue's; the core never sees locks). */
export interface HeldLock {
  /** Extends the lock's expiry. Returns false when the lock was lost (expired and taken). */
  renew(): Promise<boolean>;
  /** Releases the lock if still held by this holder. */
  release(): Promise<void>;
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
  return createRedisKeys(keyPrefix).lock(key);
}

/** A fresh holder token (the lock key's value while held). */
export function createRedisThreadLockToken(): string {
  return randomUUID();
}

/**
 * The handle of a per-thread lock already taken as `SET lockKey token NX PX ttlMs` (by the turn
 * queue's scripts): token-checked renew and release, so a holder whose lock expired never
 * touches the next holder's.
 */
export function holdRedisThreadLock(redis: RedisClient, lockKey: string, token: string, ttlMs: number): HeldLock {
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
