import type { ThreadKey } from '../../core/thread/thread-key.js';
import { createRedisKeys } from './redis-keys.js';

/** Consumer group every replica reads the turns stream in. */
export const REDIS_TURN_QUEUE_GROUP = 'crew';

/** Default expiry of queued jobs, counters and dead letters, refreshed on writes (1 day). */
export const DEFAULT_TURN_QUEUE_RETENTION_MS = 86_400_000;

/** Default approximate cap of the wake-up stream. */
export const DEFAULT_TURN_STREAM_MAX_LENGTH = 100_000;

/** Default number of dead letters kept (the oldest are dropped first). */
export const DEFAULT_TURN_DEAD_LETTER_LIMIT = 1_000;

/** Where one thread's jobs and lock live, plus the queue-wide keys the thread's scripts touch. */
export interface ThreadListKeys {
  listKey: string;
  waitingKey: string;
  lockKey: string;
  deadLetterKey: string;
}

/** Every key of the Redis turn queue under one prefix. */
export interface RedisTurnQueueKeys {
  /** Wake-up stream (`turns`), read through the consumer group. */
  streamKey: string;
  /** Counter of jobs not yet started (`waiting`). */
  waitingKey: string;
  /** List of dead letters, newest first (`dead-letters`). */
  deadLetterKey: string;
  /** The keys of one thread's job list and lock. */
  listKeysOf(key: ThreadKey): ThreadListKeys;
}

/** The turn queue's keys under `keyPrefix` (e.g. `crew:`), shared by the queue and `crew jobs` (built by `redis-keys.ts`). */
export function formatRedisTurnQueueKeys(keyPrefix: string): RedisTurnQueueKeys {
  const keys = createRedisKeys(keyPrefix);
  const { turnStream: streamKey, waiting: waitingKey, deadLetters: deadLetterKey } = keys;
  return {
    streamKey,
    waitingKey,
    deadLetterKey,
    listKeysOf: (key) => ({ listKey: keys.pending(key), waitingKey, lockKey: keys.lock(key), deadLetterKey }),
  };
}
