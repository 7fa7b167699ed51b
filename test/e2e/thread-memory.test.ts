import { describe, expect, it } from 'vitest';
import type { FakeAnthropicRequest } from '../fakes/fake-anthropic-api.js';
import { startCrewHarness } from './crew-harness.js';
import { useCrewHarness } from './use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent, nextTs } from './slack-event-builders.js';

interface SentBlock {
  type: string;
  text: string;
  cache_control?: unknown;
}
interface SentBody {
  model: string;
  system: SentBlock[];
  messages: Array<{ role: string; content: SentBlock[] }>;
}

const harness = useCrewHarness({ env: { LOG_LEVEL: 'info' } });

/** Waits until the thread shows `count` finished bot answers. */
async function waitForAnswers(channel: string, threadTs: string, count: number): Promise<void> {
  await harness.slack.waitFor(() => {
    const bot = harness.slack.messagesIn(channel, threadTs).filter((message) => message.isBot && message.ts !== threadTs);
    return bot.length >= count && bot.every((message) => !message.isStreaming);
  });
}

/** Waits until the turn is fully done in Redis: exchange stored, job popped, thread lock released. */
async function waitForTurnSettled(exchanges: number): Promise<void> {
  const redis = harness.redis;
  if (!redis) throw new Error('this test needs Redis');
  const deadline = Date.now() + 5000;
  for (;;) {
    const keys = await redis.listKeys();
    const turnsKey = keys.find((key) => key.includes(':turns:{'));
    const stored = turnsKey ? await redis.redis.llen(turnsKey) : 0;
    const busy = keys.some((key) => key.includes(':lock:') || key.includes(':pending:'));
    if (stored >= exchanges * 2 && !busy) return;
    if (Date.now() > deadline) throw new Error(`turn did not settle: ${keys.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function bodyOf(request: FakeAnthropicRequest | undefined): SentBody {
  return request?.body as SentBody;
}

function firstUserText(request: FakeAnthropicRequest | undefined): string {
  return bodyOf(request).messages[0]?.content.map((block) => block.text).join('') ?? '';
}

/** The body with every `cache_control` marker removed: what identifies the prompt-cache prefix. */
function withoutCacheMarkers(body: SentBody): SentBody {
  const strip = (blocks: SentBlock[]) => blocks.map(({ type, text }) => ({ type, text }));
  return { model: body.model, system: strip(body.system), messages: body.messages.map((message) => ({ role: message.role, content: strip(message.content) })) };
}

function breakpointCount(body: SentBody): number {
  const blocks = [...body.system, ...body.messages.flatMap((message) => message.content)];
  return blocks.filter((block) => block.cache_control).length;
}

describe('thread memory: seeding from Slack once', () => {
  it('reads an existing human thread once when first called into it, and keeps that context for later turns', async () => {
    const rootTs = nextTs();
    harness.slack.setUser('U301', { displayName: 'Alice' });
    harness.slack.setUser('U302', { displayName: 'Bob' });
    harness.slack.seedThread('C111', rootTs, [
      { user: 'U301', text: 'Checkout p99 jumped to 2 s after <https://example.com/pr/42|PR 42>' },
      { user: 'U302', text: 'It is the new &lt;inventory&gt; call, I think' },
      { user: 'U301', text: 'We retry it 5 times…' },
    ]);

    harness.anthropic.enqueueReply({ text: 'Put a timeout and a circuit breaker on the inventory call.' });
    await harness.postEvent(buildMentionEvent({ text: 'what should we do?', threadTs: rootTs, user: 'U301' }));
    await waitForAnswers('C111', rootTs, 1);

    const seeded = firstUserText(harness.anthropic.requests[0]);
    expect(seeded).toContain('[Earlier messages in this thread');
    // Each earlier message quoted with its author's display name (users.info).
    const quoted = (author: string, text: string) => `<untrusted_material source="slack-message" author="${author}">\n${text}\n</untrusted_material>`;
    expect(seeded).toContain(quoted('Alice (U301)', 'Checkout p99 jumped to 2 s after PR 42 (https://example.com/pr/42)'));
    expect(seeded).toContain(quoted('Bob (U302)', 'It is the new <inventory> call, I think'));
    expect(seeded).toContain(quoted('Alice (U301)', 'We retry it 5 times…'));
    expect(seeded.endsWith('The question to you follows, from Alice (U301).]\n\nwhat should we do?')).toBe(true);

    harness.anthropic.enqueueReply({ text: 'Two retries with jitter at most.' });
    await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: 'how many retries then?', threadTs: rootTs, user: 'U302' }));
    await waitForAnswers('C111', rootTs, 2);
    harness.anthropic.enqueueReply({ text: 'Yes, 300 ms.' });
    await harness.postEvent(buildMentionEvent({ text: 'and a 300 ms timeout?', threadTs: rootTs, user: 'U303' }));
    await waitForAnswers('C111', rootTs, 3);

    // One read of Slack across three turns; the later turns carry the seeded context from Redis.
    expect(harness.slack.callsTo('conversations.replies')).toHaveLength(1);
    expect(harness.anthropic.requests).toHaveLength(3);
    expect(firstUserText(harness.anthropic.requests[2])).toBe(seeded);
  });

  it('does not read Slack at all for a thread the mention itself starts', async () => {
    harness.anthropic.enqueueReply({ text: 'Use an outbox.' });
    const mention = buildMentionEvent({ text: 'how do we publish events reliably?', user: 'U311' });
    await harness.postEvent(mention);
    await waitForAnswers('C111', mention.event.ts, 1);
    harness.anthropic.enqueueReply({ text: 'Poll it every second.' });
    await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: 'and the relay?', threadTs: mention.event.ts, user: 'U312' }));
    await waitForAnswers('C111', mention.event.ts, 2);

    expect(harness.slack.callsTo('conversations.replies')).toHaveLength(0);
    expect(firstUserText(harness.anthropic.requests[1])).toBe('how do we publish events reliably?');
  });
});

describe('thread memory: prompt caching across turns', () => {
  it('sends each turn’s request as the exact prefix of the next, with ≤ 4 breakpoints, and the fake reports cache reads from turn 2', async () => {
    const mention = buildMentionEvent({ text: 'design a rate limiter for our public API', user: 'U320' });
    const threadTs = mention.event.ts;
    harness.anthropic.enqueueReply({ tokens: 300 });
    await harness.postEvent(mention);
    await waitForAnswers('C111', threadTs, 1);
    for (let turn = 2; turn <= 4; turn += 1) {
      harness.anthropic.enqueueReply({ tokens: 300 });
      await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: `follow-up ${turn}: what about burst traffic?`, threadTs, user: `U32${turn}` }));
      await waitForAnswers('C111', threadTs, turn);
    }

    const requests = harness.anthropic.requests;
    expect(requests).toHaveLength(4);
    for (const request of requests) expect(breakpointCount(bodyOf(request))).toBeLessThanOrEqual(4);
    for (let turn = 1; turn < requests.length; turn += 1) {
      const previous = withoutCacheMarkers(bodyOf(requests[turn - 1]));
      const next = withoutCacheMarkers(bodyOf(requests[turn]));
      // Byte-identical up to the previous request's last breakpoint (its last message).
      expect(JSON.stringify({ ...next, messages: next.messages.slice(0, previous.messages.length) })).toBe(JSON.stringify(previous));

      const previousUsage = requests[turn - 1]?.usage;
      const usage = requests[turn]?.usage;
      const previousTotal = (previousUsage?.input_tokens ?? 0) + (previousUsage?.cache_creation_input_tokens ?? 0) + (previousUsage?.cache_read_input_tokens ?? 0);
      // The whole previous request is read from the cache; only the new exchange is written.
      expect(usage?.cache_read_input_tokens).toBe(previousTotal);
    }
  });
});

describe('thread memory: storage', () => {
  it('gives every key an expiry after a full turn (the queue stream, capped by MAXLEN, excepted)', async () => {
    const redis = harness.redis;
    if (!redis) throw new Error('this test needs Redis');
    harness.anthropic.enqueueReply({ text: 'Keep it in one region first.' });
    const mention = buildMentionEvent({ text: 'multi-region?', user: 'U330' });
    await harness.postEvent(mention);
    await waitForAnswers('C111', mention.event.ts, 1);
    await waitForTurnSettled(1);

    const keys = await redis.listKeys();
    expect(keys.some((key) => key.includes(':thread:{'))).toBe(true);
    expect(keys.some((key) => key.includes(':turns:{'))).toBe(true);
    expect(keys.some((key) => key.includes(':seen:'))).toBe(true);
    // The wake-up streams (one per queue shard) are bounded by length (MAXLEN), not by time.
    const streamKeys = keys.filter((key) => key.startsWith(`${redis.prefix}turn-stream:{q`));
    const withoutExpiry: string[] = [];
    for (const key of keys) {
      if (streamKeys.includes(key)) continue;
      const ttl = await redis.redis.pttl(key);
      if (!(ttl > 0)) withoutExpiry.push(`${key} (${ttl})`);
    }
    expect(withoutExpiry).toEqual([]);
    expect(streamKeys.length).toBeGreaterThan(0);
    for (const streamKey of streamKeys) expect(await redis.redis.type(streamKey)).toBe('stream');
  });
});

describe('thread memory: token budget', () => {
  it('fits a long thread to HISTORY_TOKEN_BUDGET: keeps the first question and the latest turns, and says what was left out', async () => {
    const small = await startCrewHarness({ env: { LOG_LEVEL: 'info', HISTORY_TOKEN_BUDGET: '2600' } });
    try {
      const mention = buildMentionEvent({ text: 'first question: how do we split the monolith?', user: 'U340' });
      const threadTs = mention.event.ts;
      small.anthropic.enqueueReply({ tokens: 150 });
      await small.postEvent(mention);
      const waitAnswers = (count: number) =>
        small.slack.waitFor(() => {
          const bot = small.slack.messagesIn('C111', threadTs).filter((message) => message.isBot && message.ts !== threadTs);
          return bot.length >= count && bot.every((message) => !message.isStreaming);
        });
      await waitAnswers(1);
      for (let turn = 2; turn <= 10; turn += 1) {
        small.anthropic.enqueueReply({ tokens: 150 });
        await small.postEvent(buildMessageEvent({ channelType: 'channel', text: `follow-up ${turn}: and then?`, threadTs, user: `U34${turn}` }));
        await waitAnswers(turn);
      }

      const last = bodyOf(small.anthropic.requests.at(-1));
      const userTexts = last.messages.filter((message) => message.role === 'user').map((message) => message.content.map((block) => block.text).join(''));
      expect(userTexts[0]).toBe('first question: how do we split the monolith?');
      expect(userTexts.filter((text) => text.includes('were left out to fit the context budget'))).toHaveLength(1);
      expect(userTexts.some((text) => text.includes('follow-up 2:'))).toBe(false);
      expect(userTexts.at(-2)).toContain('follow-up 9:');
      // Several people asked: the latest question names its author (see attribution.test.ts).
      expect(userTexts.at(-1)).toBe('[message from u3410 (U3410)]\nfollow-up 10: and then?');
      const usage = small.anthropic.requests.at(-1)?.usage;
      expect((usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0)).toBeLessThanOrEqual(2600);
      expect(small.logs.some((line) => line.msg === 'history trimmed to budget')).toBe(true);
    } finally {
      await small.close();
    }
  });
});
