import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/create-redis-client.js';
import type { RedisClient } from '../../src/adapters/redis/redis-client.js';
import { createRedisDeliveryGuard } from '../../src/adapters/redis/redis-delivery-guard.js';
import { createRedisTurnQueue } from '../../src/adapters/redis/redis-turn-queue.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { RedisTarget } from '../../src/config/redis-target.js';
import { createStateBackend } from '../../src/wiring/create-state-backend.js';
import { describeDeliveryGuardConformance } from '../conformance/delivery-guard-conformance.js';
import { describeTurnQueueConformance } from '../conformance/turn-queue-conformance.js';
import { silentLogger } from '../helpers/test-fixtures.js';
import { startRedisSentinel, type RedisSentinelProcesses } from './start-redis-sentinel.js';

// Issue 13, point 3: the Redis adapters through REDIS_SENTINELS (a primary, its replica and a
// sentinel started for this file), configured as an operator would.

const baseEnvironment = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };
let sentinel: RedisSentinelProcesses | undefined;

beforeAll(async () => {
  sentinel = await startRedisSentinel();
}, 60_000);

afterAll(async () => {
  await sentinel?.stop();
});

/** The target `loadConfig` reads from REDIS_SENTINELS and REDIS_SENTINEL_NAME. */
function sentinelTarget(): RedisTarget {
  if (sentinel === undefined) throw new Error('the sentinel did not start');
  const target = loadConfig({ ...baseEnvironment, REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: sentinel.name }).redis;
  if (target === undefined) throw new Error('no Redis target');
  return target;
}

/** Clients through the sentinel under a fresh prefix; `cleanup` deletes the prefix's keys and closes them. */
async function createSentinelContext(): Promise<{ prefix: string; redis: RedisClient; createClient(blocking?: boolean): RedisClient; cleanup(): Promise<void> }> {
  const clients: RedisClient[] = [];
  const createClient = (blocking = false) => {
    const client = createRedisClient(sentinelTarget(), { connectionName: 'crew-sentinel-test', ...(blocking ? { commandTimeoutMs: 0 } : {}) });
    clients.push(client);
    return client;
  };
  const redis = createClient();
  const prefix = `crew-test:${randomUUID()}:`;
  return {
    prefix,
    redis,
    createClient,
    async cleanup() {
      const keys = (await redis.keys(`${prefix}*`)) as string[];
      if (keys.length > 0) await redis.del(...keys);
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

describeDeliveryGuardConformance('redis delivery guard through sentinels', async () => {
  const context = await createSentinelContext();
  return {
    guard: createRedisDeliveryGuard({ redis: context.redis, keyPrefix: context.prefix }),
    connectAnotherClient: async () => createRedisDeliveryGuard({ redis: context.createClient(), keyPrefix: context.prefix }),
    cleanup: () => context.cleanup(),
  };
});

describeTurnQueueConformance('redis turn queue through sentinels', async (settings) => {
  const context = await createSentinelContext();
  const queue = createRedisTurnQueue({
    ...settings,
    redis: context.redis,
    keyPrefix: context.prefix,
    createConnection: () => context.createClient(true),
    lockTtlMs: 1_000,
    reclaimIntervalMs: 200,
  });
  return { queue, cleanup: () => context.cleanup() };
});

describe('createStateBackend with REDIS_SENTINELS', () => {
  it('names its mode redis-sentinel and answers ping through the sentinel', async () => {
    const config = loadConfig({ ...baseEnvironment, REDIS_SENTINELS: sentinel?.sentinels ?? '', REDIS_SENTINEL_NAME: sentinel?.name ?? '' });
    const backend = createStateBackend({ config, logger: silentLogger(), clock: { now: () => Date.now() }, redisKeyPrefix: `crew-test:${randomUUID()}:`, onJobFailed: async () => {} });
    try {
      expect(backend.mode).toBe('redis-sentinel');
      await expect(backend.ping()).resolves.toBeUndefined();
    } finally {
      await backend.queue.stop(0);
      await backend.close();
    }
  });
});
