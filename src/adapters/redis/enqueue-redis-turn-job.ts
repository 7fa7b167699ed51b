import type { RedisClient } from './redis-client.js';
import { StoreUnavailableError } from '../../core/errors.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import { orderingKeyOf, type TurnJob } from '../../core/queue/turn-job.js';
import type { EnqueueResult } from '../../core/queue/ports.js';
import { formatTurnStreamFields } from './parse-turn-stream-entries.js';
import type { RedisTurnQueueKeys } from './redis-turn-queue-keys.js';
import { encodeStoredTurnJob, type StoredTurnJob } from './stored-turn-job.js';

/** What {@link enqueueRedisTurnJob} needs. */
export interface RedisTurnEnqueueOptions {
  redis: RedisClient;
  keys: RedisTurnQueueKeys;
  retentionMs: number;
  streamMaxLength: number;
  /** Epoch ms of the enqueue. */
  now: number;
}

/**
 * Appends a job to its thread's list, counts it as waiting and adds a wake-up entry, in one
 * MULTI (one round trip): the list, the counter and the stream are the thread's queue shard's,
 * in one slot. Throws StoreUnavailableError when Redis fails.
 */
export async function enqueueRedisTurnJob(options: RedisTurnEnqueueOptions, job: TurnJob): Promise<EnqueueResult> {
  const { redis, keys, retentionMs, streamMaxLength } = options;
  const threadKey = orderingKeyOf(job);
  const { listKey, waitingKey, streamKey } = keys.listKeysOf(threadKey);
  const record: StoredTurnJob = { attempt: 0, enqueuedAt: options.now, job };
  let results: Array<[Error | null, unknown]> | null;
  try {
    results = await redis
      .multi()
      .rpush(listKey, encodeStoredTurnJob(record))
      .pexpire(listKey, retentionMs)
      .incr(waitingKey)
      .pexpire(waitingKey, retentionMs)
      .xadd(streamKey, 'MAXLEN', '~', streamMaxLength, '*', ...formatTurnStreamFields(threadKey, formatThreadKey(threadKey)))
      .exec();
  } catch (error) {
    throw new StoreUnavailableError('Could not queue the turn job', { cause: error });
  }
  const failure = results?.find(([error]) => error !== null);
  if (results === null || failure !== undefined) {
    throw new StoreUnavailableError('Could not queue the turn job', { cause: failure?.[0] });
  }
  const length = results[0]?.[1];
  return { waitingAhead: typeof length === 'number' ? Math.max(0, length - 1) : 0 };
}
