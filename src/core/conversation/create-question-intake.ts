import type { DeliveryGuard, Logger } from './ports.js';
import type { RateLimitDecision } from './rate-limiter.js';
import type { TurnJob } from './turn-job.js';
import type { EnqueueResult, TurnQueue } from './turn-queue.js';

/** Result of offering a question to the crew. */
export type IntakeResult =
  | { accepted: true; waitingAhead: number }
  | { accepted: false; reason: 'duplicate' }
  /** The admission step refused it (e.g. the asker's rate limit); its delivery ids stay claimed. */
  | { accepted: false; reason: 'rate_limited'; retryAfterMs: number };

/** Options of one submission. */
export interface SubmitOptions {
  /**
   * Runs once the delivery is known to be new and before it is queued, so Slack's retries and
   * duplicate events never count twice (e.g. taking a rate-limit token).
   */
  admit?: () => Promise<RateLimitDecision>;
}

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
   * error is rethrown. `options.admit` may refuse the question after the claims (they stay, so
   * retries of a refused question are duplicates).
   */
  submit(job: TurnJob, deliveryIds: string[], options?: SubmitOptions): Promise<IntakeResult>;
}

/** Creates the intake. */
export function createQuestionIntake(options: QuestionIntakeOptions): QuestionIntake {
  const ttl = options.dedupeTtlMs ?? 2 * 60 * 60 * 1000;
  return {
    async submit(job, deliveryIds, submitOptions = {}) {
      const claimed: string[] = [];
      const releaseClaims = () => Promise.allSettled(claimed.map((taken) => options.guard.release(taken)));
      for (const id of deliveryIds) {
        let first: boolean;
        try {
          first = await options.guard.claim(id, ttl);
        } catch (error) {
          await releaseClaims();
          throw error;
        }
        if (!first) {
          await releaseClaims();
          options.logger.info({ turnId: job.id, eventId: job.eventId, deliveryId: id }, 'duplicate delivery ignored');
          return { accepted: false, reason: 'duplicate' };
        }
        claimed.push(id);
      }
      let result: EnqueueResult;
      try {
        const admission = (await submitOptions.admit?.()) ?? { allowed: true };
        if (!admission.allowed) {
          options.logger.info({ turnId: job.id, retryAfterMs: admission.retryAfterMs }, 'question refused: rate limited');
          return { accepted: false, reason: 'rate_limited', retryAfterMs: admission.retryAfterMs };
        }
        result = await options.queue.enqueue(job);
      } catch (error) {
        await releaseClaims();
        throw error;
      }
      options.logger.info(
        {
          turnId: job.id,
          eventId: job.eventId,
          team: job.teamId,
          channel: job.channelId,
          thread: job.threadTs,
          agent: job.agentName,
          source: job.source,
          waitingAhead: result.waitingAhead,
        },
        'question queued',
      );
      return { accepted: true, waitingAhead: result.waitingAhead };
    },
  };
}
