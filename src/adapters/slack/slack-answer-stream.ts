import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/conversation/ports.js';
import { DeliveryError, type DeliveryErrorCode } from '../../core/errors.js';
import type { DeliveryHooks, ReplyTarget } from '../../core/reply/reply-sink.js';
import { fenceMarker, findOpenFence } from './markdown-fences.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import { readSlackError } from './read-slack-error.js';
import { callSlack, fatalSlackCodes } from './slack-call.js';
import { splitMarkdown } from './split-markdown.js';

/** Tuning for one streamed answer. */
export interface SlackAnswerStreamOptions {
  client: WebClient;
  target: ReplyTarget;
  logger: Logger;
  hooks: DeliveryHooks;
  /** Minimum time between Slack calls once the first words are out. */
  flushIntervalMs: number;
  /** Characters per message before continuing in a new one (Slack's markdown limit is 12,000). */
  maxMessageChars?: number;
  /** Rotate to a new message before Slack expires a stream (~5 min). */
  maxStreamAgeMs?: number;
  /** Characters per message in the post-and-update fallback. */
  maxFallbackChars?: number;
  onSlackError?: (method: string, code: string) => void;
  now?: () => number;
}

/** Slack's per-call limit for `markdown_text`. */
const maxCallChars = 12_000;

interface OpenMessage {
  ts: string;
  text: string;
  startedAt: number;
}

function deliveryCodeFor(slackCode: string): DeliveryErrorCode {
  switch (slackCode) {
    case 'not_in_channel':
      return 'delivery_not_in_channel';
    case 'channel_not_found':
    case 'is_archived':
      return 'delivery_channel_not_found';
    case 'invalid_auth':
    case 'account_inactive':
    case 'token_revoked':
    case 'not_authed':
      return 'delivery_auth_failed';
    default:
      return 'delivery_failed';
  }
}

/**
 * One answer being shown in a Slack thread. The first words go out the moment they arrive
 * (`chat.startStream`); after that, text is batched and sent at most every
 * `flushIntervalMs`. Long answers and old streams continue in a new message (closing and
 * reopening an open code block). When Slack refuses native streaming, the answer is posted
 * and updated instead, rendered as mrkdwn.
 */
export class SlackAnswerStream {
  /** Model text that reached Slack. */
  deliveredText = '';
  readonly messageTs: string[] = [];
  stoppedByUser = false;
  failure?: DeliveryError;

  private pending = '';
  private reopenPrefix = '';
  private current?: OpenMessage;
  private mode: 'native' | 'fallback' = 'native';
  private fallbackText = '';
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private lastSendAt = 0;
  private statusShown = false;
  private readonly now: () => number;
  private readonly maxMessageChars: number;
  private readonly maxStreamAgeMs: number;
  private readonly maxFallbackChars: number;

  constructor(private readonly options: SlackAnswerStreamOptions) {
    this.now = options.now ?? Date.now;
    this.maxMessageChars = options.maxMessageChars ?? 10_000;
    this.maxStreamAgeMs = options.maxStreamAgeMs ?? 4 * 60 * 1000;
    this.maxFallbackChars = options.maxFallbackChars ?? 3_500;
  }

  /** True once any message of this answer exists in Slack. */
  get started(): boolean {
    return this.messageTs.length > 0;
  }

  /** Shows a status ("is thinking…") in the thread until the first words arrive. */
  async showStatus(status: string): Promise<void> {
    if (this.started) return;
    this.statusShown = true;
    await this.setStatus(status);
  }

  /** Adds model text; it is sent now (first words) or with the next batch. */
  push(text: string): void {
    if (this.stoppedByUser || this.failure) return;
    this.pending += text;
    this.schedule();
  }

  /** Sends everything still buffered, appends `notice`, and closes the answer. */
  async finish(notice?: string): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.enqueueSend();
    await this.enqueue(() => this.close(notice));
  }

  private schedule(): void {
    if (this.timer) return;
    const interval = this.mode === 'fallback' ? Math.max(this.options.flushIntervalMs, 1000) : this.options.flushIntervalMs;
    const wait = this.started ? Math.max(0, this.lastSendAt + interval - this.now()) : 0;
    if (wait === 0) {
      void this.enqueueSend();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueueSend();
    }, wait);
  }

  private enqueueSend(): Promise<void> {
    return this.enqueue(() => (this.mode === 'native' ? this.sendNative() : this.sendFallback()));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.fail(error, 'answer stream step failed');
    });
    return this.chain;
  }

  private async sendNative(): Promise<void> {
    while (this.pending !== '' && !this.stoppedByUser && !this.failure && this.mode === 'native') {
      const message = this.current;
      if (message && (this.now() - message.startedAt > this.maxStreamAgeMs || message.text.length >= this.maxMessageChars)) {
        await this.rotate();
        continue;
      }
      const room = Math.min(maxCallChars - this.reopenPrefix.length, this.maxMessageChars - (message?.text.length ?? 0));
      const chunk = this.takeChunk(room);
      this.lastSendAt = this.now();
      if (message) await this.append(message, chunk);
      else await this.start(chunk);
    }
  }

  /** Takes up to `room` characters of pending text, cutting at a readable boundary when short of room. */
  private takeChunk(room: number): string {
    if (this.pending.length <= room) {
      const all = this.pending;
      this.pending = '';
      return all;
    }
    const [head = ''] = splitMarkdownHead(this.pending, room);
    this.pending = this.pending.slice(head.length);
    // The message is full after this chunk: the next loop rotates.
    return head;
  }

  private async start(chunk: string): Promise<void> {
    const { target } = this.options;
    const text = this.reopenPrefix + chunk;
    try {
      const response = await this.call<{ ts: string }>('chat.startStream', {
        channel: target.channelId,
        thread_ts: target.threadTs,
        markdown_text: text,
        ...(target.isDirectMessage ? {} : { recipient_user_id: target.recipientUserId, recipient_team_id: target.teamId }),
        username: target.agent.displayName,
        ...(target.agent.iconEmoji ? { icon_emoji: target.agent.iconEmoji } : {}),
      });
      this.reopenPrefix = '';
      this.current = { ts: response.ts, text, startedAt: this.now() };
      this.messageStarted(response.ts);
      this.deliveredText += chunk;
    } catch (error) {
      const { code } = readSlackError(error);
      if (fatalSlackCodes.has(code) || code === 'ratelimited') throw error;
      this.options.logger.warn({ code }, 'native streaming refused; falling back to post and update');
      this.mode = 'fallback';
      this.pending = chunk + this.pending;
      await this.sendFallback();
    }
  }

  private async append(message: OpenMessage, chunk: string): Promise<void> {
    try {
      await this.call('chat.appendStream', { channel: this.options.target.channelId, ts: message.ts, markdown_text: chunk });
      message.text += chunk;
      this.deliveredText += chunk;
    } catch (error) {
      const { code } = readSlackError(error);
      if (code === 'message_not_in_streaming_state') {
        // Slack expired the stream: continue in a new message with nothing lost.
        this.options.logger.info({ messageTs: message.ts }, 'stream expired; continuing in a new message');
        this.reopenPrefix = reopenFor(message.text);
        this.current = undefined;
        this.pending = chunk + this.pending;
        return;
      }
      if (code === 'stopped_by_user') {
        this.stopRequested();
        return;
      }
      throw error;
    }
  }

  private async rotate(): Promise<void> {
    const message = this.current;
    if (!message) return;
    const open = findOpenFence(message.text);
    this.current = undefined;
    this.reopenPrefix = open ? `${open}\n` : '';
    await this.stopStream(message, open ? `\n${fenceMarker(open)}` : undefined);
  }

  private async stopStream(message: OpenMessage, finalText?: string): Promise<void> {
    try {
      await this.call('chat.stopStream', {
        channel: this.options.target.channelId,
        ts: message.ts,
        ...(finalText ? { markdown_text: finalText } : {}),
      });
    } catch (error) {
      const { code } = readSlackError(error);
      if (code === 'stopped_by_user') this.stopRequested();
      else if (code !== 'message_not_in_streaming_state') throw error;
    }
  }

  private async sendFallback(): Promise<void> {
    if (this.pending === '' || this.failure) return;
    this.fallbackText += this.pending;
    this.deliveredText += this.pending;
    this.pending = '';
    await this.renderFallback(this.fallbackText);
  }

  /** Shows `markdown` as the current fallback message(s), splitting at readable boundaries. */
  private async renderFallback(markdown: string): Promise<void> {
    const parts = splitMarkdown(markdown, this.maxFallbackChars);
    const { target } = this.options;
    for (const [index, part] of parts.entries()) {
      const isLast = index === parts.length - 1;
      const text = markdownToMrkdwn(part);
      this.lastSendAt = this.now();
      if (this.current) {
        await this.call('chat.update', { channel: target.channelId, ts: this.current.ts, text });
        this.current.text = part;
      } else {
        const response = await this.call<{ ts: string }>('chat.postMessage', {
          channel: target.channelId,
          thread_ts: target.threadTs,
          text,
          username: target.agent.displayName,
          ...(target.agent.iconEmoji ? { icon_emoji: target.agent.iconEmoji } : {}),
        });
        this.current = { ts: response.ts, text: part, startedAt: this.now() };
        this.messageStarted(response.ts);
      }
      if (!isLast) {
        this.current = undefined;
      }
    }
    // Keep only the text of the message still being updated.
    this.fallbackText = parts.at(-1) ?? '';
  }

  private async close(notice?: string): Promise<void> {
    if (this.failure) return;
    const { target } = this.options;
    if (this.stoppedByUser) return;
    const suffix = notice ? (this.deliveredText === '' ? notice : `\n\n${notice}`) : '';
    if (this.mode === 'fallback') {
      if (suffix !== '') await this.renderFallback(this.fallbackText + suffix);
      return;
    }
    if (this.current) {
      const message = this.current;
      this.current = undefined;
      await this.stopStream(message, suffix || undefined);
      return;
    }
    if (suffix !== '') {
      const response = await this.call<{ ts: string }>('chat.postMessage', {
        channel: target.channelId,
        thread_ts: target.threadTs,
        text: markdownToMrkdwn(suffix),
        username: target.agent.displayName,
        ...(target.agent.iconEmoji ? { icon_emoji: target.agent.iconEmoji } : {}),
      });
      this.messageTs.push(response.ts);
      return;
    }
    if (this.statusShown) await this.setStatus('');
  }

  private async setStatus(status: string): Promise<void> {
    try {
      await this.call('assistant.threads.setStatus', {
        channel_id: this.options.target.channelId,
        thread_ts: this.options.target.threadTs,
        status,
      });
    } catch (error) {
      this.options.logger.debug({ code: readSlackError(error).code }, 'could not set thread status');
    }
  }

  private messageStarted(ts: string): void {
    this.messageTs.push(ts);
    this.options.hooks.onMessageStarted(ts);
  }

  private stopRequested(): void {
    if (this.stoppedByUser) return;
    this.stoppedByUser = true;
    this.pending = '';
    this.options.logger.info({}, 'stopped by user in Slack');
    this.options.hooks.onStopRequested();
  }

  private fail(error: unknown, message: string): void {
    const { code } = readSlackError(error);
    this.failure = new DeliveryError(deliveryCodeFor(code), `Slack refused the answer: ${code}`, { slackCode: code }, { cause: error });
    this.pending = '';
    this.options.logger.error({ code, channel: this.options.target.channelId }, message);
  }

  private call<T = unknown>(method: string, args: Record<string, unknown>): Promise<T> {
    return callSlack<T>(this.options.client, method, args, { logger: this.options.logger, onError: this.options.onSlackError });
  }
}

/** First chunk of `text` of at most `room` characters, cut at a readable boundary. */
function splitMarkdownHead(text: string, room: number): string[] {
  const window = text.slice(0, room);
  for (const separator of ['\n\n', '\n', ' ']) {
    const index = window.lastIndexOf(separator);
    if (index > room / 2) return [window.slice(0, index + separator.length)];
  }
  return [window];
}

/** The fence to reopen in a new message when `text` ends inside a code block. */
function reopenFor(text: string): string {
  const open = findOpenFence(text);
  return open ? `${open}\n` : '';
}

