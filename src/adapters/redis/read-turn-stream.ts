import { setTimeout as delay } from 'node:timers/promises';
import { isRedisCluster, type RedisClient } from './redis-client.js';
import type { Logger } from '../../core/shared/ports.js';
import { parseTurnStreamEntries, type TurnStreamEntry } from './parse-turn-stream-entries.js';
import { deleteDeadRedisTurnConsumers } from './redis-turn-consumer-scripts.js';

/** Options of {@link readTurnStream}. */
export interface TurnStreamReaderOptions {
  /** Connection for non-blocking commands (group creation, XAUTOCLAIM, CLIENT UNBLOCK). */
  redis: RedisClient;
  /** Dedicated connection for the blocking XREADGROUP; closed when the reader stops. */
  connection: RedisClient;
  streamKey: string;
  group: string;
  consumerName: string;
  blockMs: number;
  reclaimIntervalMs: number;
  reclaimMinIdleMs: number;
  /** Idle time after which a consumer without pending entries counts as dead and is deleted. */
  deadConsumerIdleMs: number;
  logger: Logger;
  /** How many more entries the queue can take now. */
  freeSlots(): number;
  /** Hands over an entry; `reclaimed` when it came from a dead (or slow) consumer. */
  onEntry(entry: TurnStreamEntry, reclaimed: boolean): void;
}

/** A running stream reader. */
export interface TurnStreamReader {
  /** Wakes a reader waiting for a free slot. */
  notifySlotFreed(): void;
  /** Stops reading and reclaiming; resolves once the loops ended and the connection is closed. */
  stop(): Promise<void>;
  /** Stops at once, dropping the connection (simulated crash). */
  halt(): void;
}

/**
 * Reads wake-up entries of the turns stream: new ones with a blocking XREADGROUP loop on the
 * dedicated connection (only while the queue has free slots), abandoned ones with a periodic
 * XAUTOCLAIM. The same sweep, at most every half `deadConsumerIdleMs`, deletes the consumers of
 * dead processes once their entries were reclaimed. Redis errors are logged and retried with
 * backoff (0.5 s doubling to 5 s). One reader reads one stream (one queue shard).
 */
export function readTurnStream(options: TurnStreamReaderOptions): TurnStreamReader {
  const { redis, connection, streamKey, group, consumerName, logger } = options;
  const stopController = new AbortController();
  let stopping = false;
  let clientId: number | undefined;
  let wakeReader: (() => void) | undefined;
  let reclaimTimer: NodeJS.Timeout | undefined;
  let reclaimRun: Promise<void> = Promise.resolve();
  let reclaimCursor = '0-0';
  let consumersSweptAt = Date.now();

  connection.on('error', (error: unknown) => logger.warn({ err: error }, 'Turn stream reader connection error'));
  connection.on('close', () => {
    clientId = undefined;
  });

  async function ensureGroup(): Promise<void> {
    try {
      // From the start of the stream, so wake-ups written before the group existed are read.
      await redis.xgroup('CREATE', streamKey, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  async function readNew(): Promise<void> {
    let groupReady = false;
    let backoffMs = 0;
    while (!stopping) {
      try {
        if (!groupReady) {
          await ensureGroup();
          groupReady = true;
        }
        const slots = options.freeSlots();
        if (slots <= 0) {
          await new Promise<void>((resolve) => (wakeReader = resolve));
          wakeReader = undefined;
          continue;
        }
        // A cluster client has no one connection to unblock: its read ends within blockMs at stop.
        if (!isRedisCluster(connection)) clientId ??= Number(await connection.client('ID'));
        if (stopping) return;
        const reply = await connection.call('XREADGROUP', 'GROUP', group, consumerName, 'COUNT', slots, 'BLOCK', options.blockMs, 'STREAMS', streamKey, '>');
        backoffMs = 0;
        for (const stream of Array.isArray(reply) ? reply : []) {
          const entries = parseTurnStreamEntries(Array.isArray(stream) ? stream[1] : undefined);
          for (const entry of entries) options.onEntry(entry, false);
        }
      } catch (error) {
        if (stopping) return;
        if (error instanceof Error && error.message.startsWith('NOGROUP')) groupReady = false;
        backoffMs = Math.min(backoffMs === 0 ? 500 : backoffMs * 2, 5_000);
        logger.warn({ err: error, retryInMs: backoffMs }, 'Reading the turn stream failed; retrying');
        await delay(backoffMs, undefined, { signal: stopController.signal }).catch(() => undefined);
      }
    }
  }

  function scheduleReclaim(): void {
    reclaimTimer = setTimeout(() => {
      reclaimRun = reclaimAbandoned()
        .catch((error: unknown) => logger.warn({ err: error }, 'Reclaiming abandoned turn entries failed'))
        .finally(() => {
          if (!stopping) scheduleReclaim();
        });
    }, options.reclaimIntervalMs);
  }

  async function reclaimAbandoned(): Promise<void> {
    const count = Math.min(50, options.freeSlots());
    if (count > 0 && !stopping) {
      const reply = await redis.xautoclaim(streamKey, group, consumerName, options.reclaimMinIdleMs, reclaimCursor, 'COUNT', count);
      reclaimCursor = typeof reply[0] === 'string' ? reply[0] : '0-0';
      for (const entry of parseTurnStreamEntries(reply[1])) options.onEntry(entry, true);
    }
    if (stopping || Date.now() - consumersSweptAt < options.deadConsumerIdleMs / 2) return;
    consumersSweptAt = Date.now();
    // Only consumers owning no pending entries go: a dead one's entries are reclaimed first.
    const deleted = await deleteDeadRedisTurnConsumers(redis, streamKey, group, consumerName, options.deadConsumerIdleMs);
    if (deleted.length > 0) logger.info({ consumers: deleted }, 'Deleted turn stream consumers of stopped processes');
  }

  function endLoops(): void {
    stopping = true;
    stopController.abort();
    clearTimeout(reclaimTimer);
    wakeReader?.();
  }

  const reading = readNew().catch((error: unknown) => logger.error({ err: error }, 'Turn stream reader stopped'));
  scheduleReclaim();

  return {
    notifySlotFreed(): void {
      wakeReader?.();
    },
    async stop(): Promise<void> {
      endLoops();
      if (clientId !== undefined) {
        await redis.client('UNBLOCK', clientId).catch((error: unknown) => logger.debug({ err: error }, 'Could not unblock the turn stream reader'));
      }
      await Promise.allSettled([reading, reclaimRun]);
      await connection.quit().catch(() => connection.disconnect());
    },
    halt(): void {
      endLoops();
      connection.disconnect();
    },
  };
}
