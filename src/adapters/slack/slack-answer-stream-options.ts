import type { WebClient } from '@slack/web-api';
import type { ReplyTarget, RetryOffer } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';

/** What the stream tells its owner in the Slack adapter (the reply), never the core. */
export interface AnswerStreamHooks {
  /** A new reply message exists in Slack. */
  onMessageStarted(ts: string): void;
  /** The answer cannot go on (the person pressed Stop, or Slack refused it). */
  onStopRequested(): void;
}

/** Tuning for one streamed answer. */
export interface SlackAnswerStreamOptions {
  client: WebClient;
  target: ReplyTarget;
  logger: Logger;
  hooks: AnswerStreamHooks;
  /** Minimum time between Slack calls once the first words are out. */
  flushIntervalMs: number;
  /** Characters per message before continuing in a new one (default 10,000; one call carries ≤ 12,000). */
  maxMessageChars?: number;
  /** Past this length a message ends at the next paragraph or code-block end (default 80 % of the maximum). */
  softMessageChars?: number;
  /**
   * Age after which a message ends at the next clean break (default 4 min); up to 30 s later it
   * ends wherever it is. Keep it ≤ 4.5 min: Slack expires a stream after ~5.
   */
  maxStreamAgeMs?: number;
  /** Characters per message in the post-and-update fallback. */
  maxFallbackChars?: number;
  onSlackError?: (method: string, code: string) => void;
  /** Keeps the answer's calls inside the workspace's Slack quotas, shared by the fleet. */
  pacing?: import('./slack-call-pacing.js').SlackCallPacing;
  now?: () => number;
}

/** How an answer ends: a notice appended after it, and optionally a Retry button. */
export interface AnswerEnding {
  notice?: string;
  retry?: RetryOffer;
  /** The answer failed (`Reply.fail`): it gets no feedback buttons. */
  failed?: boolean;
}

/** A streaming message of the answer that is still open. */
export interface OpenMessage {
  ts: string;
  text: string;
  startedAt: number;
  /** The next text goes to a new message. */
  full: boolean;
}
