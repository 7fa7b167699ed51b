import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botMessagesIn, storedTurnsOf, waitForSettledReplies, waitForTurnEnd } from '../faults-model/thread-helpers.js';

// Issue 3, point 10: Slack answers `ratelimited` mid-answer.
const harness = useCrewHarness();

function paragraphs(count: number, label: string): string {
  return Array.from({ length: count }, (_, index) => `${label} paragraph ${index + 1}: keep writes idempotent and reads cheap.`).join('\n\n');
}

describe('when Slack rate-limits an answer', () => {
  it('waits Retry-After without losing text, while another thread streams on unhindered', async () => {
    const slowText = paragraphs(16, 'Slow');
    harness.anthropic.enqueueReply({ text: slowText, tokensPerSecond: 500 });
    const slow = buildMentionEvent({ text: 'the slow one' });
    await harness.postEvent(slow);
    const slowStart = await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream').find((call) => call.args.thread_ts === slow.event.ts));
    const slowTs = slowStart.response.ts as string;

    // The slow answer's next append is rate-limited for 1 s.
    harness.slack.failNext('chat.appendStream', { rateLimitedSeconds: 1 });
    const limited = await harness.slack.waitFor(() => harness.slack.callsTo('chat.appendStream').find((call) => call.httpStatus === 429));
    expect(limited.args.ts).toBe(slowTs);

    // Meanwhile another thread asks and gets its whole answer.
    harness.anthropic.enqueueReply({ text: 'Quick answer in another thread.' });
    const quick = buildMentionEvent({ text: 'the quick one' });
    await harness.postEvent(quick);
    const [quickAnswer] = await waitForSettledReplies(harness.slack, 'C111', quick.event.ts);
    expect(quickAnswer?.text).toBe('Quick answer in another thread.');
    expect(botMessagesIn(harness.slack, 'C111', slow.event.ts).some((message) => message.isStreaming)).toBe(true);

    const slowMessages = await waitForSettledReplies(harness.slack, 'C111', slow.event.ts);
    expect(slowMessages.map((message) => message.text).join('')).toBe(slowText);

    const slowCalls = harness.slack.calls.filter((call) => call.args.ts === slowTs && call.method.startsWith('chat.'));
    const afterLimit = slowCalls.find((call) => call.at > limited.at);
    expect(afterLimit).toBeDefined();
    expect(afterLimit!.at - limited.at).toBeGreaterThanOrEqual(1000);
    const quickStop = harness.slack.callsTo('chat.stopStream').find((call) => call.args.ts === quickAnswer?.ts);
    const slowStop = harness.slack.callsTo('chat.stopStream').find((call) => call.args.ts === slowTs);
    expect(quickStop!.at).toBeLessThan(slowStop!.at);

    await waitForTurnEnd(harness, `C111-${slow.event.ts}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', slow.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: slowText }], status: 'complete' });
  });
});
