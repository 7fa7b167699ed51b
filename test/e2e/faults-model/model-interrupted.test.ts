import { textOf } from '../../../src/core/model/content-block.js';
import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import {
  alternatesFromUser,
  messagesOf,
  pressButton,
  retryButtonOf,
  storedTurnsOf,
  waitForSettledReplies,
  waitForTurnEnd,
} from './thread-helpers.js';

// Issue 3, points 6 and 9: an error event or a dropped connection mid-answer; history stays well-formed.
const harness = useCrewHarness();

const partial = 'Use an outbox table.\n\nThen a relay ';
const fullText = `${partial}publishes each row to the broker and marks it sent.`;

/** Asks in a new thread and waits for the interrupted answer. */
async function askAndGetInterrupted(question: string, fault: { errorAfterChars: number } | { dropAfterChars: number }) {
  harness.anthropic.enqueueReply({ text: fullText, fault });
  const event = buildMentionEvent({ text: question });
  await harness.postEvent(event);
  const [message, ...others] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
  expect(others).toHaveLength(0);
  return { threadTs: event.event.ts, message: message! };
}

describe('when the model fails mid-answer', () => {
  it('keeps the partial text after an error event, says it was interrupted, offers Retry, and stores the partial marked', async () => {
    const { threadTs, message } = await askAndGetInterrupted('how do we publish events reliably?', { errorAfterChars: partial.length });

    expect(message.text.startsWith(partial)).toBe(true);
    expect(message.text).toContain('⚠️ _Answer interrupted: Claude is overloaded right now');
    expect(message.text).not.toContain('publishes each row');
    expect(retryButtonOf(message)).toBeDefined();
    // Text was already shown, so the failed stream is not silently retried.
    expect(harness.anthropic.requests).toHaveLength(1);
    expect(harness.anthropic.requests[0]?.outcome).toBe('stream_error');

    await waitForTurnEnd(harness, `C111-${threadTs}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', threadTs);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how do we publish events reliably?', undefined],
      ['assistant', partial, 'interrupted'],
    ]);
  });

  it('handles a dropped connection the same way', async () => {
    const { threadTs, message } = await askAndGetInterrupted('what about ordering?', { dropAfterChars: partial.length });

    expect(message.text.startsWith(partial)).toBe(true);
    expect(message.text).toContain('The connection to Claude dropped before the answer was complete.');
    expect(retryButtonOf(message)).toBeDefined();
    expect(harness.anthropic.requests).toHaveLength(1);
    await waitForTurnEnd(harness, `C111-${threadTs}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', threadTs);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: partial }], status: 'interrupted' });
  });

  it('Retry asks the same question again in the thread, once per button, with the interrupted answer marked in the history', async () => {
    const question = 'how do we publish events reliably (retry)?';
    const { threadTs, message } = await askAndGetInterrupted(question, { errorAfterChars: partial.length });
    const button = retryButtonOf(message)!;

    harness.anthropic.enqueueReply({ text: 'Outbox plus an idempotent consumer.' });
    const press = await pressButton(harness, { channel: 'C111', threadTs, messageTs: message.ts, button });
    expect(press.status).toBe(200);

    const replies = await waitForSettledReplies(harness.slack, 'C111', threadTs, 2);
    expect(replies[1]?.text).toBe('Outbox plus an idempotent consumer.');

    const retried = harness.anthropic.requests.at(-1);
    const messages = messagesOf(retried);
    expect(alternatesFromUser(messages)).toBe(true);
    expect(messages.map((entry) => entry.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]?.text).toBe(question);
    expect(messages[1]?.text).toContain(partial.trimEnd());
    expect(messages[1]?.text).toContain('interrupted');
    expect(messages[2]?.text).toBe(question);

    // A second press of the same button (a double click) does not ask again.
    const requestsBefore = harness.anthropic.requests.length;
    expect((await pressButton(harness, { channel: 'C111', threadTs, messageTs: message.ts, button })).status).toBe(200);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U222').find((ephemeral) => ephemeral.text.includes('already being retried')));
    expect(note.threadTs).toBe(threadTs);
    expect(harness.anthropic.requests).toHaveLength(requestsBefore);

    await waitForTurnEnd(harness, (id) => id.startsWith('C111-retry-'));
    const stored = await storedTurnsOf(harness.redis!, 'C111', threadTs);
    expect(stored.map((turn) => [turn.role, turn.status])).toEqual([
      ['user', undefined],
      ['assistant', 'interrupted'],
      ['user', undefined],
      ['assistant', 'complete'],
    ]);
  });

  it('a follow-up after an interrupted answer sends a history that alternates and starts with the user', async () => {
    const { threadTs } = await askAndGetInterrupted('first question', { dropAfterChars: partial.length });
    harness.anthropic.enqueueReply({ text: 'Second answer.' });
    await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: 'second question', threadTs }));
    await waitForSettledReplies(harness.slack, 'C111', threadTs, 2);

    const messages = messagesOf(harness.anthropic.requests.at(-1));
    expect(alternatesFromUser(messages)).toBe(true);
    expect(messages.map((entry) => entry.text.slice(0, 15))).toEqual(['first question', partial.slice(0, 15), 'second question']);
  });
});
