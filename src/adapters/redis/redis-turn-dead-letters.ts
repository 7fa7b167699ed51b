import type { RedisClient } from './redis-client.js';
import type { Clock } from '../../core/shared/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import type { TurnDeadLetter, TurnDeadLetters } from '../../core/queue/turn-dead-letter.js';
import { orderingKeyOf } from '../../core/queue/turn-job.js';
import { formatTurnStreamFields } from './parse-turn-stream-entries.js';
import {
  DEFAULT_TURN_DEAD_LETTER_LIMIT,
  DEFAULT_TURN_QUEUE_RETENTION_MS,
  DEFAULT_TURN_STREAM_MAX_LENGTH,
  formatRedisTurnQueueKeys,
} from './redis-turn-queue-keys.js';
import { encodeStoredTurnJob } from './stored-turn-job.js';

/**
 * Moves one dead letter back into its thread's job list, as `enqueue` does (job, waiting
 * counter, wake-up), in one step: only when the dead letter is still there, so two requeues of
 * one letter queue the job once. Every key is the thread's queue shard's (one slot): a job's
 * dead letter is kept in its thread's shard.
 * KEYS: dead letters, list, waiting counter, stream. ARGV: dead letter as stored, stored job,
 * retention ms, stream max length, wake-up fields…
 */
const REQUEUE_SCRIPT = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
return 1`;

/** Options of {@link createRedisTurnDeadLetters}. */
export interface RedisTurnDeadLettersOptions {
  /** Must not use ioredis' own `keyPrefix`. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:` (the queue's). */
  keyPrefix: string;
  /** Expiry of the requeued job's list and of the counters (default 1 day, as the queue's). */
  retentionMs?: number;
  /** Approximate cap of the wake-up stream (default 100 000, as the queue's). */
  streamMaxLength?: number;
  /** Dead letters listed, newest first over every shard (default 1 000, as the queue's). */
  limit?: number;
  clock?: Clock;
}

/** Serialises a dead letter as the queue stores it (JSON). */
export function encodeTurnDeadLetter(letter: TurnDeadLetter): string {
  return JSON.stringify(letter);
}

/** Parses a stored dead letter; undefined when it is not one. */
export function parseTurnDeadLetter(raw: string): TurnDeadLetter | undefined {
  try {
    const value = JSON.parse(raw) as Partial<TurnDeadLetter> | null;
    if (typeof value?.id !== 'string' || typeof value.job !== 'object' || value.job === null || typeof value.job.id !== 'string') return undefined;
    return value as TurnDeadLetter;
  } catch {
    return undefined;
  }
}

/**
 * The Redis turn queue's dead letters (a list per queue shard, `dead-letters:{q<i>}`, newest
 * first, each written by the queue's finish step and cut to the limit): listing them (the
 * shards merged, newest first, up to the limit) and requeueing one. Used by the queue and by `crew jobs`.
 */
export function createRedisTurnDeadLetters(options: RedisTurnDeadLettersOptions): TurnDeadLetters {
  const { redis } = options;
  const keys = formatRedisTurnQueueKeys(options.keyPrefix);
  const retentionMs = options.retentionMs ?? DEFAULT_TURN_QUEUE_RETENTION_MS;
  const streamMaxLength = options.streamMaxLength ?? DEFAULT_TURN_STREAM_MAX_LENGTH;
  const clock = options.clock ?? { now: () => Date.now() };

  const limitOfAll = Math.max(1, options.limit ?? DEFAULT_TURN_DEAD_LETTER_LIMIT);

  interface StoredLetter {
    raw: string;
    letter: TurnDeadLetter;
  }

  /** Every shard's letters (up to `limit` each), merged newest first; a shard's own order breaks ties. */
  async function readAll(limit: number): Promise<StoredLetter[]> {
    const perShard = await Promise.all(keys.shards.map((shard) => redis.lrange(shard.deadLetterKey, 0, limit - 1)));
    const letters: Array<StoredLetter & { shard: number; index: number }> = [];
    perShard.forEach((raws, shard) =>
      raws.forEach((raw, index) => {
        const letter = parseTurnDeadLetter(raw);
        if (letter !== undefined) letters.push({ raw, letter, shard, index });
      }),
    );
    letters.sort((a, b) => b.letter.failedAt - a.letter.failedAt || (a.shard === b.shard ? a.index - b.index : a.shard - b.shard));
    return letters.slice(0, limit);
  }

  return {
    async list(limit?: number): Promise<TurnDeadLetter[]> {
      if (limit !== undefined && limit <= 0) return [];
      return (await readAll(Math.min(limit ?? limitOfAll, limitOfAll))).map(({ letter }) => letter);
    },

    async requeue(id: string): Promise<TurnDeadLetter | undefined> {
      const found = (await readAll(limitOfAll)).find(({ letter }) => letter.id === id);
      if (found === undefined) return undefined;
      const threadKey = orderingKeyOf(found.letter.job);
      // Attempts start again from 0; the saved progress stays, so a re-run reuses a posted root.
      const stored = encodeStoredTurnJob({ attempt: 0, enqueuedAt: clock.now(), job: found.letter.job });
      const threadKeys = keys.listKeysOf(threadKey);
      const moved = await redis.eval(
        REQUEUE_SCRIPT,
        4,
        threadKeys.deadLetterKey,
        threadKeys.listKey,
        threadKeys.waitingKey,
        threadKeys.streamKey,
        found.raw,
        stored,
        retentionMs,
        streamMaxLength,
        ...formatTurnStreamFields(threadKey, formatThreadKey(threadKey)),
      );
      return moved === 1 ? found.letter : undefined;
    },
  };
}
