import { createRedisConversationStore } from '../../../src/adapters/redis/redis-conversation-store.js';
import type { StoredTurn } from '../../../src/core/thread/thread-state.js';
import type { FakeAnthropicRequest } from '../../fakes/fake-anthropic-api.js';
import type { FakeSlackApi, VisibleMessage } from '../../fakes/fake-slack-api.js';
import { postSlashCommand } from '../../fakes/sign-slack-request.js';
import type { RedisTestContext } from '../../helpers/redis-test-prefix.js';
import type { CrewHarness } from '../crew-harness.js';

/** The bot's messages in a thread (root excluded), oldest first. */
export function botMessagesIn(slack: FakeSlackApi, channel: string, threadTs: string): VisibleMessage[] {
  return slack.messagesIn(channel, threadTs).filter((message) => message.isBot && message.ts !== threadTs);
}

/** Waits until the thread shows at least `count` bot messages and none is still streaming. */
export function waitForSettledReplies(slack: FakeSlackApi, channel: string, threadTs: string, count = 1, timeoutMs = 8000): Promise<VisibleMessage[]> {
  return slack.waitFor(
    () => {
      const replies = botMessagesIn(slack, channel, threadTs);
      return replies.length >= count && replies.every((message) => !message.isStreaming) ? replies : undefined;
    },
    { timeoutMs },
  );
}

/** The thread's stored history, read through a store on the crew's Redis prefix. */
export async function storedTurnsOf(redis: RedisTestContext, channelId: string, threadTs: string, teamId = 'T111'): Promise<StoredTurn[]> {
  const store = createRedisConversationStore({ redis: redis.redis, keyPrefix: redis.prefix });
  return (await store.getThread({ teamId, channelId, threadTs }))?.turns ?? [];
}

/** Roles and texts of a model request's messages. */
export function messagesOf(request: FakeAnthropicRequest | undefined): Array<{ role: string; text: string }> {
  const body = request?.body as { messages?: Array<{ role: string; content: string | Array<{ text: string }> }> } | undefined;
  return (body?.messages ?? []).map((message) => ({
    role: message.role,
    text: typeof message.content === 'string' ? message.content : message.content.map((block) => block.text).join(''),
  }));
}

/** True when roles alternate user/assistant starting (and ending) with user. */
export function alternatesFromUser(messages: Array<{ role: string }>): boolean {
  return messages.length % 2 === 1 && messages.every((message, index) => message.role === (index % 2 === 0 ? 'user' : 'assistant'));
}

/** The Retry button on a message, if any. */
export function retryButtonOf(message: VisibleMessage | undefined): { action_id: string; value: string } | undefined {
  for (const block of (message?.blocks ?? []) as Array<{ type?: string; elements?: Array<{ action_id?: string; value?: string }> }>) {
    if (block.type !== 'actions') continue;
    const button = block.elements?.find((element) => element.action_id === 'crew_retry');
    if (button?.action_id && button.value) return { action_id: button.action_id, value: button.value };
  }
  return undefined;
}

let pressCounter = 0;

/**
 * Presses a button as Slack reports it: a signed `block_actions` interactivity payload
 * (form body `payload=<json>`) POSTed to /slack/events.
 */
export async function pressButton(
  harness: CrewHarness,
  press: { channel: string; threadTs: string; messageTs: string; button: { action_id: string; value: string }; user?: string },
): Promise<{ status: number; body: string }> {
  pressCounter += 1;
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(100_000 + pressCounter).padStart(6, '0')}`;
  const payload = {
    type: 'block_actions',
    user: { id: press.user ?? 'U222', username: 'asker', name: 'asker', team_id: 'T111' },
    api_app_id: 'A111',
    token: 'verification-token',
    container: { type: 'message', message_ts: press.messageTs, channel_id: press.channel, is_ephemeral: false, thread_ts: press.threadTs },
    trigger_id: `trigger-${actionTs}`,
    team: { id: 'T111', domain: 'fake-team' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: press.channel, name: press.channel.toLowerCase() },
    message: { type: 'message', user: 'UBOT', ts: press.messageTs, thread_ts: press.threadTs, text: '' },
    response_url: harness.slack.responseUrl(`press-${pressCounter}`),
    actions: [
      {
        action_id: press.button.action_id,
        block_id: 'crew_retry',
        text: { type: 'plain_text', text: '🔁 Retry', emoji: true },
        value: press.button.value,
        type: 'button',
        action_ts: actionTs,
      },
    ],
  };
  const response = await postSlashCommand(harness.eventsUrl, { payload: JSON.stringify(payload) }, { signingSecret: harness.signingSecret });
  return { status: response.status, body: response.body };
}

/** JSON log lines at error level whose message contains `text`. */
export function errorLogs(harness: CrewHarness, text: string): Array<Record<string, unknown>> {
  return harness.logs.filter((line) => (line.level === 'error' || line.level === 50) && String(line.msg).includes(text));
}

/**
 * Waits for a turn's last log line ("turn answered" / "turn did not complete"), written after
 * its exchange was stored. `turnId` is the job id (`<channel>-<message ts>` for mentions), or a
 * predicate on it.
 */
export function waitForTurnEnd(harness: CrewHarness, turnId: string | ((id: string) => boolean)): Promise<Record<string, unknown>> {
  const matches = typeof turnId === 'string' ? (id: string) => id === turnId : turnId;
  return harness.slack.waitFor(() =>
    harness.logs.find(
      (line) => (line.msg === 'turn answered' || line.msg === 'turn did not complete') && typeof line.turnId === 'string' && matches(line.turnId),
    ),
  );
}
