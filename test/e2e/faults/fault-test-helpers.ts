import { createRedisConversationStore } from '../../../src/adapters/redis/redis-conversation-store.js';
import type { StoredTurn } from '../../../src/core/thread/thread-state.js';
import type { FakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import type { FakeSlackApi, VisibleMessage } from '../../fakes/fake-slack-api.js';
import { postSlackEvent, type SlackPostResult } from '../../fakes/sign-slack-request.js';
import { testRedisUrl, type RedisTestContext } from '../../helpers/redis-test-prefix.js';

/** The bot's replies in a thread (root excluded), oldest first. */
export function botRepliesIn(slack: FakeSlackApi, channel: string, threadTs: string): VisibleMessage[] {
  return slack.messagesIn(channel, threadTs).filter((message) => message.isBot && message.ts !== threadTs);
}

/** Waits until the thread has at least `count` bot replies and none is still streaming; returns them. */
export function waitForFinishedReplies(slack: FakeSlackApi, channel: string, threadTs: string, count = 1, timeoutMs = 8000): Promise<VisibleMessage[]> {
  return slack.waitFor(
    () => {
      const replies = botRepliesIn(slack, channel, threadTs);
      return replies.length >= count && replies.every((message) => !message.isStreaming) ? replies : undefined;
    },
    { timeoutMs },
  );
}

/** The `user`/`assistant` texts of one model request, in order. */
export function messageTextsOf(request: { body: unknown } | undefined): string[] {
  const body = request?.body as { messages?: Array<{ content: string | Array<{ text: string }> }> } | undefined;
  return (body?.messages ?? []).map((message) =>
    typeof message.content === 'string' ? message.content : message.content.map((block) => block.text).join(''),
  );
}

/** Model requests whose last user message is exactly `question`. */
export function requestsAsking(anthropic: FakeAnthropicApi, question: string) {
  return anthropic.requests.filter((request) => messageTextsOf(request).at(-1) === question);
}

/** The thread's stored history, read straight from Redis under the test's prefix. */
export async function storedTurns(redis: RedisTestContext, thread: { teamId?: string; channelId: string; threadTs: string }): Promise<StoredTurn[]> {
  const store = createRedisConversationStore({ redis: redis.redis, keyPrefix: redis.prefix });
  const state = await store.getThread({ teamId: thread.teamId ?? 'T111', channelId: thread.channelId, threadTs: thread.threadTs });
  return state?.turns ?? [];
}

/**
 * Waits until the thread's stored history has at least `count` turns (an answer is visible in
 * Slack a moment before it is stored) and returns it.
 */
export async function waitForStoredTurns(
  redis: RedisTestContext,
  thread: { teamId?: string; channelId: string; threadTs: string },
  count: number,
  timeoutMs = 8000,
): Promise<StoredTurn[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const turns = await storedTurns(redis, thread);
    if (turns.length >= count) return turns;
    if (Date.now() > deadline) throw new Error(`expected ${count} stored turns, found ${turns.length}: ${JSON.stringify(turns)}`);
    await settle(20);
  }
}

/** Lets in-flight work that should NOT happen get a chance to show up before asserting its absence. */
export function settle(ms = 200): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Text that looks like an internal error: a stack line or an `Error:` prefix. */
export const internalErrorPattern = /(^|\n)\s*at .+:\d+|\bError:|\bTypeError\b|ECONNREFUSED|node_modules/;

/** Signing secret the test crews (in-process and child processes) verify requests with. */
export const testSigningSecret = 'test-signing-secret';

/** Environment for a crew child process wired to the fakes and the test's Redis prefix. */
export function crewProcessEnv(
  fakes: { slack: FakeSlackApi; anthropic: FakeAnthropicApi; redis: Pick<RedisTestContext, 'prefix'> },
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: fakes.slack.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: fakes.anthropic.url,
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: fakes.redis.prefix,
    AGENTS_DIR: 'agents',
    LOG_LEVEL: 'info',
    STREAM_FLUSH_INTERVAL_MS: '40',
    MODEL_RETRY_BUDGET_MS: '3000',
    ...overrides,
  };
}

/** Posts a signed event callback to a crew at `origin`, as Slack does (and records the person's message in the fake). */
export function postEventTo(origin: string, slack: FakeSlackApi, body: unknown, options: { retryNum?: number } = {}): Promise<SlackPostResult> {
  slack.ingestEvent(body);
  return postSlackEvent(`${origin}/slack/events`, body, { signingSecret: testSigningSecret, ...options });
}
