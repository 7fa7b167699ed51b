import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import { botRepliesIn, messageTextsOf, requestsAsking, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 3, point 2: turns in one thread run one at a time, in arrival order. Lock expiry and
// renewal are covered by the queue's own tests (test/adapters/redis-turn-queue.test.ts:
// "renews the lock so a job longer than the lock ttl stays exclusive", "aborts the runner when
// the lock is lost, leaving the job to the new holder", "re-runs the job of a crashed replica").

const harness = useCrewHarness({ env: { LOG_LEVEL: 'info' } });

describe('ordered turns per thread', () => {
  it('queues follow-ups sent while an answer streams, tells the asker, and answers them in order with the history', async () => {
    const slowAnswer = 'Model refunds as their own aggregate, linked to the original payment. '.repeat(4).trim();
    harness.anthropic.enqueueReply({ text: slowAnswer, tokensPerSecond: 60 });
    harness.anthropic.enqueueReply({ text: 'Yes: one refund row per partial refund.' });
    harness.anthropic.enqueueReply({ text: 'Reverse them through the same ledger.' });
    const first = buildMentionEvent({ text: 'how should we model refunds?' });
    await harness.postEvent(first);
    // The first answer is visibly streaming…
    await harness.slack.waitFor(() => botRepliesIn(harness.slack, 'C111', first.event.ts).some((message) => message.isStreaming && message.text !== ''));

    // …when two follow-ups arrive: a plain reply and a mention from someone else.
    const second = buildMessageEvent({ channelType: 'channel', text: 'partial refunds too?', threadTs: first.event.ts });
    const third = buildMentionEvent({ text: 'and chargebacks?', threadTs: first.event.ts, user: 'U333' });
    expect((await harness.postEvent(second)).status).toBe(200);
    expect((await harness.postEvent(third)).status).toBe(200);

    const queuedNotes = await harness.slack.waitFor(() => {
      const notes = [...harness.slack.ephemeralsFor('U222'), ...harness.slack.ephemeralsFor('U333')];
      return notes.length >= 2 ? notes : undefined;
    });
    expect(queuedNotes.find((note) => note.user === 'U222')?.text).toContain("Queued — I'll answer this right after the answer in progress");
    expect(queuedNotes.find((note) => note.user === 'U333')?.text).toContain("Queued — I'll answer this right after the 2 questions ahead of it");
    expect(queuedNotes.every((note) => note.threadTs === first.event.ts)).toBe(true);
    // Still only one model request while the first answer streams.
    expect(harness.anthropic.requests).toHaveLength(1);

    const replies = await waitForFinishedReplies(harness.slack, 'C111', first.event.ts, 3, 15_000);
    expect(replies.map((message) => message.text)).toEqual([slowAnswer, 'Yes: one refund row per partial refund.', 'Reverse them through the same ledger.']);

    // Each follow-up started only after the previous answer was complete, and saw it in its history.
    const [firstRequest, secondRequest, thirdRequest] = harness.anthropic.requests;
    expect(secondRequest!.receivedAt).toBeGreaterThanOrEqual(firstRequest!.completedAt!);
    expect(thirdRequest!.receivedAt).toBeGreaterThanOrEqual(secondRequest!.completedAt!);
    expect(messageTextsOf(requestsAsking(harness.anthropic, 'partial refunds too?')[0])).toEqual([
      'how should we model refunds?',
      slowAnswer,
      'partial refunds too?',
    ]);
    // Asked by someone else, so it names its author (the fake's users.info names; see attribution.test.ts).
    const chargebacks = '[message from u333 (U333); earlier messages without this header came from u222 (U222)]\nand chargebacks?';
    expect(messageTextsOf(requestsAsking(harness.anthropic, chargebacks)[0])).toEqual([
      'how should we model refunds?',
      slowAnswer,
      'partial refunds too?',
      'Yes: one refund row per partial refund.',
      chargebacks,
    ]);
    const stored = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: first.event.ts }, 6);
    expect(stored.map((turn) => `${turn.role}:${turn.status ?? ''}`)).toEqual([
      'user:',
      'assistant:complete',
      'user:',
      'assistant:complete',
      'user:',
      'assistant:complete',
    ]);
  });

  it('runs different threads side by side: a slow answer in one thread does not hold up another', async () => {
    harness.anthropic.enqueueReply({ text: 'A long and slow answer about sagas. '.repeat(6), tokensPerSecond: 40 });
    const slow = buildMentionEvent({ text: 'explain sagas' });
    await harness.postEvent(slow);
    await harness.slack.waitFor(() => botRepliesIn(harness.slack, 'C111', slow.event.ts).some((message) => message.isStreaming));

    harness.anthropic.enqueueReply({ text: 'Quick one: use UUIDv7.' });
    const quick = buildMentionEvent({ text: 'which id format?', channel: 'C222' });
    await harness.postEvent(quick);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C222', quick.event.ts);
    expect(answer?.text).toBe('Quick one: use UUIDv7.');
    // The other thread is still streaming, and nobody was told to wait.
    expect(botRepliesIn(harness.slack, 'C111', slow.event.ts).some((message) => message.isStreaming)).toBe(true);
    expect(harness.slack.ephemeralsFor('U222')).toHaveLength(0);
    await waitForFinishedReplies(harness.slack, 'C111', slow.event.ts, 1, 15_000);
  });
});
