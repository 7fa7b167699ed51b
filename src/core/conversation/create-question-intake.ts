import type { DeliveryGuard, Logger } from './ports.js';
import type { TurnJob } from './turn-job.js';
import type { EnqueueResult, TurnQueue } from './turn-queue.js';

/** Result of offering a question to the crew. */
export type IntakeResult = { accepted: true; waitingAhead: number } | { accepted: false; reason: 'duplicate' };

/** Options for the intake. */
export interface QuestionIntakeOptions {
  guard: DeliveryGuard;
  queue: TurnQueue;
  logger: Logger;
  /** How long a delivery id is remembered (Slack retries for up to ~1 hour; default 2 h). */
  dedupeTtlMs?: number;
}

/** Accepts questions exactly once and queues them durably. */
export interface QuestionIntake {
  /**
   * Claims every delivery id (Slack `event_id`, `channel:ts` of the message …); if any was
   * already claimed the question is a duplicate and nothing is queued. Otherwise the job is
   * queued durably before this resolves, so acknowledging Slack afterwards loses nothing.
   * When queueing fails the claims are released (so Slack's retry can succeed) and the
   * error is rethrown.
   */
  submit(job: TurnJob, deliveryIds: string[]): Promise<IntakeResult>;
}

/** Creates the intake. */
export function createQuestionIntake(options: QuestionIntakeOptions): QuestionIntake {
  const ttl = options.dedupeTtlMs ?? 2 * 60 * 60 * 1000;
  return {
    async submit(job, deliveryIds) {
      const claimed: string[] = [];
      for (const id of deliveryIds) {
        if (!(await options.guard.claim(id, ttl))) {
          await Promise.allSettled(claimed.map((taken) => options.guard.release(taken)));
          options.logger.info({ turnId: job.id, deliveryId: id }, 'duplicate delivery ignored');
          return { accepted: false, reason: 'duplicate' };
        }
        claimed.push(id);
      }
      let result: EnqueueResult;
      try {
        result = await options.queue.enqueue(job);
      } catch (error) {
        await Promise.allSettled(claimed.map((taken) => options.guard.release(taken)));
        throw error;
      }
      options.logger.info({ turnId: job.id, source: job.source, waitingAhead: result.waitingAhead }, 'question queued');
      return { accepted: true, waitingAhead: result.waitingAhead };
    },
  };
}
