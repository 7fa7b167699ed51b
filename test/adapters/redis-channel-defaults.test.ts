import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisChannelDefaults, defaultChannelSettingsTtlMs } from '../../src/adapters/redis/redis-channel-defaults.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { describeChannelDefaultsConformance } from '../conformance/channel-defaults-conformance.js';
import { createRedisTestContext } from '../helpers/redis-test-prefix.js';

describeChannelDefaultsConformance('Redis channel defaults', async () => {
  const context = await createRedisTestContext('channel-defaults');
  const replicas = [context.redis];
  return {
    defaults: createRedisChannelDefaults({ redis: context.redis, keyPrefix: context.prefix }),
    anotherReplica: () => {
      const redis = context.redis.duplicate();
      replicas.push(redis);
      return createRedisChannelDefaults({ redis, keyPrefix: context.prefix });
    },
    listEntries: async () => {
      const keys = await context.listKeys();
      return Promise.all(keys.map(async (key) => ({ key, expiresInMs: await context.redis.pttl(key) })));
    },
    ageEntry: async (channel) => {
      await context.redis.pexpire(`${context.prefix}channel:{${channel.teamId}:${channel.channelId}}`, 5_000);
    },
    ttlMs: defaultChannelSettingsTtlMs,
    cleanup: async () => {
      replicas.slice(1).forEach((redis) => redis.disconnect());
      await context.cleanup();
    },
  };
});

describe('createRedisChannelDefaults (Redis specifics)', () => {
  it('keeps one hash per channel under the channel hash tag', async () => {
    const context = await createRedisTestContext('channel-defaults');
    try {
      const defaults = createRedisChannelDefaults({ redis: context.redis, keyPrefix: context.prefix });
      await defaults.set({ teamId: 'T1', channelId: 'C1' }, { agentName: 'security-engineer', setBy: 'U1', setAt: 1_764_633_600_000 });
      const key = `${context.prefix}channel:{T1:C1}`;
      expect(await context.listKeys()).toEqual([key]);
      expect(await context.redis.hgetall(key)).toEqual({ defaultAgent: 'security-engineer', defaultSetBy: 'U1', defaultSetAt: '1764633600000' });
    } finally {
      await context.cleanup();
    }
  });

  it('rejects with StoreUnavailableError when Redis cannot be reached', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', connectionName: 'crew-test-down', commandTimeoutMs: 300, connectTimeoutMs: 200 });
    try {
      const defaults = createRedisChannelDefaults({ redis, keyPrefix: 'crew-test:down:' });
      const channel = { teamId: 'T1', channelId: 'C1' };
      await expect(defaults.get(channel)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(defaults.set(channel, { agentName: 'sre', setBy: 'U1', setAt: 0 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(defaults.clear(channel)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      redis.disconnect();
    }
  });
});
