import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/create-redis-client.js';
import { createRedisTurnQueue, type RedisTurnQueue } from '../../src/adapters/redis/redis-turn-queue.js';
import { formatRedisTurnQueueKeys } from '../../src/adapters/redis/redis-turn-queue-keys.js';
import { parseRedisNodes } from '../../src/config/redis-target.js';
import { createRecordingLogger, makeTurnJob, waitUntil } from '../conformance/turn-queue-conformance.js';
import { failOverPrimaryOf, waitUntilReplica } from './fail-over-primary.js';
import { startRedisCluster, waitForClusterReady, type RedisClusterProcesses } from './start-redis-cluster.js';

// Issue 13, point 3: a primary failover in the middle of a queue run (`CLUSTER FAILOVER` sent to
// the replica of a primary that holds queue keys) loses no question and answers none twice.
// This file starts a cluster of its own, so the failover never disturbs the other files' tests.

const THREADS = 40;
const JOBS_PER_THREAD = 10;

describe('the Redis turn queue on a cluster whose primary fails over mid-run', () => {
  let cluster: RedisClusterProcesses;
  const clients: Cluster[] = [];
  const queues: RedisTurnQueue[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.stop(1_000)));
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    await cluster?.stop();
  });

  const target = () => ({ mode: 'redis-cluster' as const, nodes: parseRedisNodes(cluster.nodes).addresses, tls: false });
  const connect = (commandTimeoutMs?: number): Cluster => {
    const client = createRedisClient(target(), { connectionName: 'crew-failover-test', ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }) }) as Cluster;
    clients.push(client);
    return client;
  };

  it('runs every job exactly once, in order per thread, while a primary holding queue keys fails over', async () => {
    const prefix = `crew-test:${randomUUID()}:`;
    const redis = connect();
    const runs: string[] = [];
    const runsByThread = new Map<string, string[]>();
    for (const name of ['replica-a', 'replica-b']) {
      const queue = createRedisTurnQueue({
        redis: connect(),
        keyPrefix: prefix,
        logger: createRecordingLogger(),
        createConnection: () => connect(0),
        consumerName: name,
        concurrency: 4,
        lockTtlMs: 3_000,
        reclaimIntervalMs: 500,
      });
      queues.push(queue);
      queue.start(async (job) => {
        runs.push(job.id);
        runsByThread.set(job.threadTs, [...(runsByThread.get(job.threadTs) ?? []), job.id]);
        await sleep(30);
      });
    }
    const enqueuer = queues[0]!;
    const threadTs = (thread: number) => `${7_000 + thread}.1`;
    for (let round = 0; round < JOBS_PER_THREAD; round += 1) {
      await Promise.all(Array.from({ length: THREADS }, (_, thread) => enqueuer.enqueue(makeTurnJob(`t${thread}-j${round}`, threadTs(thread)))));
    }

    const total = THREADS * JOBS_PER_THREAD;
    await waitUntil('a quarter ran', () => runs.length >= total / 4, 20_000);
    // The primary serving thread 0's queue shard fails over to its replica.
    const shardKey = formatRedisTurnQueueKeys(prefix).listKeysOf({ teamId: 'T1', channelId: 'C1', threadTs: threadTs(0) }).streamKey;
    const nodePorts = parseRedisNodes(cluster.nodes).addresses.map((node) => node.port);
    const failover = await failOverPrimaryOf(redis, shardKey, nodePorts);
    const ranBeforeFailoverDone = runs.length;
    await waitForClusterReady(nodePorts);

    await waitUntil('every job ran', () => runs.length >= total, 60_000);
    // Give a duplicate (a re-run after a lost step) the time to show up.
    await sleep(1_000);
    expect(ranBeforeFailoverDone).toBeLessThan(total);
    expect(runs).toHaveLength(total);
    expect(new Set(runs).size).toBe(total);
    for (let thread = 0; thread < THREADS; thread += 1) {
      expect(runsByThread.get(threadTs(thread))).toEqual(Array.from({ length: JOBS_PER_THREAD }, (_, round) => `t${thread}-j${round}`));
    }
    expect(await enqueuer.waitingCount()).toBe(0);
    // The old primary now replicates the new one.
    await waitUntilReplica(failover.formerPrimary.port);
  }, 120_000);
});
