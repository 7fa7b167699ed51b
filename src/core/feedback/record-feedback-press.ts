import type { Logger } from '../shared/ports.js';
import { classifyFeedbackChange, type FeedbackChange, type FeedbackValue, type FeedbackVote } from './feedback-vote.js';
import type { FeedbackStore, FeedbackVoteKey } from './ports.js';

/** Longest "what was wrong" comment kept (the modal's input allows no more). */
export const maxFeedbackCommentChars = 1000;

/** What a feedback press did, and what the person should hear (privately). */
export interface FeedbackPressOutcome {
  change: FeedbackChange;
  /** The private acknowledgement. */
  ack: string;
  /** The vote is 👎: offer the optional "tell us what was wrong" (again on a repeated 👎: the last offer may have been dismissed). */
  offerComment: boolean;
}

/** Hooks of {@link createFeedbackRecorder}. */
export interface FeedbackRecorderOptions {
  store: FeedbackStore;
  logger: Logger;
  /**
   * A vote was counted: a person's first vote on an answer (`recorded`), or a changed one
   * (`changed`). Pressing the same value again counts nothing.
   */
  onCounted?: (agent: string, value: FeedbackValue, change: Exclude<FeedbackChange, 'unchanged'>) => void;
}

/** Records feedback presses and comments; see {@link createFeedbackRecorder}. */
export interface FeedbackRecorder {
  press(vote: FeedbackVote): Promise<FeedbackPressOutcome>;
  /** Stores a comment with the person's vote; false when they have no vote on that answer. */
  comment(key: FeedbackVoteKey, text: string): Promise<boolean>;
}

const emojiOf: Record<FeedbackValue, string> = { up: '👍', down: '👎' };

/** The private acknowledgement of a press. */
export function describeFeedbackAck(change: FeedbackChange, value: FeedbackValue): string {
  if (change === 'changed') return `Thanks — changed your vote to ${emojiOf[value]}`;
  if (change === 'unchanged') return `Already noted ${emojiOf[value]} — thanks!`;
  return value === 'up' ? 'Thanks — noted 👍' : 'Thanks — noted 👎. Sorry it missed the mark.';
}

/** The private thanks once a comment is stored. */
export const feedbackCommentThanks = 'Thanks for telling us — it is stored with your vote.';

/** What a person hears when they comment on an answer they have not voted on (e.g. the vote expired). */
export const feedbackCommentWithoutVote = 'I no longer have your vote on that answer, so I could not keep the comment. Please press 👎 again.';

/**
 * The feedback use case: a press is stored once per person per answer (a second press
 * replaces the vote), logged with the turn id and counted when it changed something; a 👎
 * offers the optional comment. The comment's text is logged at debug only.
 */
export function createFeedbackRecorder(options: FeedbackRecorderOptions): FeedbackRecorder {
  const { store, logger } = options;
  return {
    async press(vote) {
      const { previous } = await store.recordVote(vote);
      const change = classifyFeedbackChange(previous, vote.value);
      if (change !== 'unchanged') options.onCounted?.(vote.agent, vote.value, change);
      logger.info(
        { turnId: vote.turnId, agent: vote.agent, user: vote.userId, channel: vote.channelId, thread: vote.threadTs, value: vote.value, previous, change },
        'feedback recorded',
      );
      return { change, ack: describeFeedbackAck(change, vote.value), offerComment: vote.value === 'down' };
    },
    async comment(key, text) {
      const comment = text.trim().slice(0, maxFeedbackCommentChars);
      const vote = await store.attachComment(key, comment);
      const context = { turnId: key.turnId, user: key.userId, channel: key.channelId, thread: key.threadTs, chars: comment.length };
      if (!vote) {
        logger.info(context, 'feedback comment for a vote that is no longer stored');
        return false;
      }
      logger.info({ ...context, agent: vote.agent, value: vote.value }, 'feedback comment stored');
      logger.debug({ turnId: key.turnId, comment }, 'feedback comment text');
      return true;
    },
  };
}
