import { describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createRedisSpendLedger, defaultSpendRetentionMs } from '../../src/adapters/redis/redis-spend-ledger.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import { describeSpendLedgerConformance } from '../conformance/spend-ledger-conformance.js';
import { createRedisTestContext } from '../helpers/redis-test-prefix.js';

describeSpendLedgerConformance('Redis spend ledger', async () => {
  const context = await createRedisTestContext('spend-ledger');
  const replicas = [context.redis];
  return {
    ledger: createRedisSpendLedger({ redis: context.redis, keyPrefix: context.prefix }),
    anotherReplica: () => {
      const redis = context.redis.duplicate();
      replicas.push(redis);
      return createRedisSpendLedger({ redis, keyPrefix: context.prefix });
    },
    listCounters: async () => {
      const keys = await context.listKeys();
      return Promise.all(keys.map(async (key) => ({ key, expiresInMs: await context.redis.pttl(key) })));
    },
    retentionMs: defaultSpendRetentionMs,
    cleanup: async () => {
      replicas.slice(1).forEach((redis) => redis.disconnect());
      await context.cleanup();
    },
  };
});

describe('createRedisSpendLedger (Redis specifics)', () => {
  it('keeps plain integer counters per UTC day under the workspace hash tag', async () => {
    const context = await createRedisTestContext('spend-ledger');
    try {
      const ledger = createRedisSpendLedger({ redis: context.redis, keyPrefix: context.prefix });
      await ledger.record({ teamId: 'T1', channelId: 'C1' }, 1_234, '2026-12-02');
      const team = `${context.prefix}spend:{T1}:team:2026-12-02`;
      const channel = `${context.prefix}spend:{T1}:channel:C1:2026-12-02`;
      expect((await context.listKeys()).sort()).toEqual([channel, team].sort());
      expect(await context.redis.mget(team, channel)).toEqual(['1234', '1234']);
    } finally {
      await context.cleanup();
    }
  });

  it('renews a counter\'s expiry on every write, so a busy day never loses its count', async () => {
    const context = await createRedisTestContext('spend-ledger');
    try {
      const ledger = createRedisSpendLedger({ redis: context.redis, keyPrefix: context.prefix, retentionMs: 600_000 });
      const scopes = { teamId: 'T1', channelId: 'C1' };
      await ledger.record(scopes, 1, '2026-12-02');
      const team = `${context.prefix}spend:{T1}:team:2026-12-02`;
      await context.redis.pexpire(team, 5_000);
      await ledger.record(scopes, 1, '2026-12-02');
      expect(await context.redis.pttl(team)).toBeGreaterThan(500_000);
      expect(await ledger.read(scopes, '2026-12-02')).toEqual({ team: 2, channel: 2 });
    } finally {
      await context.cleanup();
    }
  });

  it('rejects with StoreUnavailableError when Redis cannot be reached', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', connectionName: 'crew-test-down', commandTimeoutMs: 300, connectTimeoutMs: 200 });
    try {
      const ledger = createRedisSpendLedger({ redis, keyPrefix: 'crew-test:down:' });
      const scopes = { teamId: 'T1', channelId: 'C1' };
      await expect(ledger.read(scopes, '2026-12-02')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(ledger.record(scopes, 5, '2026-12-02')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      redis.disconnect();
    }
  });
});
