import { describe, expect, it } from 'vitest';
import { createRedisFeedbackStore } from '../../../src/adapters/redis/redis-feedback-store.js';
import type { CrewHarness } from '../crew-harness.js';
import { botMessagesIn, retryButtonOf, waitForSettledReplies, waitForTurnEnd } from '../faults-model/thread-helpers.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { useCrewHarness } from '../use-crew-harness.js';
import { ephemeralButtonOf, feedbackButtonsOf, pressEphemeralButton, pressFeedback, submitModal } from './feedback-payloads.js';

// Issue 12, point 2: every finished answer carries 👍/👎; a press is acknowledged privately,
// stored once per person per answer, counted and logged with the turn id; a 👎 offers a
// private "tell us what was wrong" modal whose text is stored with the vote.

const harness = useCrewHarness();

/** Asks in C111 and waits for the finished answer (its turn stored). */
async function askAndWaitForAnswer(h: CrewHarness, question: string, answer: string, user = 'U222') {
  h.anthropic.enqueueReply({ text: answer, tokensPerSecond: 2000 });
  const event = buildMentionEvent({ text: question, user });
  expect((await h.postEvent(event)).status).toBe(200);
  const threadTs = event.event.ts;
  const turnId = `C111-${threadTs}`;
  await waitForTurnEnd(h, turnId);
  const replies = await waitForSettledReplies(h.slack, 'C111', threadTs);
  return { threadTs, turnId, message: replies[replies.length - 1]! };
}

/** A counter's value in the crew's Prometheus text (0 when the series is absent). */
async function counterValue(h: CrewHarness, name: string, labels: Record<string, string>): Promise<number> {
  const { body } = await h.crew.metrics.render();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && wanted.every((label) => candidate.includes(label)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

function votesIn(h: CrewHarness) {
  const store = createRedisFeedbackStore({ redis: h.redis!.redis, keyPrefix: h.redis!.prefix, retentionMs: 30 * 24 * 60 * 60 * 1000 });
  return store.listVotes(Date.now() - 60 * 60 * 1000, Date.now() + 60_000);
}

/** The ephemerals `user` got in the thread after `after` of them, once `count` more arrived. */
function waitForEphemerals(h: CrewHarness, user: string, threadTs: string, count: number) {
  return h.slack.waitFor(() => {
    const inThread = h.slack.ephemeralsFor(user).filter((ephemeral) => ephemeral.threadTs === threadTs);
    return inThread.length >= count ? inThread : undefined;
  });
}

describe('feedback buttons on finished answers', () => {
  it('closes a finished answer with a context_actions block holding 👍/👎 feedback buttons (chat.stopStream blocks)', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'how do we shard the ledger?', 'Shard by account id; keep each ledger in one shard.');
    const stop = harness.slack.callsTo('chat.stopStream').find((call) => call.args.ts === message.ts);
    expect(stop?.response.ok).toBe(true);
    const buttons = feedbackButtonsOf(message);
    expect(buttons).toMatchObject({ actionId: 'crew_feedback', blockId: `crew_feedback:${turnId}` });
    expect(JSON.parse(buttons!.up)).toEqual({ tm: 'T111', th: threadTs, t: turnId, a: 'backend-architect', v: 'up' });
    expect(JSON.parse(buttons!.down)).toMatchObject({ t: turnId, v: 'down' });
    expect(message.text).toContain('Shard by account id');
  });

  it('puts them on the last message of the post-and-update fallback when Slack refuses streaming', async () => {
    harness.slack.failNext('chat.startStream', { error: 'unknown_method' });
    const { message, turnId } = await askAndWaitForAnswer(harness, 'ledger or event log?', 'Use a ledger table.\n\n- one row per movement');
    const update = harness.slack.callsTo('chat.update').filter((call) => call.args.ts === message.ts).at(-1);
    expect(update?.response.ok).toBe(true);
    expect(feedbackButtonsOf(message)?.blockId).toBe(`crew_feedback:${turnId}`);
    // The text still shows: as section blocks above the buttons, as well as the message's `text`.
    expect((message.blocks as Array<{ type: string; text?: { text: string } }>)[0]).toMatchObject({ type: 'section', text: { text: expect.stringContaining('one row per movement') } });
    expect(message.text).toContain('• one row per movement');
  });

  it('offers Retry, not feedback, under a failed answer', async () => {
    harness.anthropic.enqueueReply({ text: 'A partial answer that gets cut off.', fault: { errorAfterChars: 10 } });
    const event = buildMentionEvent({ text: 'will this fail?' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    const replies = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
    expect(replies.some((reply) => retryButtonOf(reply))).toBe(true);
    expect(replies.some((reply) => feedbackButtonsOf(reply))).toBe(false);
  });
});

describe('no feedback buttons', () => {
  it('under an answer the person stopped', async () => {
    harness.anthropic.enqueueReply({ text: Array.from({ length: 150 }, (_, index) => `Step ${index + 1}: keep it simple.`).join('\n\n'), tokensPerSecond: 200 });
    const event = buildMentionEvent({ text: 'tell me everything' });
    await harness.postEvent(event);
    const start = await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream')[0]);
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.appendStream').length >= 2);
    harness.slack.pressStop(start.response.ts as string);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    const replies = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(replies.map((reply) => reply.text)).toContain('⏹️ _Stopped — the answer above is incomplete._');
    expect(replies.some((reply) => feedbackButtonsOf(reply))).toBe(false);
  });
});

describe('a feedback press', () => {
  it('is acknowledged privately, stored, counted and logged with the turn id', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'queue or cron?', 'A queue: retries and back-pressure come for free.');
    const before = await counterValue(harness, 'crew_feedback_total', { agent: 'backend-architect', value: 'up' });
    expect((await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'up' })).status).toBe(200);
    const [ack] = await waitForEphemerals(harness, 'U222', threadTs, 1);
    expect(ack).toMatchObject({ channel: 'C111', user: 'U222', text: 'Thanks — noted 👍' });
    expect(ack?.blocks).toBeUndefined();
    const votes = (await votesIn(harness)).filter((vote) => vote.turnId === turnId);
    expect(votes).toEqual([expect.objectContaining({ teamId: 'T111', channelId: 'C111', threadTs, turnId, agent: 'backend-architect', userId: 'U222', value: 'up' })]);
    expect(await counterValue(harness, 'crew_feedback_total', { agent: 'backend-architect', value: 'up' })).toBe(before + 1);
    const logged = harness.logs.find((line) => line.msg === 'feedback recorded' && line.turnId === turnId);
    expect(logged).toMatchObject({ value: 'up', change: 'recorded', user: 'U222', agent: 'backend-architect' });
  });

  it('is ignored (nothing stored, nothing said) when its value names another thread than the one it was pressed in', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'cache or not?', 'Cache the reads, not the writes.');
    const buttons = feedbackButtonsOf(message)!;
    const forged = JSON.stringify({ ...(JSON.parse(buttons.up) as object), th: '1600000000.000100' });
    const forgedMessage = { ...message, blocks: [{ type: 'context_actions', block_id: buttons.blockId, elements: [{ type: 'feedback_buttons', action_id: buttons.actionId, positive_button: { value: forged }, negative_button: { value: buttons.down } }] }] };
    expect((await pressFeedback(harness, { channel: 'C111', threadTs, message: forgedMessage, which: 'up' })).status).toBe(200);
    await harness.slack.waitFor(() => harness.logs.find((line) => line.msg === 'ignored a feedback press without a usable channel or value' && line.turnId === turnId));
    expect(harness.slack.ephemeralsFor('U222').filter((ephemeral) => ephemeral.threadTs === threadTs)).toEqual([]);
    expect((await votesIn(harness)).filter((vote) => vote.turnId === turnId)).toEqual([]);
  });

  it('a second press by the same person changes the vote: still one vote, counted once per person per answer, the change counted apart', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'uuid or serial ids?', 'UUIDv7: sortable and safe to expose.');
    const total = (value: string) => counterValue(harness, 'crew_feedback_total', { agent: 'backend-architect', value });
    const changes = (value: string) => counterValue(harness, 'crew_feedback_changes_total', { agent: 'backend-architect', value });
    const start = { up: await total('up'), down: await total('down'), changedToDown: await changes('down') };

    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'up' });
    await waitForEphemerals(harness, 'U222', threadTs, 1);
    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'down' });
    const second = (await waitForEphemerals(harness, 'U222', threadTs, 2))[1];
    expect(second?.text).toBe('Thanks — changed your vote to 👎');
    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'down' });
    const third = (await waitForEphemerals(harness, 'U222', threadTs, 3))[2];
    expect(third?.text).toBe('Already noted 👎 — thanks!');
    // Someone else's vote on the same answer is their own.
    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'up', user: 'U333' });
    await waitForEphemerals(harness, 'U333', threadTs, 1);

    const votes = (await votesIn(harness)).filter((vote) => vote.turnId === turnId);
    expect(votes.map((vote) => [vote.userId, vote.value])).toEqual([
      ['U222', 'down'],
      ['U333', 'up'],
    ]);
    expect(await total('up')).toBe(start.up + 2);
    expect(await total('down')).toBe(start.down);
    expect(await changes('down')).toBe(start.changedToDown + 1);
  });
});

describe('a 👎', () => {
  it('offers a private "tell us what was wrong" button; it opens a modal with that press\'s trigger; the text submitted is stored with the vote and logged only at debug', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'postgres or dynamo?', 'DynamoDB, always.');
    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'down' });
    const [offer] = await waitForEphemerals(harness, 'U222', threadTs, 1);
    expect(offer?.text).toBe('Thanks — noted 👎. Sorry it missed the mark.');
    expect(ephemeralButtonOf(offer, 'crew_feedback_comment')?.text).toEqual({ type: 'plain_text', text: 'Tell us what was wrong' });
    // The vote is stored at once, whether or not the person says more.
    expect((await votesIn(harness)).find((vote) => vote.turnId === turnId)?.value).toBe('down');

    expect((await pressEphemeralButton(harness, { ephemeral: offer!, actionId: 'crew_feedback_comment' })).status).toBe(200);
    const [opened] = await harness.slack.waitFor(() => (harness.slack.views.openedFor('U222').length > 0 ? harness.slack.views.openedFor('U222') : undefined));
    const openCall = harness.slack.callsTo('views.open')[0];
    expect(openCall?.response.ok).toBe(true);
    expect(opened?.view).toMatchObject({ type: 'modal', callback_id: 'crew_feedback_comment', title: { type: 'plain_text', text: 'What was wrong?' }, submit: { text: 'Send' } });

    const comment = 'It ignored that we need multi-row transactions.';
    const submitted = await submitModal(harness, opened!, { crew_feedback_comment_input: { comment } });
    // A plain ack closes the modal.
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');
    const thanks = (await waitForEphemerals(harness, 'U222', threadTs, 2))[1];
    expect(thanks?.text).toBe('Thanks for telling us — it is stored with your vote.');

    const stored = await harness.redis!.redis.hget(`${harness.redis!.prefix}feedback:{T111:C111:${threadTs}}`, `comment:${turnId}:U222`);
    expect(stored).toBe(comment);
    expect((await votesIn(harness)).find((vote) => vote.turnId === turnId)).toMatchObject({ value: 'down', commented: true });
    const withText = harness.logs.filter((line) => JSON.stringify(line).includes(comment));
    expect(withText.length).toBeGreaterThan(0);
    expect(withText.every((line) => line.level === 20 || line.level === 'debug')).toBe(true);
  });

  it('keeps the modal open with a clear message when the comment cannot be stored with a vote', async () => {
    const { threadTs, turnId, message } = await askAndWaitForAnswer(harness, 'mongo?', 'Yes, Mongo.');
    await pressFeedback(harness, { channel: 'C111', threadTs, message, which: 'down' });
    const [offer] = await waitForEphemerals(harness, 'U222', threadTs, 1);
    await pressEphemeralButton(harness, { ephemeral: offer!, actionId: 'crew_feedback_comment' });
    const [opened] = await harness.slack.waitFor(() => (harness.slack.views.openedFor('U222').length > 0 ? harness.slack.views.openedFor('U222') : undefined));
    // The vote is gone (e.g. expired with the thread) before the person submits.
    await harness.redis!.redis.del(`${harness.redis!.prefix}feedback:{T111:C111:${threadTs}}`);
    const submitted = await submitModal(harness, opened!, { crew_feedback_comment_input: { comment: 'Too late?' } });
    expect(JSON.parse(submitted.body)).toEqual({
      response_action: 'errors',
      errors: { crew_feedback_comment_input: expect.stringContaining('I no longer have your vote on that answer') },
    });
    expect(botMessagesIn(harness.slack, 'C111', threadTs).length).toBeGreaterThan(0);
    expect(harness.logs.some((line) => line.msg === 'feedback comment for a vote that is no longer stored' && line.turnId === turnId)).toBe(true);
  });
});
