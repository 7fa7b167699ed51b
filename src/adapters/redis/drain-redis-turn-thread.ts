import type { Clock, Logger } from '../../core/shared/ports.js';
import type { HeldLock } from './redis-thread-lock.js';
import { createTurnDeadLetter } from '../../core/queue/turn-dead-letter.js';
import type { TurnJob, TurnJobProgress } from '../../core/queue/turn-job.js';
import { TurnQueueError } from '../../core/queue/turn-queue-error.js';
import type { TurnJobRunner } from '../../core/queue/ports.js';
import { encodeTurnDeadLetter } from './redis-turn-dead-letters.js';
import type { RedisTurnQueueScripts, ThreadHead, ThreadHolder, ThreadListKeys } from './redis-turn-queue-scripts.js';
import { encodeStoredTurnJob, parseStoredTurnJob, type StoredTurnJob } from './stored-turn-job.js';

/** What {@link drainRedisTurnThread} needs; the thread lock is already held. */
export interface RedisTurnDrainOptions {
  scripts: RedisTurnQueueScripts;
  keys: ThreadListKeys;
  /** The lock's token and the wake-up entry the drain answers. */
  holder: ThreadHolder;
  /** The head as the claim left it. */
  first: ThreadHead;
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
 * How a drain ended: `released` when its last step released the lock and acknowledged the
 * entry (the list was empty), `held` when the caller still has to (stop, lost head, crash).
 */
export type RedisTurnDrainEnd = 'released' | 'held';

/** Lock renewal that can be held off while a step that may release the lock is in flight. */
interface LockRenewal {
  pause(): void;
  resume(): void;
  stop(): void;
}

/**
 * Runs the jobs of one thread, oldest first, while holding its lock, until the list is empty,
 * the queue stops, or the lock is lost. The lock is renewed every ttl/3 meanwhile. A job leaves
 * the list only after its runner settled without the signal having fired; a job whose signal
 * fired (shutdown or lost lock) stays at the head to be re-run; one that failed (runner threw,
 * attempts exhausted) moves to the dead letters. Removing a job, starting the
 * next one and (when none is left) releasing the lock and acknowledging the entry are one
 * script. Throws on Redis errors.
 */
export async function drainRedisTurnThread(options: RedisTurnDrainOptions): Promise<RedisTurnDrainEnd> {
  const { scripts, keys, holder, logger } = options;
  const renewal = startLockRenewal(options);
  try {
    let head = options.first;
    for (;;) {
      if (options.isHalted()) return 'held';
      const handled = await handleHead(options, head);
      if (handled === undefined) return 'held';
      const startNext = options.shouldStartNext() && !options.controller.signal.aborted && !options.isHalted();
      if (options.isHalted()) return 'held';
      // A failed job leaves the list for the dead letters in the same step (only if still ours).
      const deadLetter =
        handled.failure !== undefined && handled.job !== undefined
          ? encodeTurnDeadLetter(createTurnDeadLetter(handled.job, handled.failure.error, handled.attempts, options.clock.now()))
          : undefined;
      renewal.pause();
      const next = await scripts.finishHead(keys, holder, handled.raw, startNext, options.lockTtlMs, deadLetter);
      renewal.resume();
      // A job that ran is reported either way; an exhausted one only when this worker removed it.
      const removed = next.kind !== 'lost';
      if (handled.failure !== undefined && handled.job !== undefined && (handled.ran || removed)) {
        await options.reportFailure(handled.job, handled.failure.error);
      }
      if (next.kind === 'lost') {
        if (handled.ran) logger.warn({ jobId: handled.job?.id }, 'Turn job was taken over by another worker before it was removed');
        return 'held';
      }
      if (next.kind === 'done') return 'released';
      if (next.kind === 'popped') return 'held';
      head = next;
    }
  } finally {
    renewal.stop();
  }
}

/** A head dealt with and ready to be removed: its record as stored, and how it went. */
interface HandledHead {
  raw: string;
  job?: TurnJob;
  /** Times the job was started, this run included. */
  attempts: number;
  ran: boolean;
  failure?: { error: unknown };
}

/**
 * Runs the head job (the script marked it started), or gives up an unreadable or exhausted one. Undefined when the job must stay at the head (signal fired,
 * head taken over, crash).
 */
async function handleHead(options: RedisTurnDrainOptions, head: ThreadHead): Promise<HandledHead | undefined> {
  const { keys, logger } = options;
  const record = head.kind === 'unmarked' ? undefined : parseStoredTurnJob(head.raw);
  if (record === undefined) {
    // Every record is written by `encodeStoredTurnJob`; one the start script cannot mark is corrupt.
    logger.error({ listKey: keys.listKey }, 'Dropping an unreadable queued turn job');
    return { raw: head.raw, attempts: 0, ran: false };
  }
  if (head.kind === 'exhausted') {
    const error = new TurnQueueError('turn_attempts_exhausted', 'The turn job was started too many times without finishing', {
      jobId: record.job.id,
      attempts: record.attempt,
    });
    return { raw: head.raw, job: record.job, attempts: record.attempt, ran: false, failure: { error } };
  }
  return runHeadJob(options, head.raw, record);
}

/** Runs a head job already marked started; undefined when its signal fired (it stays queued). */
async function runHeadJob(options: RedisTurnDrainOptions, raw: string, record: StoredTurnJob): Promise<HandledHead | undefined> {
  const { scripts, keys, controller, logger } = options;
  let current = record;
  let currentRaw = raw;

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
      const nextRaw = encodeStoredTurnJob(next);
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
  // The signal fired while the job ran (shutdown or lost lock) and the runner did not finish: the
  // job stays queued, to be re-run. A runner that resolved delivered and stored its answer: the job
  // is done whatever landed afterwards (finishing it is refused only if another worker took it over,
  // and that worker's re-run finds the answer stored and does not answer again).
  if (options.isHalted() || (controller.signal.aborted && failure !== undefined)) return undefined;
  return { raw: currentRaw, job: current.job, attempts: current.attempt, ran: true, failure };
}

/**
 * Renews the lock every ttl/3 until stopped; aborts the drain's signal when the lock is lost.
 * While paused (a step that may release the lock is in flight) a due renewal is put off by one
 * interval, so a renewal never races the release and reports the lock as lost.
 */
function startLockRenewal(options: RedisTurnDrainOptions): LockRenewal {
  const { lock, lockTtlMs, controller, logger } = options;
  const intervalMs = Math.max(1, Math.floor(lockTtlMs / 3));
  let stopped = false;
  let paused = false;
  let lastRenewedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const schedule = (): void => {
    if (!stopped) timer = setTimeout(() => void renewOnce(), intervalMs);
  };

  const renewOnce = async (): Promise<void> => {
    if (stopped || options.isHalted()) return;
    if (paused) {
      schedule();
      return;
    }
    try {
      if (!(await lock.renew())) {
        if (stopped) return;
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
    schedule();
  };

  schedule();
  return {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

function abortForLostLock(controller: AbortController): void {
  if (controller.signal.aborted) return;
  controller.abort(new TurnQueueError('turn_lock_lost', 'The thread lock was lost; another worker runs the job'));
}
