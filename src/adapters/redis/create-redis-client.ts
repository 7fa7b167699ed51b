import { Cluster, Redis } from 'ioredis';
import type { RedisTarget } from '../../config/redis-target.js';
import { describeRedisTarget } from '../../config/redis-target.js';
import {
  attachLifecycleLogging,
  computeReconnectDelay,
  createRedisConnection,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type RedisConnectionOptions,
} from './create-redis-connection.js';
import { redactRedisUrl } from './redact-redis-url.js';
import type { RedisClient } from './redis-client.js';

/** Options of {@link createRedisClient}: `createRedisConnection`'s, less the URL (the target names the servers). */
export type RedisClientOptions = Omit<RedisConnectionOptions, 'url'>;

/**
 * Connects to the Redis `target` names, tuned as `createRedisConnection` is (commands fail
 * within about `commandTimeoutMs` while Redis is down; reconnects forever with capped backoff):
 * a single node by URL, a Redis Cluster from its start nodes (MOVED/ASK and failovers are
 * followed by ioredis; TLS for `rediss://` nodes), or the primary a set of sentinels names
 * (ioredis asks the sentinels again after a failover).
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  if (target.mode === 'redis-single') return createRedisConnection({ ...options, url: target.url });
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const tuning = {
    connectionName: options.connectionName,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
    ...(target.password === undefined ? {} : { password: target.password }),
  };
  let client: RedisClient;
  if (target.mode === 'redis-cluster') {
    client = new Cluster(target.nodes, {
      lazyConnect: options.lazyConnect ?? false,
      enableOfflineQueue: true,
      clusterRetryStrategy: computeReconnectDelay,
      // A manual or automatic failover: retry on the new primary instead of failing the command.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 2_000,
      redisOptions: { ...tuning, ...(target.tls ? { tls: {} } : {}) },
      // TLS certificates name the hosts given, not the addresses CLUSTER SLOTS answers with.
      ...(target.tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    });
  } else {
    client = new Redis({
      ...tuning,
      sentinels: target.sentinels,
      name: target.name,
      lazyConnect: options.lazyConnect ?? false,
      enableOfflineQueue: true,
      retryStrategy: computeReconnectDelay,
      sentinelRetryStrategy: computeReconnectDelay,
    });
  }
  if (options.logger) {
    const where = describeRedisTarget(target, redactRedisUrl);
    attachLifecycleLogging(client, options.logger.child({ component: 'redis', connectionName: options.connectionName, redis: where, mode: target.mode }));
  } else {
    client.on('error', () => {});
  }
  return client;
}
