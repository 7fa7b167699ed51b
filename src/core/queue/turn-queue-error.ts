import { CrewError } from '../errors.js';

/** Codes a turn queue raises (as errors, or as the reason of a job's aborted signal). */
export type TurnQueueErrorCode =
  /** The job was started `maxAttempts` times without finishing; it was dropped. */
  | 'turn_attempts_exhausted'
  /** The queue is shutting down past its deadline; the job stays queued to be re-run. */
  | 'turn_queue_stopping'
  /** The thread lock was lost (expired and taken); another worker re-runs the job. */
  | 'turn_lock_lost'
  /** `start` was called twice on one queue. */
  | 'turn_queue_already_started';

/** An error raised by a turn queue; `code` says which. */
export class TurnQueueError extends CrewError {
  declare readonly code: TurnQueueErrorCode;
  constructor(code: TurnQueueErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}
