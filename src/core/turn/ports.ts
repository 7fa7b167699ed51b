import type { ModelUsage } from '../model/ports.js';

/** Outcome of a turn, as counted by metrics. */
export type TurnOutcome = 'answered' | 'interrupted' | 'failed' | 'refused';

/**
 * Hooks the turn runner calls at each milestone; metrics implement it. All optional, all
 * synchronous and cheap.
 */
export interface TurnObserver {
  turnStarted?(context: { agent: string; jobId: string; queuedMs: number }): void;
  modelAttempt?(context: { agent: string; attempt: number }): void;
  /** A model attempt failed (retried or not). */
  modelError?(context: { agent: string; code: string }): void;
  firstToken?(context: { agent: string; sinceStartMs: number }): void;
  /** The first words of the answer reached the chat. */
  firstVisibleText?(context: { agent: string; sinceStartMs: number }): void;
  turnFinished?(context: { agent: string; outcome: TurnOutcome; durationMs: number; usage?: ModelUsage; errorCode?: string }): void;
}
