import type { QuestionSource } from '../queue/turn-job.js';
import type { SharedFileMeta } from '../files/classify-shared-file.js';
import type { IntakeReplies } from './ports.js';

/**
 * A question as a surface hands it to the intake: every surface (mention, DM, thread reply,
 * `/crew`, the Retry button, the CLI) is a short translator from its payload to this.
 */
export interface QuestionRequest {
  source: QuestionSource;
  /** Id of the job (and of the turn in history); stable across redeliveries. */
  jobId: string;
  teamId: string;
  channelId: string;
  /** Thread to answer in. Undefined for `/crew`: the intake opens one with `openThread`. */
  threadTs?: string;
  /** ts of the person's message (none for a button press). */
  messageTs?: string;
  /** Who asks (for a button: who pressed it). */
  userId: string;
  isDirectMessage: boolean;
  /** Readable text, bot mention removed. */
  text: string;
  /**
   * How the agent is chosen: `{ parse: true }` reads a leading agent name from the text (mentions,
   * DMs, replies); otherwise `agentName` (undefined: the thread's agent, or the default).
   */
  agent: { parse: true } | { parse: false; agentName?: string };
  /** Ids of this delivery (event id, channel:ts, trigger id, retry:<turn>) for exactly-once handling. */
  deliveryIds: string[];
  /** Slack's id of the delivery, for logs. */
  eventId?: string;
  /** Epoch ms when it arrived. */
  receivedAt: number;
  /** Files shared with the message, as Slack describes them (read by the turn, not here). */
  sharedFiles?: SharedFileMeta[];
  /** Where the asker hears back. */
  replies: IntakeReplies;
  /** `/crew`: posts the root message that shows who asked whom what, and returns its ts or why it could not. */
  openThread?: (question: string, agentName: string) => Promise<OpenedThread>;
  /** What a duplicate delivery tells the asker (default: nothing; Slack's own retries must stay silent). */
  duplicateNote?: string;
}

/** The thread `/crew` opened, or the words for why it could not. */
export type OpenedThread = { threadTs: string } | { refusal: string };
