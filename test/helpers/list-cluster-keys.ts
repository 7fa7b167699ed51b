import type { Cluster } from 'ioredis';

/** Every key under `prefix` on every primary of the cluster (SCAN node by node: keys live in many slots). */
export async function listClusterKeys(cluster: Cluster, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}
