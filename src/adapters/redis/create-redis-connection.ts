import { Redis } from 'ioredis';
import type { Logger } from '../../core/shared/ports.js';
import { redactRedisUrl } from './redact-redis-url.js';

/** Options for {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL; may carry a password (it is never logged). */
  url: string;
  /** Shown in `CLIENT LIST` (e.g. `crew-store`), handy when several connections share a server. */
  connectionName: string;
  /** Receives connection lifecycle events. */
  logger?: Logger;
  /** When true, connects on the first command (or an explicit `connect()`). Default false. */
  lazyConnect?: boolean;
  /**
   * Upper bound on how long a command (including one queued while disconnected) waits for its
   * reply before it rejects. Default 1500 ms. `0` disables it: required for connections that
   * run blocking commands (BLMOVE, BRPOP…), which would otherwise be cut short.
   */
  commandTimeoutMs?: number;
  /** How long a TCP connect may take before it is abandoned and retried. Default 2000 ms. */
  connectTimeoutMs?: number;
}

/** How long a command may wait for its reply by default (every kind of Redis client). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1500;
/** How long a TCP connect may take by default (every kind of Redis client). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const RECONNECT_STEP_MS = 200;
const RECONNECT_CAP_MS = 2000;

/**
 * Creates an ioredis client tuned for a chat bot: while Redis is down commands fail within
 * about `commandTimeoutMs` (so the user gets a clear message instead of silence), and the
 * client keeps reconnecting forever with capped backoff (200 ms steps up to 2 s).
 * Lifecycle events are logged with the URL's password redacted.
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis = new Redis(options.url, {
    connectionName: options.connectionName,
    lazyConnect: options.lazyConnect ?? false,
    // Queue commands issued while (re)connecting, but flush them with an error after one
    // failed reconnect attempt instead of holding them for the whole outage.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
    retryStrategy: computeReconnectDelay,
  });
  if (options.logger) {
    attachLifecycleLogging(redis, options.logger.child({
      component: 'redis',
      connectionName: options.connectionName,
      redis: redactRedisUrl(options.url),
    }));
  } else {
    // Without a listener ioredis prints every reconnect failure to the console; failures
    // still reach callers as rejected commands.
    redis.on('error', () => {});
  }
  return redis;
}

/** Reconnect delay for the given attempt: grows by 200 ms per attempt, capped at 2 s; never gives up. */
export function computeReconnectDelay(attempt: number): number {
  return Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_CAP_MS);
}

/**
 * Logs lifecycle events without flooding: the first error and the loss of a working
 * connection are warnings; repeated failures while reconnecting are debug.
 */
export function attachLifecycleLogging(redis: { on(event: string, listener: (...args: any[]) => void): unknown }, logger: Logger): void {
  let wasReady = false;
  let errorsSinceReady = 0;

  redis.on('connect', () => logger.debug({}, 'redis socket connected'));
  redis.on('ready', () => {
    logger.info({ afterErrors: errorsSinceReady }, 'redis ready');
    wasReady = true;
    errorsSinceReady = 0;
  });
  redis.on('error', (error: unknown) => {
    errorsSinceReady += 1;
    const level = errorsSinceReady === 1 ? 'warn' : 'debug';
    logger[level]({ err: error, consecutiveErrors: errorsSinceReady }, 'redis connection error');
  });
  redis.on('close', () => {
    if (wasReady) {
      logger.warn({}, 'redis connection lost; reconnecting');
      wasReady = false;
    } else {
      logger.debug({}, 'redis connection closed');
    }
  });
  redis.on('reconnecting', (delayMs: number) => logger.debug({ delayMs }, 'redis reconnecting'));
  redis.on('end', () => logger.info({}, 'redis connection ended'));
}
