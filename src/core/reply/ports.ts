import type { TurnEvent } from './turn-event.js';

/** Where and as whom a reply appears. */
export interface ReplyTarget {
  teamId: string;
  channelId: string;
  threadTs: string;
  /** The person who asked (streams in channels are addressed to them). */
  recipientUserId: string;
  isDirectMessage: boolean;
  /** The agent's face in Slack. */
  agent: { name: string; displayName: string; iconEmoji?: string };
  /** The turn being answered (for logs). */
  turnId?: string;
}

/** What happened while delivering one answer. */
export interface DeliveryReport {
  /** The text that reached Slack (the model's text; notices excluded). */
  deliveredText: string;
  /** ts of every message the answer used (long answers rotate to new messages). */
  messageTs: string[];
  /** The person pressed Stop in Slack. */
  stoppedByUser: boolean;
  /** Set when Slack refused the answer outright (nothing could be shown). */
  failure?: import('../errors.js').DeliveryError;
}

/** Callbacks the sink uses to talk back to the turn while it delivers. */
export interface DeliveryHooks {
  /** A new reply message was created (persist it so a re-run can mark it abandoned). */
  onMessageStarted(ts: string): void;
  /** The answer cannot go on (the person pressed Stop, or Slack refused it): abort the model. */
  onStopRequested(): void;
}

/**
 * The chat surface (Slack). It owns buffering, throttling, rate limits, message rotation
 * and rendering; the core only hands it events.
 */
export interface ReplySink {
  /** Consumes the turn's events and shows them as one answer in the thread. */
  deliver(target: ReplyTarget, events: AsyncIterable<TurnEvent>, hooks: DeliveryHooks): Promise<DeliveryReport>;
  /** Posts a short message in the thread (usage hints, errors that need no answer). */
  postNotice(target: ReplyTarget, text: string): Promise<void>;
  /** Shows a note only the asker sees (e.g. "queued"). */
  postPrivateNotice(target: ReplyTarget, text: string): Promise<void>;
  /** Marks a reply message left half-written by a crashed or interrupted run. */
  markAbandoned(target: ReplyTarget, messageTs: string): Promise<void>;
}
