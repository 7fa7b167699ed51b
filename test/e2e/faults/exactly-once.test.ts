import { textOf } from '../../../src/core/model/content-block.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildCrewCommand, buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import { botRepliesIn, requestsAsking, settle, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 3, point 1: exactly one answer per question, whatever Slack and the deployment do.

let replicaA: CrewHarness;
let replicaB: CrewHarness;

beforeAll(async () => {
  replicaA = await startCrewHarness({ env: { LOG_LEVEL: 'info' } });
  // A second replica: its own process-equivalent, the same fakes and the same Redis prefix.
  replicaB = await replicaA.restart();
});
afterAll(async () => {
  await replicaB.close();
  await replicaA.close();
});
beforeEach(() => {
  replicaA.slack.reset();
  replicaA.anthropic.reset();
});

describe('exactly one answer per question', () => {
  it('answers once when Slack retries the same event (x-slack-retry-num, same event_id), also after the answer', async () => {
    replicaA.anthropic.enqueueReply({ text: 'Use an outbox table.', tokensPerSecond: 400 });
    const event = buildMentionEvent({ text: 'how do we publish events reliably?' });
    const responses = await Promise.all([
      replicaA.postEvent(event),
      replicaA.postEvent(event, { retryNum: 1 }),
      replicaA.postEvent(event, { retryNum: 2 }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const [answer] = await waitForFinishedReplies(replicaA.slack, 'C111', event.event.ts);
    // Slack's last retry comes minutes later, long after the answer.
    expect((await replicaA.postEvent(event, { retryNum: 3 })).status).toBe(200);
    await settle();

    expect(answer?.text).toBe('Use an outbox table.');
    expect(botRepliesIn(replicaA.slack, 'C111', event.event.ts)).toHaveLength(1);
    expect(replicaA.slack.callsTo('chat.startStream')).toHaveLength(1);
    expect(requestsAsking(replicaA.anthropic, 'how do we publish events reliably?')).toHaveLength(1);
    const stored = await waitForStoredTurns(replicaA.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => [turn.role, textOf(turn.content)])).toEqual([
      ['user', 'how do we publish events reliably?'],
      ['assistant', 'Use an outbox table.'],
    ]);
  });

  it('answers once when one thread reply with a mention arrives as both app_mention and message.channels', async () => {
    replicaA.anthropic.enqueueReply({ text: 'Keep one ledger per currency.' });
    const first = buildMentionEvent({ text: 'multi-currency balances?' });
    await replicaA.postEvent(first);
    await waitForFinishedReplies(replicaA.slack, 'C111', first.event.ts);

    // The crew is part of this thread now, so both listeners see the follow-up.
    replicaA.anthropic.enqueueReply({ text: 'Convert at read time.' });
    const followUp = buildMentionEvent({ text: 'and reporting?', threadTs: first.event.ts });
    const sameMessage = buildMessageEvent({
      channelType: 'channel',
      text: `<@UBOT> and reporting?`,
      ts: followUp.event.ts,
      threadTs: first.event.ts,
    });
    expect(sameMessage.event_id).not.toBe(followUp.event_id);
    const responses = await Promise.all([replicaA.postEvent(sameMessage), replicaA.postEvent(followUp)]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    await waitForFinishedReplies(replicaA.slack, 'C111', first.event.ts, 2);
    await settle();

    expect(botRepliesIn(replicaA.slack, 'C111', first.event.ts).map((message) => message.text)).toEqual([
      'Keep one ledger per currency.',
      'Convert at read time.',
    ]);
    expect(requestsAsking(replicaA.anthropic, 'and reporting?')).toHaveLength(1);
    const stored = await waitForStoredTurns(replicaA.redis!, { channelId: 'C111', threadTs: first.event.ts }, 4);
    expect(stored.filter((turn) => turn.role === 'user').map((turn) => textOf(turn.content))).toEqual(['multi-currency balances?', 'and reporting?']);
  });

  it('answers once when two replicas sharing one Redis both get the same event and its message.channels twin', async () => {
    replicaA.anthropic.enqueueReply({ text: 'First opener.' });
    const opener = buildMentionEvent({ text: 'should we split the monolith?' });
    await replicaA.postEvent(opener);
    await waitForFinishedReplies(replicaA.slack, 'C111', opener.event.ts);

    replicaA.anthropic.enqueueReply({ text: 'Split along payments first.', tokensPerSecond: 400 });
    replicaA.anthropic.enqueueReply({ text: 'A DUPLICATE ANSWER' });
    const mention = buildMentionEvent({ text: 'where do we cut first?', threadTs: opener.event.ts });
    const twin = buildMessageEvent({ channelType: 'channel', text: '<@UBOT> where do we cut first?', ts: mention.event.ts, threadTs: opener.event.ts });
    // A load balancer spreads Slack's deliveries and retries over both replicas.
    const responses = await Promise.all([
      replicaA.postEvent(mention),
      replicaB.postEvent(mention),
      replicaB.postEvent(twin),
      replicaA.postEvent(mention, { retryNum: 1 }),
      replicaB.postEvent(twin, { retryNum: 1 }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const replies = await waitForFinishedReplies(replicaA.slack, 'C111', opener.event.ts, 2);
    await settle(300);

    expect(replies.map((message) => message.text)).toEqual(['First opener.', 'Split along payments first.']);
    expect(botRepliesIn(replicaA.slack, 'C111', opener.event.ts)).toHaveLength(2);
    expect(requestsAsking(replicaA.anthropic, 'where do we cut first?')).toHaveLength(1);
    const queuedBy = [...replicaA.logs, ...replicaB.logs].filter((line) => line.msg === 'question queued' && line.thread === opener.event.ts);
    expect(queuedBy).toHaveLength(2); // the opener and the follow-up, each queued by exactly one replica
    const stored = await waitForStoredTurns(replicaA.redis!, { channelId: 'C111', threadTs: opener.event.ts }, 4);
    expect(stored.map((turn) => textOf(turn.content))).toEqual(['should we split the monolith?', 'First opener.', 'where do we cut first?', 'Split along payments first.']);
  });

  it('/crew replayed within the signature window (same trigger, freshly signed) posts nothing more, also on another replica', async () => {
    replicaA.anthropic.enqueueReply({ text: 'Partition by tenant.' });
    const command = buildCrewCommand('backend-architect how do we partition tenants?');
    expect((await replicaA.postCommand(command)).status).toBe(200);
    const root = await replicaA.slack.waitFor(() => replicaA.slack.messagesIn('C111').find((message) => message.isBot && message.text.includes('partition tenants')));
    await waitForFinishedReplies(replicaA.slack, 'C111', root.ts);
    // The same form body again, as a replaying attacker (or a proxy retry) would send it, to both replicas.
    expect((await replicaA.postCommand(command)).status).toBe(200);
    expect((await replicaB.postCommand(command)).status).toBe(200);
    await settle();
    const roots = replicaA.slack.messagesIn('C111').filter((message) => message.isBot && message.text.includes('partition tenants'));
    expect(roots).toHaveLength(1);
    expect(requestsAsking(replicaA.anthropic, 'how do we partition tenants?')).toHaveLength(1);
  });
});
