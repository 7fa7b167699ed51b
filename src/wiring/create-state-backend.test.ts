import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../test/helpers/test-fixtures.js';
import { createRedisTestContext, testRedisUrl } from '../../test/helpers/redis-test-prefix.js';
import { loadConfig } from '../config/load-config.js';
import type { Logger } from '../core/shared/ports.js';
import { createStateBackend } from './create-state-backend.js';

const environment = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

const logger = silentLogger();
const clock = { now: () => Date.now() };
const scopes = { teamId: 'T1', channelId: 'C1' };

describe('createStateBackend: spend ledger', () => {
  it('keeps the spend ledger in memory without REDIS_URL', async () => {
    const backend = createStateBackend({ config: loadConfig(environment), logger, clock, onJobFailed: async () => {} });
    try {
      await backend.spendLedger.record(scopes, 30, '2026-12-02');
      expect(await backend.spendLedger.read(scopes, '2026-12-02')).toEqual({ team: 30, channel: 30 });
    } finally {
      await backend.close();
    }
  });

  it('keeps the spend ledger in Redis under the key prefix with REDIS_URL', async () => {
    const context = await createRedisTestContext('state-backend');
    const backend = createStateBackend({
      config: loadConfig({ ...environment, REDIS_URL: testRedisUrl }),
      logger,
      clock,
      redisKeyPrefix: context.prefix,
      onJobFailed: async () => {},
    });
    try {
      await backend.spendLedger.record(scopes, 30, '2026-12-02');
      expect(await context.redis.get(`${context.prefix}spend:{T1}:channel:C1:2026-12-02`)).toBe('30');
    } finally {
      await backend.queue.stop(0);
      await backend.close();
      await context.cleanup();
    }
  });
});
