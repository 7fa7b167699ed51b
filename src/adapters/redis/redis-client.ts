import { Cluster, type Redis } from 'ioredis';

/**
 * A client of the crew's Redis: one node (or a sentinel-managed primary, also a `Redis`) or a
 * Redis Cluster. Every adapter takes this; whatever a script or MULTI touches lives in one
 * hash slot (see `redis-keys.ts`), so both kinds run the same commands.
 */
export type RedisClient = Redis | Cluster;

/** True for an ioredis `Cluster` (no CLIENT UNBLOCK of one connection, SCAN per node). */
export function isRedisCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
