import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi } from '../../fakes/fake-slack-api.js';
import { createRedisTestContext } from '../../helpers/redis-test-prefix.js';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botMessagesIn } from '../faults-model/thread-helpers.js';

// Issue 13, point 5: Slack's per-workspace quotas are a budget the whole fleet shares. The fake
// Slack enforces a Tier 4-style limit on chat.appendStream; two replicas answer many questions at
// once and stay inside it, with every answer's text delivered in full.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const paragraph = (index: number) => `Answer ${index}: ${'shard the table by customer id and keep the hot keys apart. '.repeat(6)}`;

describe('pacing a fleet within Slack’s quotas', () => {
  it('keeps two replicas’ streams inside the workspace’s chat.appendStream limit: no ratelimited, no text lost', async () => {
    const slack = await startFakeSlackApi({ rateLimits: { 'chat.appendStream': { perMinute: 120, burst: 20 } } });
    const anthropic = await startFakeAnthropicApi();
    const redis = await createRedisTestContext('e2e-pacing');
    const env = { SLACK_STREAM_CALLS_PER_MINUTE: '100', STREAM_FLUSH_INTERVAL_MS: '40' };
    const first = await startCrewHarness({ env, shared: { slack, anthropic, redis } });
    const second = await startCrewHarness({ env, shared: { slack, anthropic, redis } });
    cleanups.push(async () => {
      await second.close();
      await first.close();
      await slack.close();
      await anthropic.close();
      await redis.cleanup();
    });

    const count = 16;
    const texts = Array.from({ length: count }, (_, index) => paragraph(index));
    const events = texts.map((_, index) => buildMentionEvent({ text: `question ${index}`, user: `U${700 + index}` }));
    // Replies are handed out in request order; each answer is told apart by its text's number.
    for (const text of texts) anthropic.enqueueReply({ text, tokensPerSecond: 150 });
    await Promise.all(events.map((event, index) => (index % 2 === 0 ? first : second).postEvent(event)));
    for (const event of events) {
      const turnId = `C111-${event.event.ts}`;
      await slack.waitFor(() => [first, second].some((replica) => replica.logs.some((line) => line.msg === 'turn answered' && line.turnId === turnId)), { timeoutMs: 60_000 });
    }

    expect(slack.rateLimits.refused.get('chat.appendStream') ?? 0).toBe(0);
    expect(slack.calls.filter((call) => call.response.error === 'ratelimited')).toHaveLength(0);
    // Every answer arrived whole (whichever reply it got).
    const shown = events.map((event) => botMessagesIn(slack, 'C111', event.event.ts).map((message) => message.text).join(''));
    expect([...shown].sort()).toEqual([...texts].sort());
    // The pacing worked for it: the burst was used, and updates on both replicas waited for slots.
    const waitedSeconds = async (replica: CrewHarness) => {
      const body = await (await fetch(`http://127.0.0.1:${replica.crew.port}/metrics`)).text();
      return Number(/crew_slack_budget_wait_seconds_sum\{method="chat.appendStream"\} ([\d.e+-]+)/.exec(body)?.[1] ?? 0);
    };
    expect(await waitedSeconds(first)).toBeGreaterThan(0);
    expect(await waitedSeconds(second)).toBeGreaterThan(0);
    expect(slack.rateLimits.accepted.get('chat.appendStream') ?? 0).toBeGreaterThanOrEqual(20);
  }, 90_000);
});
