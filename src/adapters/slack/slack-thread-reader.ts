import { toSharedFiles } from './files/to-shared-files.js';
import type { WebClient } from '@slack/web-api';
import type { EarlierThreadMessage, ThreadHistoryReader } from '../../core/thread/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { renderSlackMarkup } from './render-slack-markup.js';
import { callSlack } from './slack-call.js';

/** Bounds of one thread read. */
export interface SlackThreadReaderOptions {
  client: WebClient;
  logger: Logger;
  /** Most messages kept, the root included (default 50). */
  maxMessages?: number;
  /** Most characters kept over all messages (default 12,000 ≈ 3–4k tokens). */
  maxChars?: number;
  /** Longer messages are cut to this many characters (default 2,000). */
  maxMessageChars?: number;
  /** `limit` of one `conversations.replies` page (default 200, Slack's recommended maximum). */
  pageSize?: number;
  /** Most pages read (default 2), so at most this many calls per seeded thread. */
  maxPages?: number;
}

interface SlackReply {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  username?: string;
}

interface RepliesPage {
  messages?: SlackReply[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/** Subtypes that carry what a person (or bot) said; joins, topic changes and the like are noise. */
const spokenSubtypes = new Set([undefined, 'thread_broadcast', 'file_share', 'bot_message', 'me_message']);

/** Numeric comparison of Slack timestamps (`seconds.micros`). */
function isBefore(ts: string, other: string): boolean {
  const [seconds = '0', micros = ''] = ts.split('.');
  const [otherSeconds = '0', otherMicros = ''] = other.split('.');
  if (seconds !== otherSeconds) return Number(seconds) < Number(otherSeconds);
  return micros.padEnd(6, '0') < otherMicros.padEnd(6, '0');
}

function cut(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)} …[cut]`;
}

/**
 * Reads a thread's earlier messages with `conversations.replies` — the one Slack read the crew
 * makes, only to seed a thread it is first called into (Slack rate-limits this method hard for
 * apps outside the Marketplace). Bounded: at most `maxPages` calls, no waiting on rate limits (a
 * refused page ends the read with what was read), and at most `maxMessages` / `maxChars`: the
 * thread's root and the most recent messages before the question. Markup is rendered readably.
 */
export function createSlackThreadReader(options: SlackThreadReaderOptions): ThreadHistoryReader {
  const maxMessages = options.maxMessages ?? 50;
  const maxChars = options.maxChars ?? 12_000;
  const maxMessageChars = options.maxMessageChars ?? 2_000;
  const pageSize = options.pageSize ?? 200;
  const maxPages = options.maxPages ?? 2;

  async function readPages(channel: string, threadTs: string, beforeTs: string): Promise<{ replies: SlackReply[]; unread: boolean }> {
    const replies: SlackReply[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      let result: RepliesPage;
      try {
        result = await callSlack<RepliesPage>(
          options.client,
          'conversations.replies',
          { channel, ts: threadTs, latest: beforeTs, inclusive: false, limit: pageSize, ...(cursor ? { cursor } : {}) },
          { logger: options.logger, maxAttempts: 1 },
        );
      } catch (error) {
        if (page === 0) throw error;
        options.logger.info({ page }, 'stopped reading thread history early');
        return { replies, unread: true };
      }
      replies.push(...(result.messages ?? []));
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) return { replies, unread: false };
    }
    return { replies, unread: true };
  }

  return {
    async readEarlierMessages(key, beforeTs) {
      const { replies, unread } = await readPages(key.channelId, key.threadTs, beforeTs);
      if (unread) options.logger.info({ read: replies.length }, 'thread is longer than the seeding bound; later pages not read');
      const spoken: EarlierThreadMessage[] = [];
      for (const reply of replies) {
        if (!reply.ts || !isBefore(reply.ts, beforeTs) || !spokenSubtypes.has(reply.subtype)) continue;
        const text = renderSlackMarkup(reply.text ?? '');
        const files = toSharedFiles((reply as { files?: unknown[] }).files);
        if (text === '' && files.length === 0) continue;
        const isBot = reply.bot_id !== undefined || reply.subtype === 'bot_message';
        const authorName = isBot && reply.username ? { authorName: reply.username } : {};
        spoken.push({ authorId: reply.user ?? reply.bot_id ?? 'unknown', isBot, ...authorName, text: cut(text, maxMessageChars), ts: reply.ts, ...(files.length > 0 ? { files } : {}) });
      }
      const head = spoken[0]?.ts === key.threadTs ? spoken.slice(0, 1) : [];
      let chars = head.reduce((sum, message) => sum + message.text.length, 0);
      const recent: EarlierThreadMessage[] = [];
      for (let index = spoken.length - 1; index >= head.length; index -= 1) {
        const message = spoken[index] as EarlierThreadMessage;
        if (head.length + recent.length >= maxMessages || chars + message.text.length > maxChars) break;
        recent.unshift(message);
        chars += message.text.length;
      }
      const messages = [...head, ...recent];
      return { messages, omittedCount: spoken.length - messages.length };
    },
  };
}
