import type { RedisClient } from './redis-client.js';
import type { Clock } from '../../core/shared/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import type { TurnDeadLetter, TurnDeadLetters } from '../../core/queue/turn-dead-letter.js';
import { orderingKeyOf } from '../../core/queue/turn-job.js';
import { formatTurnStreamFields } from './parse-turn-stream-entries.js';
import { DEFAULT_TURN_QUEUE_RETENTION_MS, DEFAULT_TURN_STREAM_MAX_LENGTH, formatRedisTurnQueueKeys } from './redis-turn-queue-keys.js';
import { encodeStoredTurnJob } from './stored-turn-job.js';

/**
 * Moves one dead letter back into its thread's job list, as `enqueue` does (job, waiting
 * counter, wake-up), in one step: only when the dead letter is still there, so two requeues of
 * one letter queue the job once.
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
 * The Redis turn queue's dead letters (`dead-letters`, a list, newest first, written by the
 * queue's finish step): listing them and requeueing one. Used by the queue and by `crew jobs`.
 */
export function createRedisTurnDeadLetters(options: RedisTurnDeadLettersOptions): TurnDeadLetters {
  const { redis } = options;
  const keys = formatRedisTurnQueueKeys(options.keyPrefix);
  const retentionMs = options.retentionMs ?? DEFAULT_TURN_QUEUE_RETENTION_MS;
  const streamMaxLength = options.streamMaxLength ?? DEFAULT_TURN_STREAM_MAX_LENGTH;
  const clock = options.clock ?? { now: () => Date.now() };

  async function readAll(limit?: number): Promise<Array<{ raw: string; letter: TurnDeadLetter }>> {
    const raws = await redis.lrange(keys.deadLetterKey, 0, limit === undefined ? -1 : Math.max(0, limit - 1));
    const letters: Array<{ raw: string; letter: TurnDeadLetter }> = [];
    for (const raw of raws) {
      const letter = parseTurnDeadLetter(raw);
      if (letter !== undefined) letters.push({ raw, letter });
    }
    return letters;
  }

  return {
    async list(limit?: number): Promise<TurnDeadLetter[]> {
      if (limit !== undefined && limit <= 0) return [];
      return (await readAll(limit)).map(({ letter }) => letter);
    },

    async requeue(id: string): Promise<TurnDeadLetter | undefined> {
      const found = (await readAll()).find(({ letter }) => letter.id === id);
      if (found === undefined) return undefined;
      const threadKey = orderingKeyOf(found.letter.job);
      // Attempts start again from 0; the saved progress stays, so a re-run reuses a posted root.
      const stored = encodeStoredTurnJob({ attempt: 0, enqueuedAt: clock.now(), job: found.letter.job });
      const moved = await redis.eval(
        REQUEUE_SCRIPT,
        4,
        keys.deadLetterKey,
        keys.listKeysOf(threadKey).listKey,
        keys.waitingKey,
        keys.streamKey,
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
