import type { DeliveryError } from '../errors.js';
import type { ToolSource } from '../model/ports.js';

/** Where and as whom a reply appears. */
export interface ReplyTarget {
  teamId: string;
  channelId: string;
  threadTs: string;
  /** The person who asked (streams in channels are addressed to them). */
  recipientUserId: string;
  isDirectMessage: boolean;
  /** The agent's face in Slack, and what it shows while it works (agent-file `loading_messages`). */
  agent: { name: string; displayName: string; iconEmoji?: string; loadingMessages?: readonly string[] };
  /** Title for the thread's agent session when this turn starts it (the first question, summarized). */
  sessionTitle?: string;
  /** The turn being answered, and the Slack delivery that asked it (for logs). */
  turnId?: string;
  eventId?: string;
  /** Epoch ms the turn started (the sink measures "first text visible" from it). */
  turnStartedAt?: number;
}

/**
 * What a chat surface needs to offer "try this question again" after a failed or cut-short
 * answer (e.g. a Retry button).
 */
export interface RetryOffer {
  /** Id of the turn that failed (its stored question, when kept, carries the same id). */
  turnId: string;
  teamId: string;
  threadTs: string;
  /** Agent named explicitly in the question, if any. */
  agentName?: string;
  /** The question as the person asked it. */
  question: string;
}

/** A step shown beside the answer while it is made: a tool call, a consult. */
export interface ProgressItem {
  /** Stable per turn: a later push with the same id updates the item. */
  id: string;
  title: string;
  status: 'pending' | 'in_progress' | 'complete' | 'error';
  /** One line on what is being done. */
  details?: string;
  /** One line on what came of it. */
  output?: string;
  sources?: ToolSource[];
}

/** How an answer ends: a notice after it (e.g. "hit the length limit"), and optionally a Retry offer. */
export interface ReplyEnding {
  notice?: string;
  retry?: RetryOffer;
}

/** Why a reply could not go on: the person pressed Stop, or the chat refused it. */
export interface ReplyStop {
  kind: 'stopped-by-user' | 'refused';
  /** The model text that reached the person before the stop. */
  shownText: string;
  /** Set when the chat refused the answer. */
  failure?: DeliveryError;
}

/**
 * One answer being shown, push-only: the core pushes and never waits on pacing; the sink owns
 * buffering, pacing, message rotation and rendering, and never calls back into the core. What the
 * core may read: the messages the answer uses so far (for crash recovery) and `stopped`, which
 * aborts (with a {@link ReplyStop} as its reason) when the answer cannot go on.
 */
export interface Reply {
  /** Progress worth showing while no text is out yet ("is thinking…"). */
  status(text: string): void;
  /** Adds answer text. */
  text(delta: string): void;
  /** Shows or updates a progress item. */
  progress(item: ProgressItem): void;
  /** Sends what is buffered and closes the answer, with an optional ending. */
  finish(ending?: ReplyEnding): Promise<void>;
  /** Closes a failed answer: `notice` says what went wrong (after any text shown). */
  fail(notice: string, retry?: RetryOffer): Promise<void>;
  /** ts of every message the answer uses so far. */
  readonly messageTs: readonly string[];
  /**
   * Resolves when the answer has more messages than `known` (with their ts), or with undefined once
   * the answer is closed. The core waits on it to record new messages at once (crash recovery);
   * the reply never calls back.
   */
  messagesAfter(known: number): Promise<readonly string[] | undefined>;
  /** Aborts when the answer cannot go on; its reason is a {@link ReplyStop}. */
  readonly stopped: AbortSignal;
}

/** What {@link ReplySink.recoverUnrecordedReply} found. */
export interface UnrecordedReply {
  /** The earlier attempt's answer, finished in the chat: store it, answer nothing. */
  deliveredText?: string;
  /** Half-written messages it marked cut off. */
  marked: number;
}

/** The chat surface (Slack), as the core sees it. */
export interface ReplySink {
  /** Opens one answer in the target's thread. */
  open(target: ReplyTarget): Reply;
  /** Posts a short message in the thread (usage hints, errors that need no answer). */
  postNotice(target: ReplyTarget, text: string): Promise<void>;
  /** Shows a note only the asker sees (e.g. "queued"). */
  postPrivateNotice(target: ReplyTarget, text: string): Promise<void>;
  /** Marks a reply message left half-written by a crashed or interrupted run. */
  markAbandoned(target: ReplyTarget, messageTs: string): Promise<void>;
  /**
   * The text of an earlier attempt's answer (its messages, in order) when the chat shows it
   * finished in full — the target turn's closing marks are on its last message — else undefined.
   */
  readDeliveredAnswer(target: ReplyTarget, messageTs: readonly string[]): Promise<string | undefined>;
  /**
   * For a re-run whose earlier attempt recorded no message: finds what that attempt may have left
   * in the thread after `afterTs` — its answer, delivered in full (text returned), or half-written
   * messages (marked cut off).
   */
  recoverUnrecordedReply(target: ReplyTarget, afterTs: string): Promise<UnrecordedReply>;
}

/** Reads the {@link ReplyStop} of a stopped reply (undefined while it goes on). */
export function replyStopOf(reply: Reply): ReplyStop | undefined {
  return reply.stopped.aborted ? (reply.stopped.reason as ReplyStop) : undefined;
}
