import { reportJobFailure } from '../../core/queue/report-job-failure.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { settlesWithin } from '../../core/shared/settles-within.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';
import type { TurnDeadLetters } from '../../core/queue/turn-dead-letter.js';
import type { TurnJob } from '../../core/queue/turn-job.js';
import { TurnQueueError } from '../../core/queue/turn-queue-error.js';
import type { EnqueueResult, TurnJobRunner, TurnQueue } from '../../core/queue/ports.js';
import { drainRedisTurnThread } from './drain-redis-turn-thread.js';
import { enqueueRedisTurnJob } from './enqueue-redis-turn-job.js';
import { formatTurnStreamFields } from './parse-turn-stream-entries.js';
import type { TurnStreamReader } from './read-turn-stream.js';
import { leaveTurnStreamGroups, readTurnStreamShards, type ShardTurnStreamEntry } from './read-turn-stream-shards.js';
import { createRedisThreadLockToken, holdRedisThreadLock } from './redis-thread-lock.js';
import { createRedisTurnDeadLetters } from './redis-turn-dead-letters.js';
import {
  DEFAULT_TURN_DEAD_LETTER_LIMIT,
  DEFAULT_TURN_QUEUE_RETENTION_MS,
  DEFAULT_TURN_STREAM_MAX_LENGTH,
  formatRedisTurnQueueKeys,
  REDIS_TURN_QUEUE_GROUP as GROUP,
  type TurnQueueShardKeys,
} from './redis-turn-queue-keys.js';
import { createRedisTurnQueueScripts, type ThreadHolder } from './redis-turn-queue-scripts.js';
import type { RedisTurnQueueOptions } from './redis-turn-queue-options.js';

export type { RedisTurnQueueOptions } from './redis-turn-queue-options.js';

/** The Redis turn queue, with a test hook. */
export interface RedisTurnQueue extends TurnQueue {
  readonly deadLetters: TurnDeadLetters;
  /** Test only: halts as if the process died (closes the reader, stops timers; no release, pop or ack). */
  simulateCrash(): void;
}

interface ActiveEntry {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Durable TurnQueue on Redis. Each thread's jobs wait in a list (`pending:{q<i>}:<thread>`); a
 * stream per queue shard (`turn-stream:{q<i>}`) read through the consumer group `crew` carries
 * wake-ups naming a thread; a thread's list, lock and wake-ups are in its shard. A worker
 * that takes a wake-up and the thread's lock (`lock:{thread}`, the same key and token scheme as
 * `holdRedisThreadLock`) drains the list in order; entries of crashed workers are reclaimed
 * (XAUTOCLAIM) once idle past the lock's expiry, and the job at the head is re-run with
 * attempt + 1 (only a job at the head is ever marked started, so only the job that was running
 * is charged an attempt). Taking the lock and starting the head is one script; removing a
 * finished job (into `dead-letters` when it failed) and starting the next (or, when none is
 * left, releasing the lock and acknowledging the wake-up) is another, so a thread costs two round
 * trips per job besides its runner's saved progress. A stopped process leaves the group; the
 * consumers of dead ones are deleted once their entries were reclaimed. The scripts touch the
 * stream, list and lock together, so every key a script touches carries the shard's hash tag
 * (one Redis Cluster slot); the shards spread the queue over the cluster.
 */
export function createRedisTurnQueue(options: RedisTurnQueueOptions): RedisTurnQueue {
  const { redis, keyPrefix, logger } = options;
  const concurrency = options.concurrency ?? 32;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const reclaimIntervalMs = options.reclaimIntervalMs ?? 5_000;
  const reclaimMinIdleMs = options.reclaimMinIdleMs ?? lockTtlMs + 1_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const retentionMs = options.retentionMs ?? DEFAULT_TURN_QUEUE_RETENTION_MS;
  const streamMaxLength = options.streamMaxLength ?? DEFAULT_TURN_STREAM_MAX_LENGTH;
  const blockMs = options.blockMs ?? 1_000;
  const clock = options.clock ?? { now: () => Date.now() };
  const consumerName = options.consumerName ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queueKeys = formatRedisTurnQueueKeys(keyPrefix);
  const { shards, listKeysOf } = queueKeys;
  const deadLetterLimit = options.deadLetterLimit ?? DEFAULT_TURN_DEAD_LETTER_LIMIT;
  const scripts = createRedisTurnQueueScripts({ redis, retentionMs, maxAttempts, group: GROUP, streamMaxLength, deadLetterLimit, now: () => clock.now() });

  /** Entry ids are unique per stream only: the shard is part of an entry's name. */
  const active = new Map<string, ActiveEntry>();
  const nameOf = (entry: ShardTurnStreamEntry) => `${entry.shard.shard}/${entry.id}`;
  const backlog: Array<{ entry: ShardTurnStreamEntry; reclaimed: boolean }> = [];
  const background = new Set<Promise<void>>();
  let runner: TurnJobRunner | undefined;
  let reader: TurnStreamReader | undefined;
  let stopping = false;
  let crashed = false;
  let stopped: Promise<void> | undefined;
  let running = 0;

  const freeSlots = (): number => concurrency - active.size - backlog.length;
  const addWakeUp = (key: ThreadKey) =>
    redis.xadd(listKeysOf(key).streamKey, 'MAXLEN', '~', streamMaxLength, '*', ...formatTurnStreamFields(key, formatThreadKey(key)));
  const acknowledge = (entry: ShardTurnStreamEntry) => redis.xack(entry.shard.streamKey, GROUP, entry.id);

  function track(task: Promise<void>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  function dispatch(entry: ShardTurnStreamEntry, reclaimed: boolean): void {
    const name = nameOf(entry);
    if (crashed || active.has(name) || backlog.some((queued) => nameOf(queued.entry) === name)) return;
    if (stopping) track(handBack(entry));
    else if (active.size >= concurrency) backlog.push({ entry, reclaimed });
    else startEntry(entry, reclaimed);
  }

  function startEntry(entry: ShardTurnStreamEntry, reclaimed: boolean): void {
    const controller = new AbortController();
    const done = processEntry(entry, reclaimed, controller)
      .catch((error: unknown) => logger.error({ err: error, entryId: entry.id }, 'Turn stream entry failed; it will be reclaimed'))
      .finally(() => {
        active.delete(nameOf(entry));
        while (!stopping && backlog.length > 0 && active.size < concurrency) {
          const next = backlog.shift();
          if (next !== undefined) startEntry(next.entry, next.reclaimed);
        }
        reader?.notifySlotFreed();
      });
    active.set(nameOf(entry), { controller, done });
  }

  /** Takes the thread's lock and drains its jobs; acknowledges the entry when done cleanly. */
  async function processEntry(entry: ShardTurnStreamEntry, reclaimed: boolean, controller: AbortController): Promise<void> {
    const threadKey = entry.threadKey;
    const jobRunner = runner;
    if (jobRunner === undefined) return;
    if (threadKey === undefined) {
      logger.warn({ entryId: entry.id }, 'Ignoring a malformed turn stream entry');
      await acknowledge(entry);
      return;
    }
    const keys = listKeysOf(threadKey);
    // A wake-up in another shard than its thread's (none is written so): pass it on to the thread's shard.
    if (keys.shard !== entry.shard.shard) {
      await handBack(entry);
      return;
    }
    const holder: ThreadHolder = { token: createRedisThreadLockToken(), entryId: entry.id };
    // A reclaimed entry stays pending when the lock is busy: its holder may have died.
    const first = await scripts.claimThread(keys, holder, lockTtlMs, !reclaimed);
    // Busy: the holder drains the list. Empty: the script gave the lock back and acknowledged.
    if (first.kind === 'busy' || first.kind === 'empty') return;
    const lock = holdRedisThreadLock(redis, keys.lockKey, holder.token, lockTtlMs);
    let end: 'released' | 'held' = 'held';
    let clean = true;
    try {
      end = await drainRedisTurnThread({
        scripts,
        keys,
        holder,
        first,
        lock,
        lockTtlMs,
        maxAttempts,
        logger,
        clock,
        controller,
        runner: jobRunner,
        shouldStartNext: () => !stopping,
        isHalted: () => crashed,
        refreshEntry: async () => {
          await redis.xclaim(keys.streamKey, GROUP, consumerName, 0, entry.id, 'JUSTID');
        },
        onRunningChange: (delta) => {
          running += delta;
        },
        reportFailure,
      });
    } catch (error) {
      clean = false;
      logger.error({ err: error, listKey: keys.listKey }, 'Draining a thread of turn jobs failed');
    }
    if (crashed || end === 'released') return;
    if (!clean) {
      // The entry stays pending, to be reclaimed.
      await lock.release().catch((error: unknown) => logger.warn({ err: error, listKey: keys.listKey }, 'Could not release a thread lock'));
      return;
    }
    // Stopped early: release, wake someone if jobs remain (some may have come meanwhile), ack.
    await scripts.releaseThread(keys, holder, formatTurnStreamFields(threadKey, formatThreadKey(threadKey)));
  }

  /** Gives back an entry taken while stopping: a fresh wake-up for someone else, then ack. */
  async function handBack(entry: ShardTurnStreamEntry): Promise<void> {
    try {
      // Added before the ack: a crash in between leaves an extra wake-up (harmless), never none.
      if (entry.threadKey !== undefined) await addWakeUp(entry.threadKey);
      await acknowledge(entry);
    } catch (error) {
      logger.warn({ err: error, entryId: entry.id }, 'Could not hand back a turn stream entry; it will be reclaimed');
    }
  }

  function reportFailure(job: TurnJob, error: unknown): Promise<void> {
    return reportJobFailure(logger, options.onJobFailed, job, error);
  }

  async function shutDown(deadlineMs: number): Promise<void> {
    stopping = true;
    const readerStopped = reader?.stop();
    for (const { entry } of backlog.splice(0)) track(handBack(entry));
    const drains = Promise.allSettled([...active.values()].map((entry) => entry.done));
    if (!(await settlesWithin(drains, deadlineMs))) {
      const reason = new TurnQueueError('turn_queue_stopping', 'The turn queue is shutting down');
      for (const entry of active.values()) entry.controller.abort(reason);
    }
    await drains;
    await readerStopped;
    await Promise.allSettled(background);
    await deleteOwnConsumer();
  }

  /** Leaves the consumer groups (see `leaveTurnStreamGroups`). */
  async function deleteOwnConsumer(): Promise<void> {
    if (runner === undefined || crashed) return;
    await leaveTurnStreamGroups(redis, shards, GROUP, consumerName, logger);
  }

  return {
    enqueue(job: TurnJob): Promise<EnqueueResult> {
      return enqueueRedisTurnJob({ redis, keys: queueKeys, retentionMs, streamMaxLength, now: clock.now() }, job);
    },

    start(jobRunner: TurnJobRunner): void {
      if (runner !== undefined) throw new TurnQueueError('turn_queue_already_started', 'The turn queue was already started');
      runner = jobRunner;
      reader = readTurnStreamShards({
        redis,
        shards,
        createConnection: () => options.createConnection?.() ?? redis.duplicate(),
        group: GROUP,
        consumerName,
        blockMs,
        reclaimIntervalMs,
        reclaimMinIdleMs,
        deadConsumerIdleMs: options.deadConsumerIdleMs ?? Math.max(60_000, 2 * reclaimMinIdleMs),
        logger,
        freeSlots,
        onEntry: dispatch,
      });
    },

    stop(deadlineMs: number): Promise<void> {
      stopped ??= shutDown(deadlineMs);
      return stopped;
    },

    runningCount(): number {
      return running;
    },

    deadLetters: createRedisTurnDeadLetters({ redis, keyPrefix, retentionMs, streamMaxLength, clock, limit: deadLetterLimit }),

    async waitingCount(): Promise<number> {
      return sumWaiting(redis, shards);
    },

    simulateCrash(): void {
      crashed = true;
      stopping = true;
      reader?.halt();
      stopped ??= Promise.resolve();
    },
  };
}

/** The queue's waiting count: the shards' counters summed (one GET each: they live in different slots). */
async function sumWaiting(redis: RedisTurnQueueOptions['redis'], shards: readonly TurnQueueShardKeys[]): Promise<number> {
  const values = await Promise.all(shards.map((shard) => redis.get(shard.waitingKey)));
  return values.reduce((total, raw) => {
    const value = Number(raw);
    return total + (Number.isFinite(value) ? Math.max(0, value) : 0);
  }, 0);
}
