import type { DeliveryGuard } from './ports.js';
import type { Logger } from '../shared/ports.js';
import type { RateLimitDecision } from './ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { EnqueueResult, TurnQueue } from '../queue/ports.js';

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
      const claim = await claimDeliveryIds(options.guard, deliveryIds, ttl);
      const releaseClaims = () => Promise.allSettled(claim.claimed.map((taken) => options.guard.release(taken)));
      if (claim.alreadyClaimedId !== undefined) {
        options.logger.info({ turnId: job.id, eventId: job.eventId, deliveryId: claim.alreadyClaimedId }, 'duplicate delivery ignored');
        return { accepted: false, reason: 'duplicate' };
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

/** Ids claimed by {@link claimDeliveryIds}, or the first id found already claimed (then none is held). */
interface DeliveryClaim {
  claimed: readonly string[];
  alreadyClaimedId?: string;
}

/**
 * Claims all ids or none: with the guard's `claimAll` in one step, else one `claim` at a time,
 * releasing the ones taken when a later id turns out claimed or the guard fails (then rethrows).
 */
async function claimDeliveryIds(guard: DeliveryGuard, ids: readonly string[], ttlMs: number): Promise<DeliveryClaim> {
  if (guard.claimAll) {
    const result = await guard.claimAll(ids, ttlMs);
    return result.claimed ? { claimed: ids } : { claimed: [], alreadyClaimedId: result.alreadyClaimedId };
  }
  const claimed: string[] = [];
  const releaseClaims = () => Promise.allSettled(claimed.map((taken) => guard.release(taken)));
  for (const id of ids) {
    let first: boolean;
    try {
      first = await guard.claim(id, ttlMs);
    } catch (error) {
      await releaseClaims();
      throw error;
    }
    if (!first) {
      await releaseClaims();
      return { claimed: [], alreadyClaimedId: id };
    }
    claimed.push(id);
  }
  return { claimed };
}
