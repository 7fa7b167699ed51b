import type { FeedbackTarget, FeedbackValue, FeedbackVote } from './feedback-vote.js';

/** Who voted on which answer: the identity of one vote (one per person per answer). */
export interface FeedbackVoteKey extends Omit<FeedbackTarget, 'agent'> {
  userId: string;
}

/**
 * Votes on answers, shared by every replica. A vote lives with its thread (kept for the
 * thread's retention, then forgotten) and is indexed per UTC day so the votes of a period can
 * be listed without scanning. Failures to reach the backend throw `StoreUnavailableError`.
 */
export interface FeedbackStore {
  /**
   * Records a vote (one per person per answer: a second one replaces the first, keeping any
   * comment) and returns the value it replaced, if any.
   */
  recordVote(vote: FeedbackVote): Promise<{ previous?: FeedbackValue }>;
  /**
   * Stores what the person said with their vote on that answer (replacing an earlier comment).
   * Returns the vote with its comment, or undefined when that person has no vote on that
   * answer (nothing is stored then).
   */
  attachComment(key: FeedbackVoteKey, comment: string): Promise<FeedbackVote | undefined>;
  /**
   * The current votes cast (last pressed) from `sinceMs` up to `untilMs`, one per person per
   * answer, oldest first. A vote changed within the period counts once, with its last value.
   * Listed votes say whether a comment is stored (`commented`) but do not carry its text.
   */
  listVotes(sinceMs: number, untilMs: number): Promise<FeedbackVote[]>;
}
