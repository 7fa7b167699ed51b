import type { TurnJob } from './turn-job.js';

/**
 * A job the queue gave up on (its runner threw, or it was started too many times without
 * finishing), kept with its reason so an operator can look at it and requeue it. The reason
 * never carries the question's text; the job (with its text) is kept only to be requeued.
 */
export interface TurnDeadLetter {
  /** Id of the dead letter (the job's id). */
  id: string;
  /** Epoch ms when the job was given up. */
  failedAt: number;
  /** The error's `code` (e.g. `turn_attempts_exhausted`), or `runner_error` for an error without one. */
  code: string;
  /** The error's message, cut to 300 characters, with the question's text masked. */
  message: string;
  /** Times the job had been started. */
  attempts: number;
  teamId: string;
  channelId: string;
  /** Thread of the job; undefined for a `/crew` question whose root message was never posted. */
  threadTs?: string;
  /** The job as it was last stored (with its saved progress), to be requeued as is. */
  job: TurnJob;
}

/** The dead letters of a turn queue: bounded, newest first. */
export interface TurnDeadLetters {
  /** Up to `limit` dead letters (default all that are kept), newest first. */
  list(limit?: number): Promise<TurnDeadLetter[]>;
  /**
   * Puts the job of dead letter `id` back at the end of its thread's queue with its attempts
   * reset, and removes the dead letter. Undefined when no dead letter has that id.
   */
  requeue(id: string): Promise<TurnDeadLetter | undefined>;
}

/** Most characters of an error message kept in a dead letter. */
const MAX_MESSAGE_CHARS = 300;

/** Builds the dead letter of `job`, given up at `failedAt` after `attempts` starts because of `error`. */
export function createTurnDeadLetter(job: TurnJob, error: unknown, attempts: number, failedAt: number): TurnDeadLetter {
  const code = readErrorCode(error) ?? 'runner_error';
  let message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'non-error value thrown';
  // An error may quote what it choked on; the question's text stays out of the reason.
  if (job.text.length > 0) message = message.split(job.text).join('[question text]');
  if (message.length > MAX_MESSAGE_CHARS) message = `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
  return {
    id: job.id,
    failedAt,
    code,
    message,
    attempts,
    teamId: job.teamId,
    channelId: job.channelId,
    threadTs: job.threadTs,
    job,
  };
}

function readErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}
