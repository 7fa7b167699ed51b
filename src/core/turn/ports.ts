import type { ModelUsage } from '../model/ports.js';

/** A client tool call the crew answers (a consult). */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** The crew's answer to a tool call, sent back to the model as its result. */
export interface ToolAnswer {
  toolUseId: string;
  /** What the model reads. */
  content: string;
  isError: boolean;
  /** Tokens the answer cost (a consult's own model call). */
  usage: ModelUsage;
  /** One line for the progress item. */
  output?: string;
}

/** Answers a turn's client tool calls (several may run side by side). */
export type ToolCallAnswerer = (calls: ToolCall[], signal: AbortSignal) => Promise<ToolAnswer[]>;

/** Outcome of a turn, as counted by metrics. */
export type TurnOutcome = 'answered' | 'interrupted' | 'failed' | 'refused';

/**
 * Hooks the turn runner calls at each milestone; metrics implement it. All optional, all
 * synchronous and cheap.
 */
export interface TurnObserver {
  turnStarted?(context: { agent: string; jobId: string; queuedMs: number }): void;
  /** A shared file was read for a request, or could not be (`outcome` names why). */
  fileRead?(context: { kind: string; outcome: string }): void;
  modelAttempt?(context: { agent: string; attempt: number }): void;
  /** A model attempt failed (retried or not). */
  modelError?(context: { agent: string; code: string }): void;
  firstToken?(context: { agent: string; sinceStartMs: number }): void;
  /** The first words of the answer reached the chat. */
  firstVisibleText?(context: { agent: string; sinceStartMs: number }): void;
  turnFinished?(context: { agent: string; outcome: TurnOutcome; durationMs: number; usage?: ModelUsage; errorCode?: string }): void;
  /** A consult between crew members ended. */
  consultFinished?(context: { from: string; to: string; outcome: 'answered' | 'failed' | 'refused' }): void;
}
