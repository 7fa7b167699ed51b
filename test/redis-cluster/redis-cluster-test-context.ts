import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { inject } from 'vitest';
import { createRedisClient, type RedisClientOptions } from '../../src/adapters/redis/create-redis-client.js';
import { parseRedisNodes, type RedisTarget } from '../../src/config/redis-target.js';
import { listClusterKeys } from '../helpers/list-cluster-keys.js';

/** Clients on the shared test Redis Cluster plus a key prefix unique to this context. */
export interface RedisClusterTestContext {
  /** `crew-test:<uuid>:`; no other test writes under it. */
  prefix: string;
  /** Client for the test's own commands (closed by `cleanup`). */
  redis: Cluster;
  /** The cluster as `REDIS_CLUSTER_NODES` names it. */
  nodes: string;
  /** Opens another cluster client (e.g. one per simulated replica); closed by `cleanup`. */
  createClient(options?: Partial<RedisClientOptions>): Cluster;
  /** Every key under `prefix`, on every primary. */
  listKeys(): Promise<string[]>;
  /** Deletes every key under `prefix` (key by key: they live in many slots) and closes every client. */
  cleanup(): Promise<void>;
}

/** The shared test cluster (started by the vitest global setup) as a Redis target. */
export function testRedisClusterTarget(): RedisTarget & { mode: 'redis-cluster' } {
  const nodes = inject('redisClusterNodes');
  return { mode: 'redis-cluster', nodes: parseRedisNodes(nodes.split(',')).addresses, tls: false };
}

/** Connects to the shared test cluster under a fresh key prefix. */
export async function createRedisClusterTestContext(label = 'cluster-test'): Promise<RedisClusterTestContext> {
  const target = testRedisClusterTarget();
  const clients: Cluster[] = [];
  const createClient = (options: Partial<RedisClientOptions> = {}): Cluster => {
    const client = createRedisClient(target, { connectionName: `crew-${label}`, ...options }) as Cluster;
    clients.push(client);
    return client;
  };
  const redis = createClient();
  await redis.ping();
  const prefix = `crew-test:${randomUUID()}:`;

  const listKeys = () => listClusterKeys(redis, prefix);

  return {
    prefix,
    redis,
    nodes: inject('redisClusterNodes'),
    createClient,
    listKeys,
    async cleanup() {
      try {
        const keys = await listKeys();
        await Promise.all(keys.map((key) => redis.unlink(key)));
      } finally {
        await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      }
    },
  };
}
