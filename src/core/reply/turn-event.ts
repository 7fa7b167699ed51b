import type { CrewError } from '../errors.js';
import type { ModelUsage } from '../model/model-client.js';

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
  | { type: 'turn-error'; error: CrewError; notice: string; retryable: boolean };
