import { formatStoppedNotice } from '../../core/reply/describe-error-for-user.js';
import type { ProgressItem } from '../../core/reply/ports.js';
import { formatProgressLine } from './progress-chunks.js';
import { readSlackError, toDeliveryError } from './read-slack-error.js';
import { buildRetryActions } from './retry-button.js';
import { buildFeedbackBlock, feedbackReferenceOf } from './feedback-buttons.js';
import { PacedSendQueue } from './paced-send-queue.js';
import type { AnswerEnding, SlackAnswerStreamOptions } from './slack-answer-stream-options.js';
import { SlackStreamMessages } from './slack-stream-messages.js';

export type { AnswerEnding, AnswerStreamHooks, SlackAnswerStreamOptions } from './slack-answer-stream-options.js';

/**
 * One answer being shown in a Slack thread. The first words go out the moment they arrive
 * (`chat.startStream`); after that, text is batched and sent at most every `flushIntervalMs`,
 * one Slack call at a time (a serial chain), so a slow or rate-limited call holds back only
 * this answer while its text keeps buffering. Long or old messages end at a clean break and
 * the answer continues in a new message in the thread (an unavoidable cut inside a code block
 * closes and reopens the fence). When Slack refuses native streaming, the answer is posted and
 * updated instead, rendered as mrkdwn.
 */
export class SlackAnswerStream extends SlackStreamMessages {
  /** Every Slack call of this answer runs on this queue, one at a time; it also paces the sends. */
  private readonly queue: PacedSendQueue;
  private statusShown = false;
  /** Stopped through the agent session (the stream is still open), not by Slack's stream Stop. */
  private stoppedBySession = false;

  constructor(options: SlackAnswerStreamOptions) {
    super(options);
    this.queue = new PacedSendQueue({
      send: () => this.send(),
      // The fallback edits one message over and over: at most about once a second.
      intervalMs: () => (this.fallback ? Math.max(options.flushIntervalMs, 1000) : options.flushIntervalMs),
      onError: (error) => this.fail(error),
      now: this.now,
    });
  }

  /**
   * Shows a status ("is thinking…", "Claude is busy, retrying…") in the thread until the first
   * words go out. It runs on the answer's queue, so it can never land after them (a status
   * shown over the answer); once text went out it is skipped.
   */
  showStatus(status: string): Promise<void> {
    const textStarted = () => this.queue.lastSendAt !== undefined || this.closed;
    if (textStarted()) return Promise.resolve();
    return this.queue.run(async () => {
      if (textStarted()) return;
      this.statusShown = true;
      await this.poster.setStatus(status);
    });
  }

  /** Adds model text; it is sent now (first words) or with the next batch. */
  push(text: string): void {
    if (this.closed || this.stoppedByUser || this.failure || text === '') return;
    this.text.push(text);
    this.queue.request();
  }

  /**
   * Shows a progress item (a tool call, a consult) in its place in the answer: text buffered
   * before it goes out first. Native streams show it as a `task_update` chunk; the fallback
   * as a plain line of text.
   */
  pushProgress(item: ProgressItem): void {
    if (this.closed || this.stoppedByUser || this.failure) return;
    // Text pushed after the item waits for it: only what came before is sent ahead of the card.
    this.text.markProgress();
    void this.queue.run(async () => {
      try {
        for (let before = -1; this.text.sendable() > 0 && this.canSend() && this.text.pending.length !== before; ) {
          before = this.text.pending.length;
          await this.send();
        }
        if (!this.canSend()) return;
        if (this.fallback) await this.fallback.append(formatProgressLine(item));
        else await this.sendTask(item);
      } finally {
        this.text.progressShown();
      }
    });
  }

  /** Sends everything still buffered, appends the ending, and closes the answer. Later pushes are ignored. */
  async finish(ending: AnswerEnding = {}): Promise<void> {
    if (this.closed) return this.queue.run(async () => undefined);
    this.closed = true;
    this.queue.cancel();
    this.beginClosing();
    // Whatever is buffered goes out before the ending — on the closing stop itself when it fits
    // (see `lastWordsFitStop`); a send can leave text pending (a stream Slack expired mid-send).
    await this.queue.run(async () => {
      for (let before = -1; this.text.pending !== '' && this.canSend() && !this.lastWordsFitStop() && this.text.pending.length !== before; ) {
        before = this.text.pending.length;
        await this.send();
      }
    });
    await this.queue.run(() => this.close(ending));
  }

  private async close(ending: AnswerEnding): Promise<void> {
    if (this.failure) return;
    if (this.stoppedByUser) {
      // A session Stop leaves the stream open: the note ends it, in place.
      const open = this.stoppedBySession ? this.current : undefined;
      this.current = undefined;
      if (open && (await this.poster.stopStream(open.ts, `\n\n${formatStoppedNotice()}`)) === 'ok') return;
      if (this.stoppedBySession && this.fallback) await this.fallback.append(`\n\n${formatStoppedNotice()}`);
      else await this.postFollowUp(formatStoppedNotice());
      return;
    }
    const { notice, retry } = ending;
    const feedback = this.feedbackBlock(ending);
    const blocks = retry ? [buildRetryActions(retry)] : feedback ? [feedback] : undefined;
    if (this.fallback) {
      // The notice goes below the answer; with a Retry button it is its own message.
      if (notice && retry) await this.postFollowUp(notice, blocks);
      else if (notice) await this.fallback.append(`\n\n${notice}`);
      if (feedback) await this.fallback.attachBlocks([feedback]);
      return;
    }
    const message = this.current;
    if (message) {
      this.current = undefined;
      const stopped = await this.stopWithLastWords(message, notice ? `\n\n${notice}` : undefined, blocks);
      if (this.stoppedByUser) await this.postFollowUp(formatStoppedNotice());
      // Slack ended the stream itself just before the close: a notice still goes out (with the
      // buttons), but buttons alone would be a message of their own, more noise than they are worth.
      else if (!stopped && notice) await this.postFollowUp(notice, blocks);
      return;
    }
    if (notice) await this.postFollowUp(notice, blocks);
    else if (this.statusShown) await this.poster.setStatus('');
  }

  /**
   * Stop pressed on the thread's agent session (Slack's native Stop, possibly heard by another
   * replica). Unlike the stream's own Stop, Slack has not ended the stream: nothing more is sent,
   * and closing ends the open message with the "stopped" note.
   */
  stopBySession(): void {
    if (this.stoppedByUser || this.closed || this.failure) return;
    this.stoppedBySession = true;
    this.stoppedByUser = true;
    this.text.clear();
    this.queue.cancel();
    this.beginClosing();
    this.options.logger.info({ deliveredChars: this.deliveredText.length }, 'stopped by the agent session Stop');
    this.options.hooks.onStopRequested();
  }

  /**
   * Feedback buttons go under an answer that finished and showed text: not under a failed one
   * (it offers Retry instead), one the person stopped, or one that showed nothing.
   */
  private feedbackBlock(ending: AnswerEnding): Record<string, unknown> | undefined {
    if (ending.failed || ending.retry || this.deliveredText.trim() === '') return undefined;
    const reference = feedbackReferenceOf(this.options.target);
    return reference ? buildFeedbackBlock(reference) : undefined;
  }

  protected stopRequested(): void {
    if (this.stoppedByUser) return;
    this.stoppedByUser = true;
    this.text.clear();
    this.current = undefined;
    this.queue.cancel();
    this.beginClosing();
    this.options.logger.info({ deliveredChars: this.deliveredText.length }, 'stopped by user in Slack');
    this.options.hooks.onStopRequested();
  }

  private fail(error: unknown): void {
    const method = this.poster.failedMethod;
    if (this.failure) {
      this.options.logger.warn({ code: readSlackError(error).code, method }, 'another Slack call failed after the answer was refused');
      return;
    }
    const channel = this.options.target.channelId;
    this.failure = toDeliveryError(error, channel, method);
    const code = this.failure.details.slackCode;
    this.text.clear();
    this.queue.cancel();
    this.options.logger.error(
      { code, deliveryCode: this.failure.code, method, channel, deliveredChars: this.deliveredText.length },
      `Slack refused the answer (${code})`,
    );
    // Nothing more can be shown: stop paying for tokens nobody will see.
    this.options.hooks.onStopRequested();
  }
}
