import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { ReplyTarget, UnrecordedReply } from '../../core/reply/ports.js';
import { carriesFeedbackOf } from './feedback-buttons.js';
import type { RepliesPage } from './read-delivered-answer.js';
import { readSlackError } from './read-slack-error.js';
import { sanitizeOutboundMarkdown } from './sanitize-outbound-text.js';
import { callSlack } from './slack-call.js';

/** Bot messages looked at after the question: a thread's recent answers, never a whole history. */
const MAX_CANDIDATES = 20;

/** The note a half-written answer ends with. */
export const cutOffNotice = '⚠️ _This answer was cut off by a restart. A complete answer follows below._';

/**
 * A crashed attempt can die between Slack creating its answer's message and the job recording
 * the ts. Its re-run looks at the bot messages in the thread after the question (one
 * `conversations.replies`, no retry — Slack limits it hard, and this runs only on such re-runs):
 * one carrying this turn's feedback block is the answer, delivered in full (its text is returned);
 * every other one is offered the cut-off note with `chat.stopStream`, which only a message still
 * streaming accepts — earlier answers, already closed, refuse it and stay as they are (no note is
 * posted for them). Same-thread turns run one at a time, so nothing else streams there meanwhile.
 */
export async function recoverUnrecordedReply(client: WebClient, logger: Logger, target: ReplyTarget, afterTs: string): Promise<UnrecordedReply> {
  const page = await callSlack<RepliesPage>(
    client,
    'conversations.replies',
    { channel: target.channelId, ts: target.threadTs, oldest: afterTs, inclusive: false, limit: 100 },
    { logger, maxAttempts: 1 },
  );
  const candidates = (page.messages ?? []).filter((message) => message.bot_id !== undefined && message.ts !== undefined && message.ts !== target.threadTs).slice(-MAX_CANDIDATES);
  const { turnId } = target;
  const delivered = turnId === undefined ? undefined : candidates.find((message) => carriesFeedbackOf(message, turnId));
  if (delivered) return { deliveredText: delivered.text ?? '', marked: 0 };
  let marked = 0;
  for (const message of candidates) {
    try {
      await callSlack(client, 'chat.stopStream', { channel: target.channelId, ts: message.ts, markdown_text: sanitizeOutboundMarkdown(`\n\n${cutOffNotice}`) }, { logger, maxAttempts: 1 });
      marked += 1;
      logger.info({ messageTs: message.ts }, 'marked a half-written answer whose ts was never recorded');
    } catch (error) {
      // Not streaming (an earlier, finished answer) or not ours: left as it is.
      logger.debug({ code: readSlackError(error).code, messageTs: message.ts }, 'earlier message is not a half-written answer');
    }
  }
  return { marked };
}
