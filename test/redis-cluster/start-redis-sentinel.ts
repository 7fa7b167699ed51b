import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { findFreePort, startRedisServer, type RedisServerProcess } from './start-redis-server.js';

/** A primary, its replica and one sentinel watching them, on loopback. */
export interface RedisSentinelProcesses {
  /** `127.0.0.1:port` of the sentinel, as `REDIS_SENTINELS` names it. */
  sentinels: string;
  /** The name the sentinel knows the primary by (`REDIS_SENTINEL_NAME`). */
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts a Redis primary, one replica of it and a sentinel (`redis-server <conf> --sentinel`,
 * its config in a temp dir, since a sentinel rewrites it), and waits until the sentinel names
 * the primary and the replica is in sync.
 */
export async function startRedisSentinel(name = 'crewprimary'): Promise<RedisSentinelProcesses> {
  const dir = await mkdtemp(join(tmpdir(), 'crew-redis-sentinel-'));
  const servers: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [primaryPort, replicaPort, sentinelPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const plain = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    servers.push(await startRedisServer(primaryPort, ['--port', String(primaryPort), ...plain], 'redis-primary'));
    servers.push(await startRedisServer(replicaPort, ['--port', String(replicaPort), ...plain, '--replicaof', '127.0.0.1', String(primaryPort)], 'redis-replica'));
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`, `sentinel down-after-milliseconds ${name} 2000`, `sentinel failover-timeout ${name} 5000`, ''].join('\n'),
    );
    servers.push(await startRedisServer(sentinelPort, [conf, '--sentinel'], 'redis-sentinel'));
    await waitForSentinel(sentinelPort, name, primaryPort, replicaPort);
    return { sentinels: `127.0.0.1:${sentinelPort}`, name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForSentinel(sentinelPort: number, name: string, primaryPort: number, replicaPort: number): Promise<void> {
  const sentinel = new Redis({ port: sentinelPort, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  const replica = new Redis({ port: replicaPort, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  [sentinel, replica].forEach((client) => client.on('error', () => undefined));
  try {
    for (let tries = 0; tries < 200; tries += 1) {
      const address = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', name).catch(() => null)) as string[] | null;
      const synced = (await replica.info('replication').catch(() => '')).includes('master_link_status:up');
      if (address?.[1] === String(primaryPort) && synced) return;
      await sleep(50);
    }
    throw new Error('the test sentinel did not name its primary');
  } finally {
    sentinel.disconnect();
    replica.disconnect();
  }
}
