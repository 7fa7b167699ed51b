import type { DeliveryError } from '../../core/errors.js';
import type { ProgressItem } from '../../core/reply/ports.js';
import { AnswerTextBuffer } from './answer-text-buffer.js';
import { fenceMarker, findOpenFence, reopenFor } from './markdown-fences.js';
import { classifyStreamAge, planStreamChunk } from './plan-stream-chunk.js';
import { formatProgressLine, toTaskChunk } from './progress-chunks.js';
import { readSlackError } from './read-slack-error.js';
import { findUnfinishedTail } from './sanitize-outbound-text.js';
import type { OpenMessage, SlackAnswerStreamOptions } from './slack-answer-stream-options.js';
import { fatalSlackCodes } from './slack-call.js';
import { SlackFallbackMessage } from './slack-fallback-message.js';
import { SlackThreadPoster } from './slack-thread-poster.js';

/** Slack's per-call limit for `markdown_text`. */
const maxCallChars = 12_000;

/**
 * The message mechanics of one answer in Slack: what is pending, the open streaming message,
 * starting, appending, rotating at a clean break (closing and reopening a code fence), task
 * cards, and the post-and-update fallback when Slack refuses native streaming. Pacing, the
 * answer's ending and its failure handling live in {@link SlackAnswerStream}.
 */
export abstract class SlackStreamMessages {
  /** Model text that reached Slack. */
  deliveredText = '';
  readonly messageTs: string[] = [];
  stoppedByUser = false;
  failure?: DeliveryError;

  protected readonly text = new AnswerTextBuffer();
  protected reopenPrefix = '';
  protected current?: OpenMessage;
  /** Set once Slack refused native streaming: the answer is posted and updated instead. */
  protected fallback?: SlackFallbackMessage;
  protected closed = false;
  /** Aborted when the answer starts closing (see `beginClosing`). */
  private readonly closing = new AbortController();
  protected readonly poster: SlackThreadPoster;
  protected readonly now: () => number;
  private readonly maxMessageChars: number;
  private readonly softMessageChars: number;
  private readonly maxStreamAgeMs: number;
  private readonly maxFallbackChars: number;

  constructor(protected readonly options: SlackAnswerStreamOptions) {
    this.now = options.now ?? Date.now;
    this.maxMessageChars = Math.min(options.maxMessageChars ?? 10_000, 40_000);
    this.softMessageChars = options.softMessageChars ?? Math.floor(this.maxMessageChars * 0.8);
    this.maxStreamAgeMs = options.maxStreamAgeMs ?? 4 * 60 * 1000;
    this.maxFallbackChars = options.maxFallbackChars ?? 3_500;
    this.poster = new SlackThreadPoster({ client: options.client, target: options.target, logger: options.logger, onSlackError: options.onSlackError, pacing: options.pacing });
  }

  /** The person pressed Stop (Slack answered `stopped_by_user`). */
  protected abstract stopRequested(): void;

  protected canSend(): boolean {
    return !this.stoppedByUser && this.failure === undefined;
  }

  protected async send(): Promise<void> {
    // An update waits for its slot in the workspace's budget before its text is chosen, so it
    // carries everything that arrived meanwhile (a new message's first words never wait). A
    // wait cut short by the answer closing sends nothing: the closing decides what goes.
    if (this.closed) {
      // A send queued before the close: the closing stop carries what fits it.
      if (this.lastWordsFitStop()) return;
    } else {
      if (this.fallback) await this.poster.pace('chat.update', this.closing.signal);
      else if (this.current && !this.current.full) await this.poster.pace('chat.appendStream', this.closing.signal);
      if (this.closing.signal.aborted) return;
    }
    return this.fallback ? this.sendFallback(this.fallback) : this.sendNative(this.text.sendable());
  }

  /** The answer is closing (finished or stopped): a send waiting for its slot gives up, and no call waits again. */
  protected beginClosing(): void {
    this.poster.stopPacing();
    this.closing.abort();
  }

  /**
   * Sends pending text: at most `limitChars` (what precedes the next progress item), and only the
   * text pending when this send began — text arriving during its calls waits for the next paced send.
   */
  protected async sendNative(limitChars: number): Promise<void> {
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
      // Slack expired the stream and the chunk went back to pending: it still belongs to this send.
      if (message && this.current === undefined && !this.stoppedByUser && this.text.pending.startsWith(chunk)) unsent += chunk.length;
      if (plan.endsMessage && chunk === plan.text && this.current && !this.fallback) this.current.full = true;
    }
  }

  /**
   * Slack joins a stream's pieces before rendering, so a piece must not end inside a Markdown
   * link (`[docs.company.com` + `](https://evil.example)`) or an `@word`: that tail waits
   * (bounded) for the text completing it. Nothing waits once the answer is closing or a task
   * card follows the text.
   */
  protected holdUnfinishedTail(text: string, sentBefore: string): string {
    if (this.closed || this.text.hasProgressWaiting) return text;
    return text.slice(0, findUnfinishedTail(text, { atLineStart: sentBefore === '' || sentBefore.endsWith('\n') }));
  }

  protected async sendTask(item: ProgressItem): Promise<void> {
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
  protected async fallBack(error: unknown): Promise<SlackFallbackMessage> {
    const { code } = readSlackError(error);
    if (fatalSlackCodes.has(code) || code === 'ratelimited') throw error;
    this.options.logger.warn({ code }, 'native streaming refused; falling back to post and update');
    this.fallback = new SlackFallbackMessage(this.poster, this.maxFallbackChars, (started) => this.messageStarted(started));
    return this.fallback;
  }

  protected async start(chunk: string): Promise<void> {
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

  protected async append(message: OpenMessage, chunk: string): Promise<void> {
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
  protected async rotate(message: OpenMessage): Promise<void> {
    this.current = undefined;
    this.reopenPrefix = reopenFor(message.text);
    const open = findOpenFence(message.text);
    const closing = open ? `${message.text.endsWith('\n') ? '' : '\n'}${fenceMarker(open)}` : undefined;
    await this.stopStream(message, closing);
  }

  /** Stops a stream; false when Slack had already ended it (expired, or stopped by the person). */
  protected async stopStream(message: OpenMessage, markdown?: string, blocks?: unknown[]): Promise<boolean> {
    const result = await this.poster.stopStream(message.ts, markdown, blocks);
    if (result === 'stopped_by_user') this.stopRequested();
    return result === 'ok';
  }

  /**
   * Whether what is still buffered can ride on the closing `chat.stopStream` of the open message:
   * one call fewer per answer, and no wait for an update slot at the very end. Only when it fits
   * that message and one call with room to spare, and no progress card must come before it.
   */
  protected lastWordsFitStop(message: OpenMessage | undefined = this.current): boolean {
    if (this.fallback || !message || message.full || this.text.hasProgressWaiting || !this.canSend()) return false;
    const pending = this.text.pending.length;
    return pending <= maxCallChars / 2 && message.text.length + pending <= this.maxMessageChars && classifyStreamAge(this.now() - message.startedAt, this.maxStreamAgeMs) === 'fresh';
  }

  /**
   * Ends the open message with the buffered last words and `ending` (a notice) in one
   * `chat.stopStream`; when Slack had already ended the stream, they go out in a new message,
   * so nothing is lost. Returns whether the ending was shown (by the stop or that new message).
   */
  protected async stopWithLastWords(message: OpenMessage, ending: string | undefined, blocks?: unknown[]): Promise<boolean> {
    const last = this.lastWordsFitStop(message) ? this.text.take(this.text.pending.length) : '';
    const stopped = await this.stopStream(message, `${last}${ending ?? ''}` || undefined, blocks);
    if (stopped) {
      message.text += last;
      this.deliveredText += last;
      return true;
    }
    if (last === '' || this.stoppedByUser) return false;
    await this.postFollowUp(`${last}${ending ?? ''}`, blocks);
    this.deliveredText += last;
    return true;
  }

  protected async sendFallback(fallback: SlackFallbackMessage, prefix = ''): Promise<void> {
    const sendable = this.text.sendable();
    if (sendable === 0 || !this.canSend()) return;
    const text = this.text.take(sendable);
    await fallback.append(prefix + text);
    this.deliveredText += text;
  }

  /** A new message in the thread (notices, the Retry button): the last message can take no more. */
  protected async postFollowUp(notice: string, blocks?: unknown[]): Promise<void> {
    this.messageTs.push(await this.poster.postMessage(notice, blocks));
  }

  protected messageStarted(ts: string): void {
    this.messageTs.push(ts);
    this.options.hooks.onMessageStarted(ts);
  }
}
