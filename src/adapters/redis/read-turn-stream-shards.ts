import type { Logger } from '../../core/shared/ports.js';
import type { TurnStreamEntry } from './parse-turn-stream-entries.js';
import { readTurnStream, type TurnStreamReader, type TurnStreamReaderOptions } from './read-turn-stream.js';
import type { RedisClient } from './redis-client.js';
import { deleteRedisTurnConsumer } from './redis-turn-consumer-scripts.js';
import type { TurnQueueShardKeys } from './redis-turn-queue-keys.js';

/** A wake-up entry and the queue shard whose stream it was read from. */
export interface ShardTurnStreamEntry extends TurnStreamEntry {
  shard: TurnQueueShardKeys;
}

/** Options of {@link readTurnStreamShards}: a reader's, for every shard. */
export interface TurnStreamShardsOptions extends Omit<TurnStreamReaderOptions, 'connection' | 'streamKey' | 'onEntry'> {
  shards: readonly TurnQueueShardKeys[];
  /** Makes one dedicated connection for one shard's blocking reads (closed when its reader stops). */
  createConnection(): RedisClient;
  onEntry(entry: ShardTurnStreamEntry, reclaimed: boolean): void;
}

/**
 * Reads every shard of the wake-up stream: one reader (blocking XREADGROUP, XAUTOCLAIM sweep)
 * per shard, each on its own connection — on a cluster the shards live in different slots, so
 * one XREADGROUP cannot read them together, and one blocked connection per node would hold up
 * the others.
 */
export function readTurnStreamShards(options: TurnStreamShardsOptions): TurnStreamReader {
  const readers = options.shards.map((shard) =>
    readTurnStream({
      ...options,
      connection: options.createConnection(),
      streamKey: shard.streamKey,
      onEntry: (entry, reclaimed) => options.onEntry({ ...entry, shard }, reclaimed),
    }),
  );
  return {
    notifySlotFreed: () => readers.forEach((reader) => reader.notifySlotFreed()),
    stop: async () => {
      await Promise.all(readers.map((reader) => reader.stop()));
    },
    halt: () => readers.forEach((reader) => reader.halt()),
  };
}

/**
 * Leaves the consumer group of every shard where this consumer owns no pending entries (those
 * stay, to be reclaimed; another replica's sweep deletes the consumer afterwards).
 */
export async function leaveTurnStreamGroups(redis: RedisClient, shards: readonly TurnQueueShardKeys[], group: string, consumer: string, logger: Logger): Promise<void> {
  const results = await Promise.allSettled(shards.map((shard) => deleteRedisTurnConsumer(redis, shard.streamKey, group, consumer)));
  const pending = results.filter((result) => result.status === 'fulfilled' && result.value === 'pending').length;
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (pending > 0) logger.warn({ consumer, shards: pending }, 'Turn stream entries still pending at stop; another replica will reclaim them');
  if (failed.length > 0) logger.warn({ err: failed[0]?.reason, consumer }, 'Could not leave the turn stream consumer group');
}
