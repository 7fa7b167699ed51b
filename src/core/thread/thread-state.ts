import type { ContentBlock } from '../model/content-block.js';

/** Outcome of an assistant turn as stored in history. */
export type AnswerStatus = 'complete' | 'interrupted';

/** One message in a thread's stored history. */
export interface StoredTurn {
  role: 'user' | 'assistant';
  /** Content as the model saw it (user) or produced it (assistant): text, tool calls and results. */
  content: ContentBlock[];
  /** Slack user id of the asker (user turns only). */
  userId?: string;
  /** Turn id shared by a question and its answer. */
  turnId: string;
  /** Epoch milliseconds. */
  at: number;
  /** Assistant turns only: whether the answer finished. */
  status?: AnswerStatus;
  /** Assistant turns only: input tokens the model reported (includes cached), for budgeting. */
  inputTokens?: number;
  /** Assistant turns only: output tokens the model reported. */
  outputTokens?: number;
}

/** Everything the crew keeps about one thread. */
export interface ThreadState {
  /** Agent the thread is bound to; follow-ups continue with it. */
  agentName: string;
  /** Ordered history, oldest first. Always alternates user/assistant in complete pairs. */
  turns: StoredTurn[];
  /** Epoch milliseconds when the crew joined the thread. */
  createdAt: number;
}
