import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySessionClosingSchedule } from '../../src/adapters/memory/memory-session-closing-schedule.js';
import { createRedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { createRedisSessionClosingSchedule } from '../../src/adapters/redis/redis-session-closing-schedule.js';
import type { SessionClosingSchedule } from '../../src/core/sessions/ports.js';
import { createRedisTestContext, type RedisTestContext } from '../helpers/redis-test-prefix.js';

interface Backend {
  /** Two replicas' views of one schedule (memory: the same one twice). */
  replicas: [SessionClosingSchedule, SessionClosingSchedule];
  redis?: RedisTestContext;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'memory',
    async () => {
      const schedule = createMemorySessionClosingSchedule();
      return { replicas: [schedule, schedule], close: async () => undefined };
    },
  ],
  [
    'redis',
    async () => {
      const redis = await createRedisTestContext('session-closing');
      const make = () => createRedisSessionClosingSchedule({ redis: redis.redis, key: createRedisKeys(redis.prefix).sessionClosing, keyTtlMs: 60_000 });
      return { replicas: [make(), make()], redis, close: () => redis.cleanup() };
    },
  ],
];

const thread = (threadTs: string) => ({ teamId: 'T1', channelId: 'C1', threadTs });

describe.each(backends)('session closing schedule (%s)', (_name, create) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('hands out only the threads that are due, oldest first, and each once', async () => {
    backend = await create();
    const [first, second] = backend.replicas;
    await first.schedule(thread('3.0'), 3_000);
    await first.schedule(thread('1.0'), 1_000);
    await first.schedule(thread('9.0'), 9_000);
    expect(await second.takeDue(5_000, 10)).toEqual([thread('1.0'), thread('3.0')]);
    expect(await first.takeDue(5_000, 10)).toEqual([]);
    expect(await first.takeDue(10_000, 10)).toEqual([thread('9.0')]);
  });

  it('moves a thread when it is scheduled again, and honours the limit', async () => {
    backend = await create();
    const [first, second] = backend.replicas;
    await first.schedule(thread('1.0'), 1_000);
    await first.schedule(thread('1.0'), 50_000);
    await first.schedule(thread('2.0'), 2_000);
    await first.schedule(thread('3.0'), 3_000);
    expect(await second.takeDue(10_000, 1)).toEqual([thread('2.0')]);
    expect(await second.takeDue(10_000, 5)).toEqual([thread('3.0')]);
    expect(await second.takeDue(60_000, 5)).toEqual([thread('1.0')]);
  });

});

describe('session closing schedule on Redis', () => {
  it('keeps its one key, with an expiry', async () => {
    const redis = await createRedisTestContext('session-closing');
    try {
      const key = createRedisKeys(redis.prefix).sessionClosing;
      await createRedisSessionClosingSchedule({ redis: redis.redis, key, keyTtlMs: 60_000 }).schedule(thread('1.0'), 1_000);
      expect(await redis.listKeys()).toEqual([key]);
      expect(await redis.redis.pttl(key)).toBeGreaterThan(0);
    } finally {
      await redis.cleanup();
    }
  });
});
