import { Redis, type Cluster } from 'ioredis';
import { waitUntil } from '../conformance/turn-queue-conformance.js';

/** The primary that served a key when the failover began, and the replica that took over. */
export interface ClusterFailover {
  formerPrimary: { host: string; port: number };
  promoted: { host: string; port: number };
}

async function roleOf(port: number, host = '127.0.0.1'): Promise<unknown[]> {
  const node = new Redis({ host, port, maxRetriesPerRequest: 1, lazyConnect: true });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return (await node.role()) as unknown[];
  } finally {
    node.disconnect();
  }
}

/**
 * Fails over the primary serving `key`'s slot the way an operator (or a managed Redis) does:
 * `CLUSTER FAILOVER` sent to one of its replicas, found by asking each node its ROLE (gossip may
 * not have told every node yet). Resolves once the replica says it is a primary.
 */
export async function failOverPrimaryOf(cluster: Cluster, key: string, nodePorts: number[]): Promise<ClusterFailover> {
  const slot = Number(await cluster.cluster('KEYSLOT', key));
  const ranges = await cluster.cluster('SLOTS');
  const range = ranges.find(([start, end]) => slot >= start && slot <= end);
  const [primaryHost, primaryPort] = (range?.[2] ?? []) as [string?, number?];
  if (primaryHost === undefined || primaryPort === undefined) throw new Error(`no primary serves slot ${slot}`);
  let replicaPort: number | undefined;
  await waitUntil('the replica of that primary is connected', async () => {
    for (const port of nodePorts) {
      const role = await roleOf(port).catch(() => []);
      if (role[0] === 'slave' && Number(role[2]) === primaryPort && role[3] === 'connected') replicaPort = port;
    }
    return replicaPort !== undefined;
  }, 15_000);
  const promotedPort = replicaPort as number;
  const replica = new Redis({ host: '127.0.0.1', port: promotedPort, maxRetriesPerRequest: 1 });
  replica.on('error', () => undefined);
  try {
    const answer = await replica.cluster('FAILOVER');
    if (answer !== 'OK') throw new Error(`CLUSTER FAILOVER answered ${String(answer)}`);
    await waitUntil('the replica is promoted', () => replica.role().then((role) => String(role[0]) === 'master', () => false), 15_000);
  } finally {
    replica.disconnect();
  }
  return { formerPrimary: { host: primaryHost, port: primaryPort }, promoted: { host: '127.0.0.1', port: promotedPort } };
}

/** Resolves once the node at `port` reports itself a replica (a former primary rejoining after a failover). */
export async function waitUntilReplica(port: number, timeoutMs = 15_000): Promise<void> {
  const node = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  node.on('error', () => undefined);
  try {
    await waitUntil(`node ${port} is a replica`, () => node.role().then((role) => String(role[0]) === 'slave', () => false), timeoutMs);
  } finally {
    node.disconnect();
  }
}
