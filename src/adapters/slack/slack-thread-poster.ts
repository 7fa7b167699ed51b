import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { ReplyTarget } from '../../core/reply/ports.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import { readSlackError } from './read-slack-error.js';
import { callSlack } from './slack-call.js';
import type { SlackCallPacing } from './slack-call-pacing.js';
import { sanitizeOutboundMarkdown } from './sanitize-outbound-text.js';
import { toSectionBlocks } from './section-blocks.js';

/** How a call on an open stream went: Slack may have ended the stream (expired) or the person pressed Stop. */
export type StreamCallResult = 'ok' | 'expired' | 'stopped_by_user';

/** Options of {@link SlackThreadPoster}. */
export interface SlackThreadPosterOptions {
  client: WebClient;
  target: ReplyTarget;
  logger: Logger;
  onSlackError?: (method: string, code: string) => void;
  /** Keeps calls inside the workspace's Slack quotas, shared by the fleet. */
  pacing?: SlackCallPacing;
}

/**
 * Slack calls for one reply thread, as the agent (name and icon), with our retry rules.
 * Remembers the method of the last failed call, for the error log.
 */
export class SlackThreadPoster {
  /** Method of the most recent call that failed. */
  failedMethod?: string;
  /** Per streaming message: whether the text sent so far ends a line (a leading `>` is then a quote marker). */
  private readonly endsLine = new Map<string, boolean>();
  /** Methods whose next call already waited for its slot (see `pace`). */
  private readonly paid = new Set<string>();
  private unpaced = false;

  constructor(private readonly options: SlackThreadPosterOptions) {}

  get target(): ReplyTarget {
    return this.options.target;
  }

  /**
   * Waits for the next slot of `method` in the workspace's budget now, so the caller can decide
   * what to send once the slot came (all the text that arrived meanwhile); the next `call` of
   * that method does not wait again.
   */
  async pace(method: string, signal?: AbortSignal): Promise<void> {
    const { pacing } = this.options;
    if (this.unpaced || !pacing?.paces(method) || this.paid.has(method)) return;
    if (await pacing.pace(this.options.target, method, signal)) this.paid.add(method);
  }

  /**
   * From now on calls do not wait for slots: the answer is closing, and what little must still
   * go out goes at once (Slack's own `ratelimited` is still honoured by `callSlack`).
   */
  stopPacing(): void {
    this.unpaced = true;
  }

  /** Calls a Web API method, within the workspace's budget (rate limits wait `Retry-After`, bounded; see `callSlack`). */
  async call<T = unknown>(method: string, args: Record<string, unknown>): Promise<T> {
    if (!this.paid.delete(method) && !this.unpaced) await this.options.pacing?.pace(this.options.target, method);
    try {
      return await callSlack<T>(this.options.client, method, args, { logger: this.options.logger, onError: this.options.onSlackError });
    } catch (error) {
      this.failedMethod = method;
      throw error;
    }
  }

  /**
   * Starts a streaming reply in the thread (addressed to the asker outside DMs). Returns its ts.
   * Every `markdown_text` here is untrusted and sanitized; the caller must not cut it inside a
   * Markdown link (see `findUnfinishedTail`), since Slack joins the pieces of a stream.
   */
  async startStream(markdown: string, chunks?: Record<string, unknown>[]): Promise<string> {
    const { target } = this.options;
    const response = await this.call<{ ts: string }>('chat.startStream', {
      channel: target.channelId,
      thread_ts: target.threadTs,
      ...(chunks ? { chunks } : { markdown_text: sanitizeOutboundMarkdown(markdown) }),
      ...(target.isDirectMessage ? {} : { recipient_user_id: target.recipientUserId, recipient_team_id: target.teamId }),
      ...this.face(),
    });
    this.endsLine.set(response.ts, chunks ? true : markdown === '' || markdown.endsWith('\n'));
    return response.ts;
  }

  /** Appends to a streaming reply. */
  async appendStream(ts: string, markdown: string): Promise<StreamCallResult> {
    const markdownText = sanitizeOutboundMarkdown(markdown, { atLineStart: this.endsLine.get(ts) ?? true });
    const result = await this.streamCall('chat.appendStream', { channel: this.options.target.channelId, ts, markdown_text: markdownText });
    if (result === 'ok' && markdown !== '') this.endsLine.set(ts, markdown.endsWith('\n'));
    return result;
  }

  /** Appends chunks (e.g. `task_update`) to a streaming reply. */
  appendChunks(ts: string, chunks: Record<string, unknown>[]): Promise<StreamCallResult> {
    return this.streamCall('chat.appendStream', { channel: this.options.target.channelId, ts, chunks });
  }

  /** Ends a streaming reply, with optional last words and blocks shown below it. */
  stopStream(ts: string, markdown?: string, blocks?: unknown[]): Promise<StreamCallResult> {
    const atLineStart = this.endsLine.get(ts) ?? true;
    this.endsLine.delete(ts);
    return this.streamCall('chat.stopStream', {
      channel: this.options.target.channelId,
      ts,
      ...(markdown ? { markdown_text: sanitizeOutboundMarkdown(markdown, { atLineStart }) } : {}),
      ...(blocks ? { blocks } : {}),
    });
  }

  private async streamCall(method: string, args: Record<string, unknown>): Promise<StreamCallResult> {
    try {
      await this.call(method, args);
      return 'ok';
    } catch (error) {
      const { code } = readSlackError(error);
      if (code === 'message_not_in_streaming_state') return 'expired';
      if (code === 'stopped_by_user') return 'stopped_by_user';
      throw error;
    }
  }

  /** The agent's face: `username` and `icon_emoji`. */
  face(): Record<string, string> {
    const { agent } = this.options.target;
    return { username: agent.displayName, ...(agent.iconEmoji ? { icon_emoji: agent.iconEmoji } : {}) };
  }

  /** Posts a new message in the thread (Markdown rendered as sanitized mrkdwn); with `blocks`, the text shows above them. Returns its ts. */
  async postMessage(markdown: string, blocks?: unknown[]): Promise<string> {
    const text = markdownToMrkdwn(markdown);
    const response = await this.call<{ ts: string }>('chat.postMessage', {
      channel: this.options.target.channelId,
      thread_ts: this.options.target.threadTs,
      text,
      ...(blocks ? { blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, ...blocks] } : {}),
      ...this.face(),
    });
    return response.ts;
  }

  /** Replaces a message's text (Markdown rendered as sanitized mrkdwn); with `blocks`, the text shows above them. */
  async updateMessage(ts: string, markdown: string, blocks?: unknown[]): Promise<void> {
    const text = markdownToMrkdwn(markdown);
    await this.call('chat.update', { channel: this.options.target.channelId, ts, text, ...(blocks ? { blocks: [...toSectionBlocks(text), ...blocks] } : {}) });
  }

  /** Sets (or with '' clears) the thread's status line; failures only matter for logs. */
  async setStatus(status: string): Promise<void> {
    try {
      const loading = this.options.target.agent.loadingMessages;
      await this.call('assistant.threads.setStatus', {
        channel_id: this.options.target.channelId,
        thread_ts: this.options.target.threadTs,
        status,
        // The agent's own words while it works (Slack rotates them in place of the status).
        ...(status !== '' && loading && loading.length > 0 ? { loading_messages: [...loading] } : {}),
      });
    } catch (error) {
      this.options.logger.debug({ code: readSlackError(error).code }, 'could not set thread status');
    }
  }
}
