import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryCallBudget } from '../../src/adapters/memory/memory-call-budget.js';
import { createRedisCallBudget } from '../../src/adapters/redis/redis-call-budget.js';
import { createRedisKeys } from '../../src/adapters/redis/redis-keys.js';
import type { CallBudget } from '../../src/core/quota/ports.js';
import { createRedisTestContext, type RedisTestContext } from '../helpers/redis-test-prefix.js';

interface Backend {
  /** Two replicas' views of one budget (memory: the same one twice). */
  replicas: [CallBudget, CallBudget];
  redis?: RedisTestContext;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['memory', async () => {
    const budget = createMemoryCallBudget();
    return { replicas: [budget, budget], close: async () => undefined };
  }],
  ['redis', async () => {
    const redis = await createRedisTestContext('call-budget');
    const keys = createRedisKeys(redis.prefix);
    const make = () => createRedisCallBudget({ redis: redis.redis, keyOf: keys.callBudget });
    return { replicas: [make(), make()], redis, close: () => redis.cleanup() };
  }],
];

describe.each(backends)('Slack call budget (%s)', (_name, create) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('shares one scope’s slots between replicas: the burst, then the rate, in reservation order', async () => {
    backend = await create();
    const [first, second] = backend.replicas;
    const rate = { perMinute: 120, burst: 2 };
    const waits = [];
    for (let index = 0; index < 6; index += 1) waits.push(Math.round(await (index % 2 === 0 ? first : second).reserve('T1:chat.appendStream', rate, 10_000)));
    expect(waits).toEqual([0, 0, 500, 1000, 1500, 2000]);
  });

  it('keeps scopes apart', async () => {
    backend = await create();
    const rate = { perMinute: 60, burst: 1 };
    expect(await backend.replicas[0].reserve('T1:chat.update', rate, 0)).toBe(0);
    expect(await backend.replicas[1].reserve('T2:chat.update', rate, 0)).toBe(0);
    expect(Math.round(await backend.replicas[1].reserve('T1:chat.update', rate, 0))).toBe(1000);
  });

  it('gives the burst back after a quiet spell', async () => {
    backend = await create();
    const rate = { perMinute: 60, burst: 2 };
    for (let index = 0; index < 4; index += 1) await backend.replicas[0].reserve('T1:x', rate, 0);
    expect(await backend.replicas[1].reserve('T1:x', rate, 120_000)).toBe(0);
    expect(await backend.replicas[1].reserve('T1:x', rate, 120_000)).toBe(0);
    expect(Math.round(await backend.replicas[1].reserve('T1:x', rate, 120_000))).toBe(1000);
  });
});

describe('Slack call budget on Redis', () => {
  it('keeps a scope’s key only while its slots lie ahead', async () => {
    const redis = await createRedisTestContext('call-budget');
    try {
      const keys = createRedisKeys(redis.prefix);
      await createRedisCallBudget({ redis: redis.redis, keyOf: keys.callBudget }).reserve('T1:chat.appendStream', { perMinute: 60, burst: 1 }, Date.now());
      const ttl = await redis.redis.pttl(keys.callBudget('T1:chat.appendStream'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2_000);
    } finally {
      await redis.cleanup();
    }
  });
});
