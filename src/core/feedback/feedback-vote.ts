/** A person's verdict on one answer: 👍 (`up`) or 👎 (`down`). */
export type FeedbackValue = 'up' | 'down';

/** Every value a vote may take, for parsing and for reports. */
export const feedbackValues: readonly FeedbackValue[] = ['up', 'down'];

/** The answer a vote is about: one finished turn in one thread, answered by one agent. */
export interface FeedbackTarget {
  teamId: string;
  channelId: string;
  /** `ts` of the thread's root message. */
  threadTs: string;
  /** Id of the turn that was answered (the job id). */
  turnId: string;
  /** The agent that answered (its name, not its display name). */
  agent: string;
}

/** One person's vote on one answer; a second press by the same person replaces it. */
export interface FeedbackVote extends FeedbackTarget {
  userId: string;
  value: FeedbackValue;
  /** Epoch ms of the press that set this value. */
  at: number;
  /** What the person said was wrong (from the 👎 modal), if they said anything. */
  comment?: string;
  /** A comment is stored with this vote (listings carry this flag, not the text). */
  commented?: boolean;
}

/** How a press changed the stored vote. */
export type FeedbackChange = 'recorded' | 'changed' | 'unchanged';

/** Reads a press against the vote it replaced: a first vote, a changed one, or the same again. */
export function classifyFeedbackChange(previous: FeedbackValue | undefined, value: FeedbackValue): FeedbackChange {
  if (previous === undefined) return 'recorded';
  return previous === value ? 'unchanged' : 'changed';
}

/** Parses a stored or sent value; undefined when it is not one of ours. */
export function parseFeedbackValue(value: unknown): FeedbackValue | undefined {
  return value === 'up' || value === 'down' ? value : undefined;
}
