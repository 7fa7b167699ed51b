import type { Cluster } from 'ioredis';
import { DEFAULT_TURN_STREAM_MAX_LENGTH } from '../../src/adapters/redis/redis-turn-queue-keys.js';
import { listClusterKeys } from './list-cluster-keys.js';

/** A key that would stay in Redis for ever and grow without limit. */
export interface UnboundedKey {
  key: string;
  type: string;
  length?: number;
}

/**
 * Every key under `prefix`, on every primary of the cluster, that has no expiry and is not a
 * length-bounded stream (the queue's wake-up streams are trimmed with `MAXLEN ~`, so they need
 * no expiry; see "Key placement" in docs/architecture.md). Empty means the store cleans up after
 * itself however long it runs.
 */
export async function findUnboundedKeys(cluster: Cluster, prefix: string): Promise<UnboundedKey[]> {
  const unbounded: UnboundedKey[] = [];
  for (const key of await listClusterKeys(cluster, prefix)) {
    if ((await cluster.pttl(key)) > 0) continue;
    const type = await cluster.type(key);
    if (type === 'none') continue; // expired between SCAN and PTTL
    if (type === 'stream') {
      const length = await cluster.xlen(key);
      // `MAXLEN ~` trims whole macro nodes, so a stream may run a little over its bound.
      if (length <= DEFAULT_TURN_STREAM_MAX_LENGTH * 1.1) continue;
      unbounded.push({ key, type, length });
    } else unbounded.push({ key, type });
  }
  return unbounded;
}
