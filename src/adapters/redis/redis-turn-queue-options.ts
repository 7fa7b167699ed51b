import type { Clock, Logger } from '../../core/shared/ports.js';
import type { TurnJob } from '../../core/queue/turn-job.js';
import type { RedisClient } from './redis-client.js';

/** Options of `createRedisTurnQueue`. */
export interface RedisTurnQueueOptions {
  /** Connection for ordinary commands (never blocked by the queue). Must not use ioredis' own `keyPrefix`. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  logger: Logger;
  /** Makes a dedicated connection for one shard's blocking stream reads (default `redis.duplicate()`); the queue closes them on stop. */
  createConnection?: () => RedisClient;
  /** Consumer name in the group (default `${hostname}-${pid}-${random}`). */
  consumerName?: string;
  /** Threads drained at once by this process (default 32). */
  concurrency?: number;
  /** Thread lock expiry, renewed every third of it while jobs run (default 30 s). */
  lockTtlMs?: number;
  /** How often abandoned stream entries are looked for (default 5 s). */
  reclaimIntervalMs?: number;
  /** Idle time after which an entry counts as abandoned (default lockTtlMs + 1 s). */
  reclaimMinIdleMs?: number;
  /**
   * Idle time after which a consumer owning no pending entries counts as a stopped process's
   * and is deleted from the group (default 60 s, at least twice reclaimMinIdleMs).
   */
  deadConsumerIdleMs?: number;
  /** Starts of one job before it is dropped as failed with `turn_attempts_exhausted` (default 3). */
  maxAttempts?: number;
  /** Expiry of queued jobs, counters and dead letters, refreshed on writes (default 1 day). */
  retentionMs?: number;
  /** Dead letters kept, the oldest dropped first (default 1 000). */
  deadLetterLimit?: number;
  /** Approximate cap of each shard of the wake-up stream (default 100 000). */
  streamMaxLength?: number;
  /** How long one stream read blocks (default 1 s). */
  blockMs?: number;
  /** Called (after logging) when a runner throws or a job's attempts are exhausted; the job is then moved to the dead letters. */
  onJobFailed?: (job: TurnJob, error: unknown) => void | Promise<void>;
  clock?: Clock;
}

