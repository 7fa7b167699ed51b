import type { QuestionSource } from '../queue/turn-job.js';

/** A message addressed to the crew, normalized by the chat adapter (markup already rendered). */
export interface IncomingQuestion {
  source: QuestionSource;
  teamId: string;
  channelId: string;
  /** ts of the person's message. */
  messageTs: string;
  /** Thread to answer in (the message's thread, or the message itself when top-level). */
  threadTs: string;
  userId: string;
  /** Readable text with the bot mention removed. */
  text: string;
  isDirectMessage: boolean;
  /** Ids that identify this delivery (event id, channel:ts …) for exactly-once handling. */
  deliveryIds: string[];
  /** Epoch ms when it arrived. */
  receivedAt: number;
  /** Files shared with the message (the crew cannot read them yet). */
  attachedFileCount?: number;
}
