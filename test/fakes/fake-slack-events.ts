import type { SlackIdentity } from './fake-slack-args.js';
import type { FakeSlackThreads } from './fake-slack-threads.js';

/** Message subtypes that still show a person's message. */
const VISIBLE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

/**
 * Records the person's message an Events API `event_callback` describes (`app_mention` or a
 * `message` without a hidden subtype), so it exists for `conversations.replies`, `reactions.add`
 * and `messagesIn` like it would in Slack. The bot's own messages and unknown shapes are ignored.
 */
export function ingestSlackEvent(threads: FakeSlackThreads, identity: SlackIdentity, eventCallback: unknown): void {
  const event = (eventCallback as { event?: Record<string, unknown> } | undefined)?.event;
  if (!event || (event['type'] !== 'message' && event['type'] !== 'app_mention')) return;
  const subtype = typeof event['subtype'] === 'string' ? event['subtype'] : undefined;
  if (!VISIBLE_SUBTYPES.has(subtype)) return;
  const { channel, ts, text, user, thread_ts: threadTs, bot_id: botId } = event;
  if (typeof channel !== 'string' || typeof ts !== 'string') return;
  if (botId === identity.botId || user === identity.botUserId) return;
  threads.seed(channel, {
    ts,
    text: typeof text === 'string' ? text : '',
    ...(typeof user === 'string' ? { user } : {}),
    ...(typeof threadTs === 'string' ? { threadTs } : {}),
    ...(typeof botId === 'string' ? { botId } : {}),
    ...(Array.isArray(event['blocks']) ? { blocks: event['blocks'] } : {}),
  });
}
