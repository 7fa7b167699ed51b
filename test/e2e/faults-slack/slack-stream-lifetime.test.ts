import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApiOptions } from '../../fakes/fake-slack-api.js';
import { createRedisTestContext } from '../../helpers/redis-test-prefix.js';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botMessagesIn, storedTurnsOf, waitForTurnEnd } from '../faults-model/thread-helpers.js';

// Issue 3, point 11: streams that expire, proactive rotation, and the Stop button.
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A crew on its own fakes (the fake Slack's stream lifetime is fixed when it starts). */
async function startCrew(slackOptions: FakeSlackApiOptions, env: Record<string, string> = {}): Promise<CrewHarness> {
  const slack = await startFakeSlackApi(slackOptions);
  const anthropic = await startFakeAnthropicApi();
  const redis = await createRedisTestContext('e2e-stream');
  const harness = await startCrewHarness({ env, shared: { slack, anthropic, redis } });
  cleanups.push(async () => {
    await harness.close();
    await slack.close();
    await anthropic.close();
    await redis.cleanup();
  });
  return harness;
}

/** Short paragraphs, so a clean break is never far away. */
function shortParagraphs(count: number): string {
  return Array.from({ length: count }, (_, index) => `Step ${index + 1}: keep it simple.`).join('\n\n');
}

function expiredCalls(harness: CrewHarness) {
  return harness.slack.calls.filter((call) => call.response.error === 'message_not_in_streaming_state');
}

describe('long-lived answers in Slack', () => {
  it('continues in a new message in the same thread when Slack expires the stream, with no text lost', async () => {
    const harness = await startCrew({ streamLifetimeMs: 300 });
    const text = shortParagraphs(40);
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 250 });
    const event = buildMentionEvent({ text: 'walk me through it' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const messages = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(expiredCalls(harness).length).toBeGreaterThan(0);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.every((message) => message.threadTs === event.event.ts && !message.isStreaming)).toBe(true);
    expect(messages.map((message) => message.text).join('')).toBe(text);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text }], status: 'complete' });
  });

  it('rotates to a new message before Slack would expire it (STREAM_ROTATE_AFTER_MS), at paragraph breaks', async () => {
    const harness = await startCrew({}, { STREAM_ROTATE_AFTER_MS: '200' });
    const text = shortParagraphs(40);
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 250 });
    const event = buildMentionEvent({ text: 'walk me through it slowly' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const messages = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(expiredCalls(harness)).toHaveLength(0);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.map((message) => message.text).join('')).toBe(text);
    for (const message of messages.slice(0, -1)) expect(message.text.endsWith('\n\n')).toBe(true);
    // Each rotation is one stopStream plus one startStream; no stream was left open.
    expect(harness.slack.callsTo('chat.startStream')).toHaveLength(messages.length);
    expect(harness.slack.callsTo('chat.stopStream')).toHaveLength(messages.length);
  });

  it('stops generating when the person presses Stop, says so, and stores what they saw marked interrupted', async () => {
    const harness = await startCrew({});
    const text = shortParagraphs(150);
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 200 });
    const event = buildMentionEvent({ text: 'tell me everything' });
    await harness.postEvent(event);
    const start = await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream')[0]);
    const streamTs = start.response.ts as string;
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.appendStream').length >= 2);
    harness.slack.pressStop(streamTs);

    const request = await harness.slack.waitFor(() => (harness.anthropic.requests[0]?.outcome === 'client_aborted' ? harness.anthropic.requests[0] : undefined));
    expect((request.text ?? '').length).toBeLessThan(text.length);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const [stopped, notice, ...others] = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(others).toHaveLength(0);
    expect(stopped?.ts).toBe(streamTs);
    expect(text.startsWith(stopped!.text)).toBe(true);
    expect(notice?.text).toBe('⏹️ _Stopped — the answer above is incomplete._');
    // Nothing was appended to the stopped message after the refusal.
    const refused = harness.slack.calls.filter((call) => call.response.error === 'stopped_by_user');
    expect(refused).toHaveLength(1);

    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: stopped!.text }], status: 'interrupted' });
  });
});
