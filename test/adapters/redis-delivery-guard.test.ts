import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisDeliveryGuard } from '../../src/adapters/redis/redis-delivery-guard.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { describeDeliveryGuardConformance } from '../conformance/delivery-guard-conformance.js';
import { createRedisTestContext, testRedisUrl } from '../helpers/redis-test-prefix.js';
import type { RedisTestContext } from '../helpers/redis-test-prefix.js';

describeDeliveryGuardConformance('redis delivery guard', async () => {
  const context = await createRedisTestContext('guard-test');
  const extraClients: Redis[] = [];
  return {
    guard: createRedisDeliveryGuard({ redis: context.redis, keyPrefix: context.prefix }),
    async connectAnotherClient() {
      const redis = createRedisConnection({ url: testRedisUrl, connectionName: 'crew-guard-test-2' });
      extraClients.push(redis);
      return createRedisDeliveryGuard({ redis, keyPrefix: context.prefix });
    },
    async cleanup() {
      await Promise.all(extraClients.map((redis) => redis.quit()));
      await context.cleanup();
    },
  };
});

describe('createRedisDeliveryGuard', () => {
  let context: RedisTestContext | undefined;

  afterEach(async () => {
    await context?.cleanup();
    context = undefined;
  });

  it('stores a claim as <prefix>seen:<id> with the ttl, in one round trip', async () => {
    context = await createRedisTestContext('guard-test');
    const roundTrips: string[] = [];
    const guard = createRedisDeliveryGuard({ redis: context.redis, keyPrefix: context.prefix, onRoundTrip: (command) => roundTrips.push(command) });
    expect(await guard.claim('Ev123', 30_000)).toBe(true);
    expect(roundTrips).toHaveLength(1);
    const key = `${context.prefix}seen:Ev123`;
    expect(await context.listKeys()).toEqual([key]);
    const ttl = await context.redis.pttl(key);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await guard.release('Ev123');
    expect(await context.listKeys()).toEqual([]);
  });

  it('fails with StoreUnavailableError within about 2 s when Redis is down', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', connectionName: 'crew-guard-down-test' });
    const guard = createRedisDeliveryGuard({ redis, keyPrefix: 'crew-test:down:' });
    try {
      const startedAt = Date.now();
      const [claim, release] = await Promise.allSettled([guard.claim('Ev1', 1000), guard.release('Ev1')]);
      expect(Date.now() - startedAt).toBeLessThan(2000);
      for (const outcome of [claim, release]) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      }
    } finally {
      redis.disconnect();
    }
  });
});
