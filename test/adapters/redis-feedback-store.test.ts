import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisFeedbackStore } from '../../src/adapters/redis/redis-feedback-store.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { describeFeedbackStoreConformance } from '../conformance/feedback-store-conformance.js';
import { createRedisTestContext } from '../helpers/redis-test-prefix.js';

const retentionMs = 30 * 24 * 60 * 60 * 1000;

describeFeedbackStoreConformance('Redis feedback store', async () => {
  const context = await createRedisTestContext('feedback-store');
  const replicas = [context.redis];
  return {
    store: createRedisFeedbackStore({ redis: context.redis, keyPrefix: context.prefix, retentionMs }),
    anotherReplica: () => {
      const redis = context.redis.duplicate();
      replicas.push(redis);
      return createRedisFeedbackStore({ redis, keyPrefix: context.prefix, retentionMs });
    },
    retentionMs,
    expiresInMs: (thread) => context.redis.pttl(`${context.prefix}feedback:{${thread.teamId}:${thread.channelId}:${thread.threadTs}}`),
    cleanup: async () => {
      replicas.slice(1).forEach((redis) => redis.disconnect());
      await context.cleanup();
    },
  };
});

describe('createRedisFeedbackStore (Redis specifics)', () => {
  it('keeps votes in the thread\'s hash tag and indexes them per UTC day, every key expiring', async () => {
    const context = await createRedisTestContext('feedback-store');
    try {
      const store = createRedisFeedbackStore({ redis: context.redis, keyPrefix: context.prefix, retentionMs });
      const at = Date.UTC(2026, 11, 2, 9);
      await store.recordVote({ teamId: 'T1', channelId: 'C1', threadTs: '1.000100', turnId: 'C1-1.000100', agent: 'backend-architect', userId: 'U1', value: 'down', at });
      await store.attachComment({ teamId: 'T1', channelId: 'C1', threadTs: '1.000100', turnId: 'C1-1.000100', userId: 'U1' }, 'too vague');
      const thread = `${context.prefix}feedback:{T1:C1:1.000100}`;
      const dayIndex = `${context.prefix}feedback-day:2026-12-02`;
      expect((await context.listKeys()).sort()).toEqual([dayIndex, thread].sort());
      expect(await context.redis.hgetall(thread)).toEqual({
        'vote:C1-1.000100:U1': JSON.stringify({ v: 'down', a: 'backend-architect', at }),
        'comment:C1-1.000100:U1': 'too vague',
      });
      // The day index carries no comment text, only that there is one.
      expect(await context.redis.hgetall(dayIndex)).toEqual({ 'T1|C1|1.000100|C1-1.000100|U1': JSON.stringify({ v: 'down', a: 'backend-architect', at, c: 1 }) });
      expect(await context.redis.pttl(thread)).toBeGreaterThan(retentionMs - 60_000);
      expect(await context.redis.pttl(dayIndex)).toBeGreaterThan(retentionMs);
    } finally {
      await context.cleanup();
    }
  });

  it('moves a vote changed on a later day to that day\'s index', async () => {
    const context = await createRedisTestContext('feedback-store');
    try {
      const store = createRedisFeedbackStore({ redis: context.redis, keyPrefix: context.prefix, retentionMs });
      const first = Date.UTC(2026, 11, 1, 23);
      const vote = { teamId: 'T1', channelId: 'C1', threadTs: '1.000100', turnId: 't1', agent: 'a', userId: 'U1', value: 'up' as const, at: first };
      await store.recordVote(vote);
      await store.recordVote({ ...vote, value: 'down', at: first + 2 * 60 * 60 * 1000 });
      expect(await context.redis.exists(`${context.prefix}feedback-day:2026-12-01`)).toBe(0);
      expect(Object.keys(await context.redis.hgetall(`${context.prefix}feedback-day:2026-12-02`))).toEqual(['T1|C1|1.000100|t1|U1']);
    } finally {
      await context.cleanup();
    }
  });

  it('rejects with StoreUnavailableError when Redis cannot be reached', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', connectionName: 'crew-test-down', commandTimeoutMs: 300, connectTimeoutMs: 200 });
    try {
      const store = createRedisFeedbackStore({ redis, keyPrefix: 'crew-test:down:', retentionMs });
      const vote = { teamId: 'T1', channelId: 'C1', threadTs: '1.1', turnId: 't1', agent: 'a', userId: 'U1', value: 'up' as const, at: Date.now() };
      await expect(store.recordVote(vote)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.listVotes(0, Date.now())).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      redis.disconnect();
    }
  });
});
