import type { Redis } from 'ioredis';
import type { Clock, HeldLock, Logger } from '../../core/conversation/ports.js';
import type { TurnJob, TurnJobProgress } from '../../core/conversation/turn-job.js';
import { TurnQueueError } from '../../core/conversation/turn-queue-error.js';
import type { TurnJobRunner } from '../../core/conversation/turn-queue.js';
import type { RedisTurnQueueScripts, ThreadListKeys } from './redis-turn-queue-scripts.js';
import { parseStoredTurnJob, type StoredTurnJob } from './stored-turn-job.js';

/** What {@link drainRedisTurnThread} needs; the thread lock is already held. */
export interface RedisTurnDrainOptions {
  redis: Redis;
  scripts: RedisTurnQueueScripts;
  keys: ThreadListKeys;
  lock: HeldLock;
  lockTtlMs: number;
  maxAttempts: number;
  runner: TurnJobRunner;
  logger: Logger;
  clock: Clock;
  /** Signal given to runners. The queue aborts it on shutdown; the drain aborts it when the lock is lost. */
  controller: AbortController;
  /** False once the queue takes no new jobs: the drain then ends after the running job. */
  shouldStartNext(): boolean;
  /** True after a simulated crash: the drain touches nothing more. */
  isHalted(): boolean;
  /** Resets the idle time of the stream entry that started the drain, so it is not reclaimed. */
  refreshEntry(): Promise<void>;
  onRunningChange(delta: 1 | -1): void;
  /** Logs and reports a job that failed (runner threw, or attempts exhausted). */
  reportFailure(job: TurnJob, error: unknown): Promise<void>;
}

/**
 * Runs the jobs of one thread, oldest first, while holding its lock, until the list is empty,
 * the queue stops, or the lock is lost. The lock is renewed every ttl/3 meanwhile. A job leaves
 * the list only after its runner settled without the signal having fired; a job whose signal
 * fired (shutdown or lost lock) stays at the head to be re-run. Throws on Redis errors.
 */
export async function drainRedisTurnThread(options: RedisTurnDrainOptions): Promise<void> {
  const { redis, scripts, keys, logger } = options;
  const stopRenewal = startLockRenewal(options);
  try {
    while (options.shouldStartNext() && !options.controller.signal.aborted && !options.isHalted()) {
      const raw = await redis.lindex(keys.listKey, 0);
      if (raw === null) return;
      const record = parseStoredTurnJob(raw);
      if (record === undefined) {
        logger.error({ listKey: keys.listKey }, 'Dropping an unreadable queued turn job');
        if (!(await scripts.popHead(keys, raw, false))) return;
        continue;
      }
      if (record.attempt >= options.maxAttempts) {
        if (!(await scripts.popHead(keys, raw, false))) return;
        const error = new TurnQueueError('turn_attempts_exhausted', 'The turn job was started too many times without finishing', {
          jobId: record.job.id,
          attempts: record.attempt,
        });
        await options.reportFailure(record.job, error);
        continue;
      }
      if (!(await runHeadJob(options, raw, record))) return;
    }
  } finally {
    stopRenewal();
  }
}

/** Runs the head job; true when it finished and left the list (the drain may go on). */
async function runHeadJob(options: RedisTurnDrainOptions, raw: string, record: StoredTurnJob): Promise<boolean> {
  const { scripts, keys, controller, logger } = options;
  let current: StoredTurnJob = { ...record, attempt: record.attempt + 1, startedAt: options.clock.now() };
  let currentRaw = JSON.stringify(current);
  if (!(await scripts.replaceHead(keys, raw, currentRaw, record.attempt === 0))) return false;

  let progressChain: Promise<void> = Promise.resolve();
  let settled = false;
  const saveProgress = (progress: TurnJobProgress): Promise<void> => {
    const saving = progressChain.then(async () => {
      if (options.isHalted()) return;
      if (settled) {
        logger.warn({ jobId: current.job.id }, 'saveProgress called after the turn job settled; ignored');
        return;
      }
      const next: StoredTurnJob = { ...current, job: { ...current.job, progress } };
      const nextRaw = JSON.stringify(next);
      if (await scripts.replaceHead(keys, currentRaw, nextRaw, false)) {
        current = next;
        currentRaw = nextRaw;
        return;
      }
      logger.warn({ jobId: current.job.id }, 'Turn job was taken over by another worker; progress not saved');
      abortForLostLock(controller);
    });
    progressChain = saving.catch(() => undefined);
    return saving;
  };

  let failure: { error: unknown } | undefined;
  options.onRunningChange(1);
  try {
    await options.runner(current.job, { attempt: current.attempt, signal: controller.signal, saveProgress });
  } catch (error) {
    failure = { error };
  } finally {
    options.onRunningChange(-1);
  }
  await progressChain;
  settled = true;
  // The signal fired while the job ran (shutdown or lost lock): the job stays queued, to be re-run.
  if (options.isHalted() || controller.signal.aborted) return false;
  const popped = await scripts.popHead(keys, currentRaw, false);
  if (failure !== undefined) await options.reportFailure(current.job, failure.error);
  if (!popped) logger.warn({ jobId: current.job.id }, 'Turn job was taken over by another worker before it was removed');
  return popped;
}

/** Renews the lock every ttl/3 until stopped; aborts the drain's signal when the lock is lost. */
function startLockRenewal(options: RedisTurnDrainOptions): () => void {
  const { lock, lockTtlMs, controller, logger } = options;
  const intervalMs = Math.max(1, Math.floor(lockTtlMs / 3));
  let stopped = false;
  let lastRenewedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const renewOnce = async (): Promise<void> => {
    if (stopped || options.isHalted()) return;
    try {
      if (!(await lock.renew())) {
        logger.warn({ listKey: options.keys.listKey }, 'Thread lock lost while running turn jobs');
        abortForLostLock(controller);
        return;
      }
      lastRenewedAt = Date.now();
    } catch (error) {
      logger.warn({ err: error, listKey: options.keys.listKey }, 'Could not renew thread lock');
      if (Date.now() - lastRenewedAt >= lockTtlMs) {
        abortForLostLock(controller);
        return;
      }
    }
    try {
      await options.refreshEntry();
    } catch (error) {
      logger.warn({ err: error }, 'Could not refresh the turn stream entry');
    }
    if (!stopped) timer = setTimeout(() => void renewOnce(), intervalMs);
  };

  timer = setTimeout(() => void renewOnce(), intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function abortForLostLock(controller: AbortController): void {
  if (controller.signal.aborted) return;
  controller.abort(new TurnQueueError('turn_lock_lost', 'The thread lock was lost; another worker runs the job'));
}
