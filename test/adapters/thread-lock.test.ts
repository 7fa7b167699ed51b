import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisThreadLockToken, formatRedisThreadLockKey, holdRedisThreadLock } from '../../src/adapters/redis/redis-thread-lock.js';
import type { HeldLock } from '../../src/adapters/redis/redis-thread-lock.js';
import type { ThreadKey } from '../../src/core/thread/thread-key.js';
import { formatRedisTurnQueueKeys } from '../../src/adapters/redis/redis-turn-queue-keys.js';
import { createRedisQueueTestContext } from '../helpers/redis-queue-test-context.js';

/** Takes a thread's lock as the queue's scripts do (`SET key token NX PX ttl`); the held lock is the queue's own. */
interface ThreadLock {
  tryAcquire(key: ThreadKey, ttlMs: number): Promise<HeldLock | undefined>;
}

function redisThreadLock(redis: Redis, keyPrefix: string): ThreadLock {
  return {
    async tryAcquire(key, ttlMs) {
      const lockKey = formatRedisThreadLockKey(keyPrefix, key);
      const token = createRedisThreadLockToken();
      if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      return holdRedisThreadLock(redis, lockKey, token, ttlMs);
    },
  };
}

interface LockUnderTest {
  /** Two clients of one lock backend (e.g. two processes). */
  lock: ThreadLock;
  other: ThreadLock;
  /** Lets `ms` pass for the backend. */
  elapse(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

const TTL_MS = 300;
const threadA: ThreadKey = { teamId: 'T1', channelId: 'C1', threadTs: '1.1' };
const threadB: ThreadKey = { teamId: 'T1', channelId: 'C1', threadTs: '1.2' };

function describeThreadLock(name: string, makeLock: () => Promise<LockUnderTest>): void {
  describe(`${name} (held lock)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    async function setUp(): Promise<LockUnderTest> {
      const handle = await makeLock();
      cleanups.push(() => handle.cleanup());
      return handle;
    }

    it('lets one holder at a time take a thread, threads independently', async () => {
      const { lock, other } = await setUp();
      expect(await lock.tryAcquire(threadA, TTL_MS)).toBeDefined();
      expect(await other.tryAcquire(threadA, TTL_MS)).toBeUndefined();
      expect(await lock.tryAcquire(threadA, TTL_MS)).toBeUndefined();
      expect(await other.tryAcquire(threadB, TTL_MS)).toBeDefined();
    });

    it('is free again after release', async () => {
      const { lock, other } = await setUp();
      const held = await lock.tryAcquire(threadA, TTL_MS);
      await held?.release();
      expect(await other.tryAcquire(threadA, TTL_MS)).toBeDefined();
    });

    it('keeps the lock while renewed, past its ttl', async () => {
      const { lock, other, elapse } = await setUp();
      const held = await lock.tryAcquire(threadA, TTL_MS);
      for (let step = 0; step < 4; step += 1) {
        await elapse(TTL_MS / 2);
        expect(await held?.renew()).toBe(true);
      }
      expect(await other.tryAcquire(threadA, TTL_MS)).toBeUndefined();
    });

    it('expires without renewal; the old holder can then neither renew nor release it', async () => {
      const { lock, other, elapse } = await setUp();
      const stale = await lock.tryAcquire(threadA, TTL_MS);
      await elapse(TTL_MS + 100);
      const fresh = await other.tryAcquire(threadA, TTL_MS);
      expect(fresh).toBeDefined();
      expect(await stale?.renew()).toBe(false);
      await stale?.release();
      expect(await lock.tryAcquire(threadA, TTL_MS)).toBeUndefined();
      expect(await fresh?.renew()).toBe(true);
    });

    it('reports a lost lock on renew after expiry even when nobody took it', async () => {
      const { lock, elapse } = await setUp();
      const held = await lock.tryAcquire(threadA, TTL_MS);
      await elapse(TTL_MS + 100);
      expect(await held?.renew()).toBe(false);
    });
  });
}

describeThreadLock('redis thread lock', async () => {
  const context = await createRedisQueueTestContext();
  return {
    lock: redisThreadLock(context.redis, context.prefix),
    other: redisThreadLock(context.createClient(), context.prefix),
    elapse: (ms) => sleep(ms),
    cleanup: () => context.cleanup(),
  };
});

describe('the Redis thread lock (Redis specifics)', () => {
  it('stores the lock under `${prefix}lock:{q<shard>}:<thread>` (its queue shard\'s slot) with the ttl', async () => {
    const context = await createRedisQueueTestContext();
    try {
      const lock = redisThreadLock(context.redis, context.prefix);
      await lock.tryAcquire(threadA, 5_000);
      const ttl = await context.redis.pttl(formatRedisTurnQueueKeys(context.prefix).listKeysOf(threadA).lockKey);
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(5_000);
    } finally {
      await context.cleanup();
    }
  });
});
