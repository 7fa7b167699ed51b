import { createRedisConversationStore } from '../../src/adapters/redis/redis-conversation-store.js';
import { createRedisDeliveryGuard } from '../../src/adapters/redis/redis-delivery-guard.js';
import { createRedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { createRedisSpendLedger, defaultSpendRetentionMs } from '../../src/adapters/redis/redis-spend-ledger.js';
import { createRedisTurnQueue } from '../../src/adapters/redis/redis-turn-queue.js';
import { describeConversationStoreConformance } from '../conformance/conversation-store-conformance.js';
import { describeDeliveryGuardConformance } from '../conformance/delivery-guard-conformance.js';
import { describeRateLimiterConformance } from '../conformance/rate-limiter-conformance.js';
import { describeSpendLedgerConformance } from '../conformance/spend-ledger-conformance.js';
import { describeTurnQueueConformance } from '../conformance/turn-queue-conformance.js';
import { createRedisClusterTestContext } from './redis-cluster-test-context.js';

// Issue 13, point 3: every Redis adapter's conformance suite, on a real Redis Cluster (three
// primaries with a replica each, started once by the vitest global setup). A script or MULTI
// whose keys span slots fails here with CROSSSLOT.

describeConversationStoreConformance('redis conversation store on a cluster', async (settings) => {
  const context = await createRedisClusterTestContext('store');
  return {
    store: createRedisConversationStore({ redis: context.redis, keyPrefix: context.prefix, ...settings }),
    connectAnotherClient: async () => createRedisConversationStore({ redis: context.createClient(), keyPrefix: context.prefix, ...settings }),
    cleanup: () => context.cleanup(),
  };
});

describeDeliveryGuardConformance('redis delivery guard on a cluster', async () => {
  const context = await createRedisClusterTestContext('guard');
  return {
    guard: createRedisDeliveryGuard({ redis: context.redis, keyPrefix: context.prefix }),
    connectAnotherClient: async () => createRedisDeliveryGuard({ redis: context.createClient(), keyPrefix: context.prefix }),
    cleanup: () => context.cleanup(),
  };
});

describeRateLimiterConformance('Redis rate limiter on a cluster', async () => {
  const context = await createRedisClusterTestContext('rate-limit');
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  return {
    limiter: createRedisRateLimiter({ redis: context.redis, keyPrefix: context.prefix, clock }),
    advanceTime: (ms) => {
      now += ms;
    },
    anotherReplica: () => createRedisRateLimiter({ redis: context.createClient(), keyPrefix: context.prefix, clock }),
    cleanup: () => context.cleanup(),
  };
});

describeSpendLedgerConformance('Redis spend ledger on a cluster', async () => {
  const context = await createRedisClusterTestContext('spend-ledger');
  return {
    ledger: createRedisSpendLedger({ redis: context.redis, keyPrefix: context.prefix }),
    anotherReplica: () => createRedisSpendLedger({ redis: context.createClient(), keyPrefix: context.prefix }),
    listCounters: async () => {
      const keys = await context.listKeys();
      return Promise.all(keys.map(async (key) => ({ key, expiresInMs: await context.redis.pttl(key) })));
    },
    retentionMs: defaultSpendRetentionMs,
    cleanup: () => context.cleanup(),
  };
});

describeTurnQueueConformance('redis turn queue on a cluster', async (settings) => {
  const context = await createRedisClusterTestContext('queue');
  const queue = createRedisTurnQueue({
    ...settings,
    redis: context.redis,
    keyPrefix: context.prefix,
    createConnection: () => context.createClient({ commandTimeoutMs: 0 }),
    lockTtlMs: 1_000,
    reclaimIntervalMs: 200,
  });
  return { queue, cleanup: () => context.cleanup() };
});
