import { textOf } from '../../../src/core/model/content-block.js';
import { settle } from '../faults/fault-test-helpers.js';
import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import { alternatesFromUser, errorLogs, messagesOf, retryButtonOf, storedTurnsOf, waitForSettledReplies, waitForTurnEnd } from './thread-helpers.js';

// Issue 3, points 8 and 9: authentication / invalid-request errors are not retried; a failed turn stores nothing.
const harness = useCrewHarness();

const cases = [
  { status: 401, words: 'the crew’s API key was rejected. An admin needs to check the bot’s configuration.', code: 'model_auth_failed' },
  { status: 400, words: 'Claude could not accept this request', code: 'model_invalid_request' },
] as const;

describe('when the model API rejects the request', () => {
  for (const { status, words, code } of cases) {
    it(`${status}: one request, a clear message, no Retry button, an error log with the request id, nothing stored`, async () => {
      harness.anthropic.enqueueReply({ fault: { status } });
      harness.anthropic.enqueueReply({ text: 'must not be asked' });
      const event = buildMentionEvent({ text: `question that fails with ${status}` });
      await harness.postEvent(event);

      const [message, ...others] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
      expect(others).toHaveLength(0);
      expect(message?.text).toContain(words);
      expect(message?.text).not.toMatch(/req_fake|invalid x-api-key|\b4\d\d\b/);
      expect(retryButtonOf(message)).toBeUndefined();

      await settle(300); // a bounded window in which nothing may happen
      expect(harness.anthropic.requests).toHaveLength(1);
      const requestId = harness.anthropic.requests[0]?.id;
      expect(requestId).toMatch(/^req_fake_\d+$/);
      const logged = await harness.slack.waitFor(() => errorLogs(harness, 'turn did not complete').find((line) => line.errorCode === code));
      expect(logged).toMatchObject({ requestId, channel: 'C111', turnId: `C111-${event.event.ts}` });

      await waitForTurnEnd(harness, `C111-${event.event.ts}`);
      expect(await storedTurnsOf(harness.redis!, 'C111', event.event.ts)).toEqual([]);
    });
  }

  it('the next question in that thread is sent without the failed one: history starts with the user and alternates', async () => {
    harness.anthropic.enqueueReply({ fault: { status: 401 } });
    const event = buildMentionEvent({ text: 'first, failing' });
    await harness.postEvent(event);
    await waitForSettledReplies(harness.slack, 'C111', event.event.ts);

    harness.anthropic.enqueueReply({ text: 'Working again.' });
    const followUp = buildMessageEvent({ channelType: 'channel', text: 'second, working', threadTs: event.event.ts });
    await harness.postEvent(followUp);
    const replies = await waitForSettledReplies(harness.slack, 'C111', event.event.ts, 2);
    expect(replies[1]?.text).toBe('Working again.');

    // No stored exchange for the failed turn. (With no stored history, the crew reads the Slack
    // thread once as context for the first question — that is text inside this one user message.)
    const messages = messagesOf(harness.anthropic.requests.at(-1));
    expect(alternatesFromUser(messages)).toBe(true);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text.endsWith('second, working')).toBe(true);
    await waitForTurnEnd(harness, `C111-${followUp.event.ts}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.map((turn) => turn.role)).toEqual(['user', 'assistant']);
    expect(textOf(stored[0]!.content).endsWith('second, working')).toBe(true);
    expect(stored[1]).toMatchObject({ content: [{ type: 'text', text: 'Working again.' }], status: 'complete' });
  });
});
