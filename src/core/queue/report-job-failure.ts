import type { Logger } from '../shared/ports.js';
import type { TurnJob } from './turn-job.js';

/**
 * Logs a failed turn job and hands it to the queue's `onJobFailed` callback; a callback that
 * throws is logged too, never propagated (a queue must keep running).
 */
export async function reportJobFailure(
  logger: Logger,
  onJobFailed: ((job: TurnJob, error: unknown) => void | Promise<void>) | undefined,
  job: TurnJob,
  error: unknown,
): Promise<void> {
  logger.error({ err: error, jobId: job.id }, 'Turn job failed');
  try {
    await onJobFailed?.(job, error);
  } catch (callbackError) {
    logger.error({ err: callbackError, jobId: job.id }, 'onJobFailed callback threw');
  }
}
