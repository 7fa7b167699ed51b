import { reportJobFailure } from '../../core/queue/report-job-failure.js';
import type { Clock, Logger } from '../../core/shared/ports.js';
import { settlesWithin } from '../../core/shared/settles-within.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import { orderingKeyOf, type TurnJob, type TurnJobProgress } from '../../core/queue/turn-job.js';
import { createTurnDeadLetter, type TurnDeadLetter, type TurnDeadLetters } from '../../core/queue/turn-dead-letter.js';
import { TurnQueueError } from '../../core/queue/turn-queue-error.js';
import type { EnqueueResult, TurnJobRunner, TurnQueue } from '../../core/queue/ports.js';

/** Options of {@link createMemoryTurnQueue}. */
export interface MemoryTurnQueueOptions {
  logger: Logger;
  /** Threads drained at once (default 32). */
  concurrency?: number;
  /** Called (after logging) when a runner throws; the job is then moved to the dead letters. */
  onJobFailed?: (job: TurnJob, error: unknown) => void | Promise<void>;
  /** Dead letters kept, the oldest dropped first (default 1 000). */
  deadLetterLimit?: number;
  clock?: Clock;
}

/** The memory turn queue; it keeps its dead letters (in memory, like its jobs). */
export interface MemoryTurnQueue extends TurnQueue {
  readonly deadLetters: TurnDeadLetters;
}

interface QueuedJob {
  job: TurnJob;
  /** Times the job was started. */
  attempt: number;
}

interface ThreadJobs {
  jobs: QueuedJob[];
  /** `ready`: waiting for a free slot; `draining`: a drain runs its jobs. */
  state: 'idle' | 'ready' | 'draining';
}

/**
 * In-process TurnQueue (used when no Redis is configured): per-thread FIFO, threads drained
 * concurrently up to `concurrency`. Not durable: queued jobs are lost when the process exits.
 * A job aborted by `stop` stays at the head of its thread (re-run, attempt + 1, on a new start).
 * A job whose runner threw goes to the dead letters (bounded, newest first), from which it can
 * be requeued.
 */
export function createMemoryTurnQueue(options: MemoryTurnQueueOptions): MemoryTurnQueue {
  const { logger } = options;
  const concurrency = options.concurrency ?? 32;
  const deadLetterLimit = options.deadLetterLimit ?? 1_000;
  const clock = options.clock ?? { now: () => Date.now() };
  /** Newest first. */
  const deadLetters: TurnDeadLetter[] = [];
  const threads = new Map<string, ThreadJobs>();
  const readyThreads: string[] = [];
  const drains = new Map<Promise<void>, AbortController>();
  let runner: TurnJobRunner | undefined;
  let stopping = false;
  let running = 0;

  function startReadyDrains(): void {
    while (runner !== undefined && !stopping && drains.size < concurrency) {
      const threadId = readyThreads.shift();
      if (threadId === undefined) return;
      const thread = threads.get(threadId);
      if (thread === undefined || thread.state !== 'ready') continue;
      thread.state = 'draining';
      const controller = new AbortController();
      const drain = drainThread(threadId, thread, runner, controller.signal).finally(() => {
        drains.delete(drain);
        startReadyDrains();
      });
      drains.set(drain, controller);
    }
  }

  async function drainThread(threadId: string, thread: ThreadJobs, run: TurnJobRunner, signal: AbortSignal): Promise<void> {
    try {
      while (!stopping) {
        const head = thread.jobs[0];
        if (head === undefined) break;
        head.attempt += 1;
        const saveProgress = async (progress: TurnJobProgress): Promise<void> => {
          head.job = { ...head.job, progress: structuredClone(progress) };
        };
        let failure: { error: unknown } | undefined;
        running += 1;
        try {
          await run(structuredClone(head.job), { attempt: head.attempt, signal, saveProgress });
        } catch (error) {
          failure = { error };
        } finally {
          running -= 1;
        }
        // Aborted by shutdown before it finished: the job stays queued, to be re-run. A runner
        // that resolved finished its turn (answer delivered and stored): it is done, abort or not.
        if (signal.aborted && failure !== undefined) break;
        thread.jobs.shift();
        if (failure !== undefined) {
          deadLetters.unshift(structuredClone(createTurnDeadLetter(head.job, failure.error, head.attempt, clock.now())));
          deadLetters.splice(deadLetterLimit);
          await reportFailure(head.job, failure.error);
        }
        if (signal.aborted) break;
      }
    } finally {
      if (thread.jobs.length === 0) {
        thread.state = 'idle';
        threads.delete(threadId);
      } else {
        thread.state = 'ready';
        readyThreads.push(threadId);
      }
    }
  }

  function reportFailure(job: TurnJob, error: unknown): Promise<void> {
    return reportJobFailure(logger, options.onJobFailed, job, error);
  }

  function addJob(job: TurnJob): EnqueueResult {
    const threadId = formatThreadKey(orderingKeyOf(job));
    let thread = threads.get(threadId);
    if (thread === undefined) {
      thread = { jobs: [], state: 'idle' };
      threads.set(threadId, thread);
    }
    thread.jobs.push({ job: structuredClone(job), attempt: 0 });
    if (thread.state === 'idle') {
      thread.state = 'ready';
      readyThreads.push(threadId);
    }
    startReadyDrains();
    return { waitingAhead: thread.jobs.length - 1 };
  }

  return {
    async enqueue(job: TurnJob): Promise<EnqueueResult> {
      return addJob(job);
    },

    deadLetters: {
      async list(limit?: number): Promise<TurnDeadLetter[]> {
        return structuredClone(deadLetters.slice(0, limit ?? deadLetters.length));
      },
      async requeue(id: string): Promise<TurnDeadLetter | undefined> {
        const index = deadLetters.findIndex((letter) => letter.id === id);
        if (index < 0) return undefined;
        const [letter] = deadLetters.splice(index, 1);
        if (letter === undefined) return undefined;
        addJob(letter.job);
        return letter;
      },
    },

    start(jobRunner: TurnJobRunner): void {
      if (runner !== undefined) throw new TurnQueueError('turn_queue_already_started', 'The turn queue was already started');
      runner = jobRunner;
      startReadyDrains();
    },

    async stop(deadlineMs: number): Promise<void> {
      stopping = true;
      const allDone = Promise.allSettled(drains.keys());
      if (!(await settlesWithin(allDone, deadlineMs))) {
        const reason = new TurnQueueError('turn_queue_stopping', 'The turn queue is shutting down');
        for (const controller of drains.values()) controller.abort(reason);
      }
      await allDone;
    },

    runningCount(): number {
      return running;
    },

    async waitingCount(): Promise<number> {
      let queued = 0;
      for (const thread of threads.values()) queued += thread.jobs.length;
      return queued - running;
    },
  };
}
