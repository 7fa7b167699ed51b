import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../src/adapters/memory/memory-rate-limiter.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { describeRateLimiterConformance } from '../conformance/rate-limiter-conformance.js';
import { createRedisTestContext } from '../helpers/redis-test-prefix.js';

describeRateLimiterConformance('memory rate limiter', async () => {
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const limiter = createMemoryRateLimiter({ clock });
  return {
    limiter,
    advanceTime: (ms) => {
      now += ms;
    },
    // One process: a "replica" is the same in-memory limiter.
    anotherReplica: () => limiter,
    cleanup: async () => {},
  };
});

describeRateLimiterConformance('Redis rate limiter', async () => {
  const context = await createRedisTestContext('rate-limit');
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  return {
    limiter: createRedisRateLimiter({ redis: context.redis, keyPrefix: context.prefix, clock }),
    advanceTime: (ms) => {
      now += ms;
    },
    anotherReplica: () => createRedisRateLimiter({ redis: context.redis.duplicate(), keyPrefix: context.prefix, clock }),
    cleanup: () => context.cleanup(),
  };
});

describe('createRedisRateLimiter (Redis specifics)', () => {
  it('keeps a bucket under `${prefix}ratelimit:<key>` that expires once it would be full again', async () => {
    const context = await createRedisTestContext('rate-limit');
    try {
      const limiter = createRedisRateLimiter({ redis: context.redis, keyPrefix: context.prefix });
      await limiter.take('T1:U1', { burst: 2, perMinute: 60 });
      const key = `${context.prefix}ratelimit:T1:U1`;
      expect(await context.listKeys()).toEqual([key]);
      const ttl = await context.redis.pttl(key);
      expect(ttl).toBeGreaterThan(2_000);
      expect(ttl).toBeLessThanOrEqual(3_000);
    } finally {
      await context.cleanup();
    }
  });

  it('rejects with StoreUnavailableError when Redis cannot be reached', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', connectionName: 'crew-test-down', commandTimeoutMs: 300, connectTimeoutMs: 200 });
    try {
      const limiter = createRedisRateLimiter({ redis, keyPrefix: 'crew-test:down:' });
      await expect(limiter.take('T1:U1', { burst: 1, perMinute: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      redis.disconnect();
    }
  });
});

describe('createMemoryRateLimiter', () => {
  it('forgets buckets beyond its capacity, oldest first', async () => {
    const limiter = createMemoryRateLimiter({ maxBuckets: 2 });
    const limit = { burst: 1, perMinute: 1 };
    await limiter.take('a', limit);
    await limiter.take('b', limit);
    await limiter.take('c', limit);
    expect(await limiter.take('a', limit)).toEqual({ allowed: true });
    expect((await limiter.take('c', limit)).allowed).toBe(false);
  });
});
