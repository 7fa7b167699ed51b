import { reportJobFailure } from '../../core/queue/report-job-failure.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from './redis-client.js';
import { StoreUnavailableError } from '../../core/errors.js';
import type { Clock, Logger } from '../../core/shared/ports.js';
import { settlesWithin } from '../../core/shared/settles-within.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';
import type { TurnDeadLetters } from '../../core/queue/turn-dead-letter.js';
import type { TurnJob } from '../../core/queue/turn-job.js';
import { TurnQueueError } from '../../core/queue/turn-queue-error.js';
import type { EnqueueResult, TurnJobRunner, TurnQueue } from '../../core/queue/ports.js';
import { drainRedisTurnThread } from './drain-redis-turn-thread.js';
import { enqueueRedisTurnJob } from './enqueue-redis-turn-job.js';
import { formatTurnStreamFields, type TurnStreamEntry } from './parse-turn-stream-entries.js';
import { readTurnStream, type TurnStreamReader } from './read-turn-stream.js';
import { createRedisThreadLockToken, holdRedisThreadLock } from './redis-thread-lock.js';
import { deleteRedisTurnConsumer } from './redis-turn-consumer-scripts.js';
import { createRedisTurnDeadLetters } from './redis-turn-dead-letters.js';
import {
  DEFAULT_TURN_DEAD_LETTER_LIMIT,
  DEFAULT_TURN_QUEUE_RETENTION_MS,
  DEFAULT_TURN_STREAM_MAX_LENGTH,
  formatRedisTurnQueueKeys,
  REDIS_TURN_QUEUE_GROUP as GROUP,
} from './redis-turn-queue-keys.js';
import { createRedisTurnQueueScripts, type ThreadHolder } from './redis-turn-queue-scripts.js';

/** Options of {@link createRedisTurnQueue}. */
export interface RedisTurnQueueOptions {
  /** Connection for ordinary commands (never blocked by the queue). Must not use ioredis' own `keyPrefix`. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  logger: Logger;
  /** Makes the dedicated connection for blocking stream reads (default `redis.duplicate()`); the queue closes it on stop. */
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
  /** Approximate cap of the wake-up stream (default 100 000). */
  streamMaxLength?: number;
  /** How long one stream read blocks (default 1 s). */
  blockMs?: number;
  /** Called (after logging) when a runner throws or a job's attempts are exhausted; the job is then moved to the dead letters. */
  onJobFailed?: (job: TurnJob, error: unknown) => void | Promise<void>;
  clock?: Clock;
}

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
 * Durable TurnQueue on Redis. Each thread's jobs wait in a list (`pending:{thread}`); a stream
 * (`turns`) read through the consumer group `crew` carries wake-ups naming a thread. A worker
 * that takes a wake-up and the thread's lock (`lock:{thread}`, the same key and token scheme as
 * `holdRedisThreadLock`) drains the list in order; entries of crashed workers are reclaimed
 * (XAUTOCLAIM) once idle past the lock's expiry, and the job at the head is re-run with
 * attempt + 1 (only a job at the head is ever marked started, so only the job that was running
 * is charged an attempt). Taking the lock and starting the head is one script; removing a
 * finished job (into `dead-letters` when it failed) and starting the next (or, when none is
 * left, releasing the lock and acknowledging the wake-up) is another, so a thread costs two round
 * trips per job besides its runner's saved progress. A stopped process leaves the group; the
 * consumers of dead ones are deleted once their entries were reclaimed. The scripts touch the
 * stream, list and lock together: all keys must live on one Redis node.
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
  const { streamKey, waitingKey, listKeysOf } = queueKeys;
  const deadLetterLimit = options.deadLetterLimit ?? DEFAULT_TURN_DEAD_LETTER_LIMIT;
  const scripts = createRedisTurnQueueScripts({ redis, retentionMs, maxAttempts, streamKey, group: GROUP, streamMaxLength, deadLetterLimit, now: () => clock.now() });

  const active = new Map<string, ActiveEntry>();
  const backlog: Array<{ entry: TurnStreamEntry; reclaimed: boolean }> = [];
  const background = new Set<Promise<void>>();
  let runner: TurnJobRunner | undefined;
  let reader: TurnStreamReader | undefined;
  let stopping = false;
  let crashed = false;
  let stopped: Promise<void> | undefined;
  let running = 0;

  const freeSlots = (): number => concurrency - active.size - backlog.length;
  const addWakeUp = (key: ThreadKey) =>
    redis.xadd(streamKey, 'MAXLEN', '~', streamMaxLength, '*', ...formatTurnStreamFields(key, formatThreadKey(key)));
  const acknowledge = (id: string) => redis.xack(streamKey, GROUP, id);

  function track(task: Promise<void>): void {
    background.add(task);
    void task.finally(() => background.delete(task));
  }

  function dispatch(entry: TurnStreamEntry, reclaimed: boolean): void {
    if (crashed || active.has(entry.id) || backlog.some((queued) => queued.entry.id === entry.id)) return;
    if (stopping) track(handBack(entry));
    else if (active.size >= concurrency) backlog.push({ entry, reclaimed });
    else startEntry(entry, reclaimed);
  }

  function startEntry(entry: TurnStreamEntry, reclaimed: boolean): void {
    const controller = new AbortController();
    const done = processEntry(entry, reclaimed, controller)
      .catch((error: unknown) => logger.error({ err: error, entryId: entry.id }, 'Turn stream entry failed; it will be reclaimed'))
      .finally(() => {
        active.delete(entry.id);
        while (!stopping && backlog.length > 0 && active.size < concurrency) {
          const next = backlog.shift();
          if (next !== undefined) startEntry(next.entry, next.reclaimed);
        }
        reader?.notifySlotFreed();
      });
    active.set(entry.id, { controller, done });
  }

  /** Takes the thread's lock and drains its jobs; acknowledges the entry when done cleanly. */
  async function processEntry(entry: TurnStreamEntry, reclaimed: boolean, controller: AbortController): Promise<void> {
    const threadKey = entry.threadKey;
    const jobRunner = runner;
    if (jobRunner === undefined) return;
    if (threadKey === undefined) {
      logger.warn({ entryId: entry.id }, 'Ignoring a malformed turn stream entry');
      await acknowledge(entry.id);
      return;
    }
    const keys = listKeysOf(threadKey);
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
          await redis.xclaim(streamKey, GROUP, consumerName, 0, entry.id, 'JUSTID');
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
  async function handBack(entry: TurnStreamEntry): Promise<void> {
    try {
      if (entry.threadKey !== undefined) await addWakeUp(entry.threadKey);
      await acknowledge(entry.id);
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

  /**
   * Leaves the consumer group. Only when this consumer owns no pending entries (an entry left
   * pending after a failed drain or hand-back stays, to be reclaimed; the consumer is then
   * deleted by another replica's sweep).
   */
  async function deleteOwnConsumer(): Promise<void> {
    if (runner === undefined || crashed) return;
    try {
      const result = await deleteRedisTurnConsumer(redis, streamKey, GROUP, consumerName);
      if (result === 'pending') logger.warn({ consumer: consumerName }, 'Turn stream entries still pending at stop; another replica will reclaim them');
    } catch (error) {
      logger.warn({ err: error, consumer: consumerName }, 'Could not leave the turn stream consumer group');
    }
  }

  return {
    enqueue(job: TurnJob): Promise<EnqueueResult> {
      return enqueueRedisTurnJob({ redis, keys: queueKeys, retentionMs, streamMaxLength, now: clock.now() }, job);
    },

    start(jobRunner: TurnJobRunner): void {
      if (runner !== undefined) throw new TurnQueueError('turn_queue_already_started', 'The turn queue was already started');
      runner = jobRunner;
      reader = readTurnStream({
        redis,
        connection: options.createConnection?.() ?? redis.duplicate(),
        streamKey,
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

    deadLetters: createRedisTurnDeadLetters({ redis, keyPrefix, retentionMs, streamMaxLength, clock }),

    async waitingCount(): Promise<number> {
      const value = Number(await redis.get(waitingKey));
      return Number.isFinite(value) ? Math.max(0, value) : 0;
    },

    simulateCrash(): void {
      crashed = true;
      stopping = true;
      reader?.halt();
      stopped ??= Promise.resolve();
    },
  };
}
