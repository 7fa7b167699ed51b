import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { findFreePort, startRedisServer, type RedisServerProcess } from './start-redis-server.js';

const run = promisify(execFile);

/** A Redis Cluster of loopback processes started for the tests. */
export interface RedisClusterProcesses {
  /** `127.0.0.1:port` of every node (primaries first, as created). */
  nodes: string[];
  /** Stops every node and removes their files. */
  stop(): Promise<void>;
}

/**
 * Starts a real Redis Cluster on loopback: `primaries` redis-server processes with one replica
 * each (`--cluster-enabled yes`, no persistence, each with its own config file in a temp dir),
 * joined with `redis-cli --cluster create … --cluster-replicas 1`, and waits until every node
 * says `cluster_state:ok` and every replica's link to its primary is up.
 */
export async function startRedisCluster(primaries = 3): Promise<RedisClusterProcesses> {
  const dir = await mkdtemp(join(tmpdir(), 'crew-redis-cluster-'));
  const servers: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < primaries * 2) {
      const port = await findFreePort(10_000);
      if (!ports.includes(port)) ports.push(port);
    }
    servers.push(
      ...(await Promise.all(
        ports.map((port) =>
          startRedisServer(
            port,
            [
              '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
              '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
              // Short node timeout: a failed primary is replaced within seconds.
              '--cluster-node-timeout', '2000',
              '--save', '', '--appendonly', 'no',
            ],
            'redis-cluster-node',
          ),
        ),
      )),
    );
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    await waitForClusterReady(ports);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls every node until it reports the cluster ok, knows every node, and (replicas) is in sync. */
export async function waitForClusterReady(ports: number[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const clients = ports.map((port) => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }));
  clients.forEach((client) => client.on('error', () => undefined));
  try {
    for (;;) {
      const states = await Promise.all(
        clients.map(async (client) => {
          const info = String(await client.cluster('INFO'));
          const replication = await client.info('replication');
          const ok = info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${ports.length}`);
          const synced = !replication.includes('role:slave') || replication.includes('master_link_status:up');
          return ok && synced;
        }),
      ).catch(() => [false]);
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error('the test Redis Cluster did not become ready');
      await sleep(100);
    }
  } finally {
    clients.forEach((client) => client.disconnect());
  }
}
