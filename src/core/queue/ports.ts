import type { TurnDeadLetters } from './turn-dead-letter.js';
import type { TurnJob, TurnJobProgress } from './turn-job.js';

/** What a worker gets alongside a job. */
export interface TurnJobContext {
  /** 1 on the first run; higher when the job is re-run after a crash or interruption. */
  attempt: number;
  /** Aborted when the queue is shutting down past its deadline or the thread lock was lost. */
  signal: AbortSignal;
  /** Persists progress into the queued job, so a re-run sees it. */
  saveProgress(progress: TurnJobProgress): Promise<void>;
}

/**
 * Runs one job. Resolving means the turn is done (answered and stored): the queue removes the job
 * even if its signal fired meanwhile. Throwing removes it too (after logging), except when the
 * signal fired (shutdown or lost lock): then the job stays queued, to be re-run. A job whose runner threw
 * (or that ran out of attempts) goes to the dead letters.
 */
export type TurnJobRunner = (job: TurnJob, context: TurnJobContext) => Promise<void>;

/** Result of enqueueing. */
export interface EnqueueResult {
  /** Jobs ahead of this one in its thread (0 means it runs as soon as a worker is free). */
  waitingAhead: number;
}

/**
 * Durable FIFO of questions. Jobs of one thread run one at a time in enqueue order; jobs of
 * different threads run concurrently (up to the queue's concurrency). A job whose worker died
 * is re-run (attempt + 1) after the thread lock expires.
 */
export interface TurnQueue {
  enqueue(job: TurnJob): Promise<EnqueueResult>;
  /** Starts pulling jobs and handing them to `runner`. */
  start(runner: TurnJobRunner): void;
  /**
   * Stops taking new jobs, waits up to `deadlineMs` for running ones, then aborts the rest
   * (their signals fire; they stay queued to be re-run). Resolves when no job is running.
   */
  stop(deadlineMs: number): Promise<void>;
  /** Jobs currently running in this process. */
  runningCount(): number;
  /** Jobs waiting (all threads), best effort. */
  waitingCount(): Promise<number>;
  /** Jobs the queue gave up on (runner threw, attempts exhausted), when the queue keeps them. */
  readonly deadLetters?: TurnDeadLetters;
}
