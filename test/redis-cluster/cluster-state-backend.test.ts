import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createStateBackend } from '../../src/wiring/create-state-backend.js';
import { silentLogger } from '../helpers/test-fixtures.js';
import { createRedisClusterTestContext } from './redis-cluster-test-context.js';

const baseEnvironment = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('createStateBackend with REDIS_CLUSTER_NODES (issue 13, point 2)', () => {
  it('names its mode redis-cluster, answers ping and queues and runs a question on the cluster', async () => {
    const context = await createRedisClusterTestContext('state-backend');
    const config = loadConfig({ ...baseEnvironment, REDIS_CLUSTER_NODES: context.nodes });
    const backend = createStateBackend({ config, logger: silentLogger(), clock: { now: () => Date.now() }, redisKeyPrefix: context.prefix, onJobFailed: async () => {} });
    try {
      expect(backend.mode).toBe('redis-cluster');
      await expect(backend.ping()).resolves.toBeUndefined();
      const ran: string[] = [];
      backend.queue.start(async (job) => void ran.push(job.id));
      const job = { id: `j-${randomUUID()}`, source: 'mention' as const, teamId: 'T1', channelId: 'C1', threadTs: '1.1', messageTs: '1.1', userId: 'U1', text: 'q', isDirectMessage: false, receivedAt: Date.now(), progress: {} };
      await backend.queue.enqueue(job);
      for (let tries = 0; ran.length === 0 && tries < 500; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(ran).toEqual([job.id]);
      expect(await backend.guard.claimAll?.(['event:Ev1', 'message:C1:1.1'], 60_000, 'C1')).toEqual({ claimed: true });
    } finally {
      await backend.queue.stop(1_000);
      await backend.close();
      await context.cleanup();
    }
  });
});
