import type { DeliveryError } from '../../core/errors.js';
import { formatStoppedNotice } from '../../core/reply/describe-error-for-user.js';
import type { ProgressItem } from '../../core/reply/ports.js';
import { AnswerTextBuffer } from './answer-text-buffer.js';
import { fenceMarker, findOpenFence, reopenFor } from './markdown-fences.js';
import { formatProgressLine, toTaskChunk } from './progress-chunks.js';
import type { AnswerEnding, OpenMessage, SlackAnswerStreamOptions } from './slack-answer-stream-options.js';

export type { AnswerEnding, AnswerStreamHooks, SlackAnswerStreamOptions } from './slack-answer-stream-options.js';
import { classifyStreamAge, planStreamChunk } from './plan-stream-chunk.js';
import { readSlackError, toDeliveryError } from './read-slack-error.js';
import { buildRetryActions } from './retry-button.js';
import { PacedSendQueue } from './paced-send-queue.js';
import { fatalSlackCodes } from './slack-call.js';
import { SlackFallbackMessage } from './slack-fallback-message.js';
import { findUnfinishedTail } from './sanitize-outbound-text.js';
import { SlackThreadPoster } from './slack-thread-poster.js';

/** Slack's per-call limit for `markdown_text`. */
const maxCallChars = 12_000;

/**
 * One answer being shown in a Slack thread. The first words go out the moment they arrive
 * (`chat.startStream`); after that, text is batched and sent at most every `flushIntervalMs`,
 * one Slack call at a time (a serial chain), so a slow or rate-limited call holds back only
 * this answer while its text keeps buffering. Long or old messages end at a clean break and
 * the answer continues in a new message in the thread (an unavoidable cut inside a code block
 * closes and reopens the fence). When Slack refuses native streaming, the answer is posted and
 * updated instead, rendered as mrkdwn.
 */
export class SlackAnswerStream {
  /** Model text that reached Slack. */
  deliveredText = '';
  readonly messageTs: string[] = [];
  stoppedByUser = false;
  failure?: DeliveryError;

  private readonly text = new AnswerTextBuffer();
  private reopenPrefix = '';
  private current?: OpenMessage;
  /** Set once Slack refused native streaming: the answer is posted and updated instead. */
  private fallback?: SlackFallbackMessage;
  /** Every Slack call of this answer runs on this queue, one at a time; it also paces the sends. */
  private readonly queue: PacedSendQueue;
  private closed = false;
  private statusShown = false;
  private readonly poster: SlackThreadPoster;
  private readonly now: () => number;
  private readonly maxMessageChars: number;
  private readonly softMessageChars: number;
  private readonly maxStreamAgeMs: number;
  private readonly maxFallbackChars: number;

  constructor(private readonly options: SlackAnswerStreamOptions) {
    this.now = options.now ?? Date.now;
    this.maxMessageChars = Math.min(options.maxMessageChars ?? 10_000, 40_000);
    this.softMessageChars = options.softMessageChars ?? Math.floor(this.maxMessageChars * 0.8);
    this.maxStreamAgeMs = options.maxStreamAgeMs ?? 4 * 60 * 1000;
    this.maxFallbackChars = options.maxFallbackChars ?? 3_500;
    this.poster = new SlackThreadPoster({ client: options.client, target: options.target, logger: options.logger, onSlackError: options.onSlackError });
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
    await this.queue.sendNow();
    await this.queue.run(() => this.close(ending));
  }

  private canSend(): boolean {
    return !this.stoppedByUser && this.failure === undefined;
  }

  private send(): Promise<void> {
    return this.fallback ? this.sendFallback(this.fallback) : this.sendNative(this.text.sendable());
  }

  /**
   * Sends pending text: at most `limitChars` (what precedes the next progress item), and only the
   * text pending when this send began — text arriving during its calls waits for the next paced send.
   */
  private async sendNative(limitChars: number): Promise<void> {
    let unsent = limitChars;
    while (unsent > 0 && this.text.pending !== '' && this.canSend() && !this.fallback) {
      const message = this.current;
      if (message?.full) {
        await this.rotate(message);
        continue;
      }
      const prefix = message ? '' : this.reopenPrefix;
      const plan = planStreamChunk({
        messageText: message ? message.text : prefix,
        pending: this.text.hasProgressWaiting ? this.text.pending.slice(0, unsent) : this.text.pending,
        callRoom: maxCallChars - prefix.length,
        maxMessageChars: this.maxMessageChars,
        softMessageChars: this.softMessageChars,
        age: message ? classifyStreamAge(this.now() - message.startedAt, this.maxStreamAgeMs) : 'fresh',
      });
      if (plan.text === '') {
        if (!message) break;
        message.full = true;
        continue;
      }
      const chunk = this.holdUnfinishedTail(plan.text, message ? message.text : prefix);
      if (chunk === '') {
        // The unfinished link starts this chunk: wait for its end, or give it a fresh message when this one has no room for it.
        if (!message || plan.text.length === this.text.pending.length) break;
        message.full = true;
        continue;
      }
      this.text.take(chunk.length);
      unsent -= chunk.length;
      if (message) await this.append(message, chunk);
      else await this.start(chunk);
      if (plan.endsMessage && chunk === plan.text && this.current && !this.fallback) this.current.full = true;
    }
  }

  /**
   * Slack joins a stream's pieces before rendering, so a piece must not end inside a Markdown
   * link (`[docs.company.com` + `](https://evil.example)`) or an `@word`: that tail waits
   * (bounded) for the text completing it. Nothing waits once the answer is closing or a task
   * card follows the text.
   */
  private holdUnfinishedTail(text: string, sentBefore: string): string {
    if (this.closed || this.text.hasProgressWaiting) return text;
    return text.slice(0, findUnfinishedTail(text, { atLineStart: sentBefore === '' || sentBefore.endsWith('\n') }));
  }

  private async sendTask(item: ProgressItem): Promise<void> {
    const chunk = toTaskChunk(item);
    const message = this.current;
    if (message && !message.full) {
      const result = await this.poster.appendChunks(message.ts, [chunk]);
      if (result === 'stopped_by_user') this.stopRequested();
      if (result !== 'expired') return;
      this.current = undefined;
    }
    if (this.current?.full) await this.rotate(this.current);
    try {
      const ts = await this.poster.startStream('', [chunk]);
      this.current = { ts, text: '', startedAt: this.now(), full: false };
      this.messageStarted(ts);
    } catch (error) {
      await this.fallBack(error);
      await this.fallback?.append(formatProgressLine(item));
    }
  }

  /** Slack refused native streaming (unless the error is fatal, which fails the answer): post and update instead. */
  private async fallBack(error: unknown): Promise<SlackFallbackMessage> {
    const { code } = readSlackError(error);
    if (fatalSlackCodes.has(code) || code === 'ratelimited') throw error;
    this.options.logger.warn({ code }, 'native streaming refused; falling back to post and update');
    this.fallback = new SlackFallbackMessage(this.poster, this.maxFallbackChars, (started) => this.messageStarted(started));
    return this.fallback;
  }

  private async start(chunk: string): Promise<void> {
    const text = this.reopenPrefix + chunk;
    let ts: string;
    try {
      ts = await this.poster.startStream(text);
    } catch (error) {
      const fallback = await this.fallBack(error);
      // The reopened fence (if any) keeps a code block open across the switch; it is not model text.
      this.text.putBack(chunk);
      const prefix = this.reopenPrefix;
      this.reopenPrefix = '';
      await this.sendFallback(fallback, prefix);
      return;
    }
    this.reopenPrefix = '';
    this.current = { ts, text, startedAt: this.now(), full: false };
    this.messageStarted(ts);
    this.deliveredText += chunk;
  }

  private async append(message: OpenMessage, chunk: string): Promise<void> {
    const result = await this.poster.appendStream(message.ts, chunk);
    if (result === 'ok') {
      message.text += chunk;
      this.deliveredText += chunk;
    } else if (result === 'expired') {
      // Slack expired the stream: continue in a new message with nothing lost.
      this.options.logger.info({ messageTs: message.ts }, 'stream expired; continuing in a new message');
      this.reopenPrefix = reopenFor(message.text);
      this.current = undefined;
      this.text.putBack(chunk);
    } else {
      this.stopRequested();
    }
  }

  /** Ends the message (closing an open code block) so the answer continues in a new one. */
  private async rotate(message: OpenMessage): Promise<void> {
    this.current = undefined;
    this.reopenPrefix = reopenFor(message.text);
    const open = findOpenFence(message.text);
    const closing = open ? `${message.text.endsWith('\n') ? '' : '\n'}${fenceMarker(open)}` : undefined;
    await this.stopStream(message, closing);
  }

  /** Stops a stream; false when Slack had already ended it (expired, or stopped by the person). */
  private async stopStream(message: OpenMessage, markdown?: string, blocks?: unknown[]): Promise<boolean> {
    const result = await this.poster.stopStream(message.ts, markdown, blocks);
    if (result === 'stopped_by_user') this.stopRequested();
    return result === 'ok';
  }

  private async sendFallback(fallback: SlackFallbackMessage, prefix = ''): Promise<void> {
    const sendable = this.text.sendable();
    if (sendable === 0 || !this.canSend()) return;
    const text = this.text.take(sendable);
    await fallback.append(prefix + text);
    this.deliveredText += text;
  }

  private async close(ending: AnswerEnding): Promise<void> {
    if (this.failure) return;
    if (this.stoppedByUser) {
      await this.postFollowUp(formatStoppedNotice());
      return;
    }
    const { notice, retry } = ending;
    const blocks = retry ? [buildRetryActions(retry)] : undefined;
    if (this.fallback) {
      // The notice goes below the answer; with a Retry button it is its own message.
      if (notice && blocks) await this.postFollowUp(notice, blocks);
      else if (notice) await this.fallback.append(`\n\n${notice}`);
      return;
    }
    const message = this.current;
    if (message) {
      this.current = undefined;
      const stopped = await this.stopStream(message, notice ? `\n\n${notice}` : undefined, blocks);
      if (this.stoppedByUser) await this.postFollowUp(formatStoppedNotice());
      else if (!stopped && notice) await this.postFollowUp(notice, blocks);
      return;
    }
    if (notice) await this.postFollowUp(notice, blocks);
    else if (this.statusShown) await this.poster.setStatus('');
  }

  /** A new message in the thread (notices, the Retry button): the last message can take no more. */
  private async postFollowUp(notice: string, blocks?: unknown[]): Promise<void> {
    this.messageTs.push(await this.poster.postMessage(notice, blocks));
  }

  private messageStarted(ts: string): void {
    this.messageTs.push(ts);
    this.options.hooks.onMessageStarted(ts);
  }

  private stopRequested(): void {
    if (this.stoppedByUser) return;
    this.stoppedByUser = true;
    this.text.clear();
    this.current = undefined;
    this.queue.cancel();
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
