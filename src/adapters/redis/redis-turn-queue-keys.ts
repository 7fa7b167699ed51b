import type { ThreadKey } from '../../core/thread/thread-key.js';
import { createRedisKeys, TURN_QUEUE_SHARD_COUNT } from './redis-keys.js';

/** Consumer group every replica reads the turns stream in. */
export const REDIS_TURN_QUEUE_GROUP = 'crew';

/** Default expiry of queued jobs, counters and dead letters, refreshed on writes (1 day). */
export const DEFAULT_TURN_QUEUE_RETENTION_MS = 86_400_000;

/** Default approximate cap of each shard of the wake-up stream. */
export const DEFAULT_TURN_STREAM_MAX_LENGTH = 100_000;

/** Default number of dead letters kept (the oldest are dropped first). */
export const DEFAULT_TURN_DEAD_LETTER_LIMIT = 1_000;

/** The keys of one queue shard: all in the shard's hash slot (`{q<shard>}`). */
export interface TurnQueueShardKeys {
  shard: number;
  /** The shard's wake-up stream, read through the consumer group. */
  streamKey: string;
  /** The shard's count of jobs not yet started. */
  waitingKey: string;
  /** The shard's dead letters, newest first. */
  deadLetterKey: string;
}

/** Where one thread's jobs and lock live, with the keys of its shard (one slot: one script may touch them all). */
export interface ThreadListKeys extends TurnQueueShardKeys {
  listKey: string;
  lockKey: string;
}

/** Every key of the Redis turn queue under one prefix. */
export interface RedisTurnQueueKeys {
  /** Every shard, in order. */
  shards: readonly TurnQueueShardKeys[];
  /** The keys of one thread's job list and lock, and of its shard. */
  listKeysOf(key: ThreadKey): ThreadListKeys;
}

/** The turn queue's keys under `keyPrefix` (e.g. `crew:`), shared by the queue and `crew jobs` (built by `redis-keys.ts`). */
export function formatRedisTurnQueueKeys(keyPrefix: string): RedisTurnQueueKeys {
  const keys = createRedisKeys(keyPrefix);
  const shards = Array.from({ length: TURN_QUEUE_SHARD_COUNT }, (_, shard) => ({
    shard,
    streamKey: keys.turnStream(shard),
    waitingKey: keys.waiting(shard),
    deadLetterKey: keys.deadLetters(shard),
  }));
  return {
    shards,
    listKeysOf: (key) => ({ ...(shards[keys.queueShardOf(key)] as TurnQueueShardKeys), listKey: keys.pending(key), lockKey: keys.lock(key) }),
  };
}
