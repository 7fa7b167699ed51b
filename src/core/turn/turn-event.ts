import type { CrewError } from '../errors.js';
import type { ContentBlock } from '../model/content-block.js';
import type { ModelUsage, ToolSource } from '../model/ports.js';
import type { RetryOffer } from '../reply/ports.js';

/**
 * The one event union a turn is made of, from the model loop to the turn runner, which folds
 * the turn's outcome from these events alone and pushes what is visible to the reply.
 * A turn yields any number of the first five and ends with exactly one `turn-end` or `turn-error`.
 */
export type TurnEvent =
  /** Progress worth showing while no text is out yet ("is thinking…", "Claude is busy, retrying…"). */
  | { type: 'status'; text: string }
  | { type: 'text-delta'; text: string }
  /** The model's reasoning: counted, never shown as answer text. */
  | { type: 'thinking-delta'; text: string }
  | { type: 'tool-call'; id: string; name: string; input: unknown; server: boolean }
  /** A tool's result: `output` is one line on what came of it (a consult's gist). */
  | { type: 'tool-result'; toolUseId: string; server: boolean; isError: boolean; sources: ToolSource[]; output?: string }
  /** The answer is complete: `content` is everything the model produced (over continuations). */
  | { type: 'turn-end'; stopReason: string; usage: ModelUsage; content: ContentBlock[]; notice?: string }
  /** The answer failed; `notice` is what the person should read (appended after any partial text). */
  | { type: 'turn-error'; error: CrewError; notice: string; retryable: boolean; retry?: RetryOffer; usage: ModelUsage };
