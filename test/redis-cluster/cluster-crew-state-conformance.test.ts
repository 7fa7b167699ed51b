import { createRedisCallBudget } from '../../src/adapters/redis/redis-call-budget.js';
import { createRedisChannelDefaults, defaultChannelSettingsTtlMs } from '../../src/adapters/redis/redis-channel-defaults.js';
import { createRedisFeedbackStore } from '../../src/adapters/redis/redis-feedback-store.js';
import { createRedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { createRedisSessionClosingSchedule } from '../../src/adapters/redis/redis-session-closing-schedule.js';
import { createRedisStopRequestBus } from '../../src/adapters/redis/redis-stop-request-bus.js';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeChannelDefaultsConformance } from '../conformance/channel-defaults-conformance.js';
import { describeFeedbackStoreConformance } from '../conformance/feedback-store-conformance.js';
import { createRedisClusterTestContext, type RedisClusterTestContext } from './redis-cluster-test-context.js';

// Issue 13, point 3 (continued): the state issue 12 added — channel defaults, feedback votes, the
// Slack call budget, the sessions' closing schedule and the Stop bus — on the real Redis Cluster.
const retentionMs = 30 * 24 * 60 * 60 * 1000;

describeChannelDefaultsConformance('Redis channel defaults on a cluster', async () => {
  const context = await createRedisClusterTestContext('channel-defaults');
  return {
    defaults: createRedisChannelDefaults({ redis: context.redis, keyPrefix: context.prefix }),
    anotherReplica: () => createRedisChannelDefaults({ redis: context.createClient(), keyPrefix: context.prefix }),
    listEntries: async () => {
      const keys = await context.listKeys();
      return Promise.all(keys.map(async (key) => ({ key, expiresInMs: await context.redis.pttl(key) })));
    },
    ageEntry: async (channel) => {
      await context.redis.pexpire(`${context.prefix}channel:{${channel.teamId}:${channel.channelId}}`, 5_000);
    },
    ttlMs: defaultChannelSettingsTtlMs,
    cleanup: () => context.cleanup(),
  };
});

describeFeedbackStoreConformance('Redis feedback store on a cluster', async () => {
  const context = await createRedisClusterTestContext('feedback-store');
  return {
    store: createRedisFeedbackStore({ redis: context.redis, keyPrefix: context.prefix, retentionMs }),
    anotherReplica: () => createRedisFeedbackStore({ redis: context.createClient(), keyPrefix: context.prefix, retentionMs }),
    retentionMs,
    expiresInMs: (thread) => context.redis.pttl(`${context.prefix}feedback:{${thread.teamId}:${thread.channelId}:${thread.threadTs}}`),
    cleanup: () => context.cleanup(),
  };
});

describe('Slack pacing, session closing and Stop presses on a cluster', () => {
  let context: RedisClusterTestContext;
  beforeAll(async () => {
    context = await createRedisClusterTestContext('crew-state');
  });
  afterAll(() => context.cleanup());

  it('shares one workspace’s call slots between two replicas', async () => {
    const keys = createRedisKeys(context.prefix);
    const replicas = [createRedisCallBudget({ redis: context.redis, keyOf: keys.callBudget }), createRedisCallBudget({ redis: context.createClient(), keyOf: keys.callBudget })];
    const waits = [];
    for (let index = 0; index < 4; index += 1) waits.push(Math.round(await replicas[index % 2]!.reserve('T1:chat.appendStream', { perMinute: 60, burst: 2 }, 5_000)));
    expect(waits).toEqual([0, 0, 1000, 2000]);
  });

  it('hands each expired session to one replica', async () => {
    const key = createRedisKeys(context.prefix).sessionClosing;
    const replicas = [createRedisSessionClosingSchedule({ redis: context.redis, key, keyTtlMs: 60_000 }), createRedisSessionClosingSchedule({ redis: context.createClient(), key, keyTtlMs: 60_000 })];
    await replicas[0]!.schedule({ teamId: 'T1', channelId: 'C1', threadTs: '1.1' }, 1_000);
    await replicas[0]!.schedule({ teamId: 'T1', channelId: 'C1', threadTs: '2.2' }, 2_000);
    const [first, second] = await Promise.all([replicas[0]!.takeDue(5_000, 10), replicas[1]!.takeDue(5_000, 10)]);
    expect([...first!, ...second!].map((thread) => thread.threadTs).sort()).toEqual(['1.1', '2.2']);
  });

  it('carries a Stop press from one replica to another', async () => {
    const logger = createLogger({ level: 'silent', format: 'json' });
    const channel = createRedisKeys(context.prefix).stopChannel;
    const sender = createRedisStopRequestBus({ redis: context.redis, subscriber: context.createClient(), channel, logger });
    const receiver = createRedisStopRequestBus({ redis: context.createClient(), subscriber: context.createClient(), channel, logger });
    const heard: string[] = [];
    receiver.subscribe((request) => heard.push(request.thread.threadTs));
    try {
      for (let attempt = 0; attempt < 100 && heard.length === 0; attempt += 1) {
        await sender.publish({ thread: { teamId: 'T1', channelId: 'C1', threadTs: '3.3' }, userId: 'U1', messageTs: [], at: 1 });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      expect(heard[0]).toBe('3.3');
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});
