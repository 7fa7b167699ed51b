import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './start-redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port,…` of the Redis Cluster shared by every test file (see `redis-cluster-test-context.ts`). */
    redisClusterNodes: string;
  }
}

/**
 * Vitest global setup: one real Redis Cluster (three primaries, a replica each) for the whole
 * run, shared by every test file (each test keeps to its own key prefix), stopped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster();
  project.provide('redisClusterNodes', cluster.nodes.join(','));
  return () => cluster.stop();
}
