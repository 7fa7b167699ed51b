import type { CrewError } from '../errors.js';
import type { ModelUsage } from '../model/ports.js';

/**
 * What a chat surface needs to offer "try this question again" after a failed or cut-short
 * answer (e.g. a Retry button). `question` is the question as the person asked it.
 */
export interface RetryOffer {
  /** Id of the turn that failed (its stored question, when kept, carries the same id). */
  turnId: string;
  teamId: string;
  threadTs: string;
  /** Agent named explicitly in the question, if any. */
  agentName?: string;
  question: string;
}

/**
 * The one stream type that flows through a turn, from the core to the reply sink.
 * A turn yields status and text events and ends with exactly one `turn-end` or `turn-error`.
 */
export type TurnEvent =
  /** Progress worth showing while no text is out yet ("is thinking…", "Claude is busy, retrying…"). */
  | { type: 'status'; text: string }
  | { type: 'text-delta'; text: string }
  | { type: 'turn-end'; stopReason: string; usage: ModelUsage; notice?: string }
  /** The answer failed; `notice` is what the person should read (appended after any partial text). */
  | { type: 'turn-error'; error: CrewError; notice: string; retryable: boolean; retry?: RetryOffer };
