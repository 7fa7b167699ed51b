import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { ThreadKey } from '../thread/thread-key.js';

/** How a question reached the crew. */
export type QuestionSource = 'mention' | 'command' | 'direct-message' | 'thread-reply' | 'retry';

/** Progress a job records as it runs, so a re-run after a crash can pick up where it was. */
export interface TurnJobProgress {
  /** ts of reply messages already started for this answer (to mark them if abandoned). */
  replyMessageTs?: string[];
}

/**
 * One question waiting for (or getting) an answer. Created by a listener, queued durably,
 * run by a worker. Everything needed to answer is in the job: no Slack payload is kept.
 */
export interface TurnJob {
  /** Unique id; also the dedupe key's basis and the turn id in history. */
  id: string;
  /** Slack's id of the delivery that carried the question (`event_id`, or `trigger_id` for `/crew`); for logs. */
  eventId?: string;
  source: QuestionSource;
  teamId: string;
  channelId: string;
  /** Thread the answer goes to (for `/crew`, the root message the intake posted). */
  threadTs: string;
  /** ts of the person's message (the root message for `/crew`; none for a Retry press). */
  messageTs?: string;
  /** Slack user id of the person asking. */
  userId: string;
  /** Agent named explicitly in the question; undefined means the thread's agent or the default. */
  agentName?: string;
  /**
   * The channel's default agent (`/crew use`) when the question named none, read at intake. It
   * binds a thread not yet bound; a thread already bound keeps its agent. Undefined: the crew's default.
   */
  defaultAgentName?: string;
  /** The question, with Slack markup already rendered readably. */
  text: string;
  /** Files shared with the question that the crew can read (references; fetched when the turn runs). */
  files?: SharedFileRef[];
  /** True in direct messages (no recipient ids needed for streaming). */
  isDirectMessage: boolean;
  /** Epoch ms when the event arrived. */
  receivedAt: number;
  progress: TurnJobProgress;
}

/** The key that orders a job: its thread. */
export function orderingKeyOf(job: TurnJob): ThreadKey {
  return { teamId: job.teamId, channelId: job.channelId, threadTs: job.threadTs };
}
