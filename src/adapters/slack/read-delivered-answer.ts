import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { ReplyTarget } from '../../core/reply/ports.js';
import { carriesFeedbackOf } from './feedback-buttons.js';
import { callSlack } from './slack-call.js';

/** A page of `conversations.replies`, with the fields the recovery reads. */
export interface RepliesPage {
  messages?: Array<{ ts?: string; text?: string; bot_id?: string; blocks?: Array<{ block_id?: string }> }>;
}

/**
 * Reads an earlier attempt's answer messages back from the thread (one `conversations.replies`
 * call bounded to their ts, no retry: this runs only when a job is re-run after a crash) and
 * returns their text when the answer finished: its last message carries the feedback block of
 * this very turn (`crew_feedback:<turnId>`), which only the closing `chat.stopStream` (or final
 * update) of a complete answer adds. Text comes back as Slack shows it (mrkdwn). Undefined when
 * any message is missing or the answer did not finish.
 */
export async function readDeliveredAnswer(client: WebClient, logger: Logger, target: ReplyTarget, messageTs: readonly string[]): Promise<string | undefined> {
  if (!target.turnId || messageTs.length === 0) return undefined;
  // Slack ts sort as text once their seconds have the same width (they do until the year 2286).
  const sorted = [...messageTs].sort((a, b) => (a.length === b.length ? a.localeCompare(b) : a.length - b.length));
  const page = await callSlack<RepliesPage>(
    client,
    'conversations.replies',
    { channel: target.channelId, ts: target.threadTs, oldest: sorted[0], latest: sorted.at(-1), inclusive: true, limit: Math.min(sorted.length + 1, 200) },
    { logger, maxAttempts: 1 },
  );
  const byTs = new Map((page.messages ?? []).map((message) => [message.ts, message]));
  const messages = sorted.map((ts) => byTs.get(ts));
  if (messages.some((message) => message === undefined)) return undefined;
  const last = messages.at(-1);
  if (last === undefined || !carriesFeedbackOf(last, target.turnId)) return undefined;
  return messages.map((message) => message?.text ?? '').join('\n\n');
}
