import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botMessagesIn, errorLogs, storedTurnsOf, waitForTurnEnd } from '../faults-model/thread-helpers.js';

// Issue 3, point 13: Slack refuses the answer (not_in_channel, channel_not_found, invalid_auth, account_inactive).
const harness = useCrewHarness();

/** Asks in `channel` and waits until the turn is over. */
async function askIn(channel: string, text: string) {
  harness.anthropic.enqueueReply({ text: 'An answer nobody will see.' });
  const event = buildMentionEvent({ text, channel });
  await harness.postEvent(event);
  await waitForTurnEnd(harness, `${channel}-${event.event.ts}`);
  return { threadTs: event.event.ts, turnId: `${channel}-${event.event.ts}` };
}

/** The error log line for the refused answer: Slack's code, the channel and the turn id. */
function refusalLog(code: string, channel: string, turnId: string) {
  return errorLogs(harness, 'Slack refused the answer').find((line) => line.code === code && line.channel === channel && line.turnId === turnId);
}

describe('when Slack refuses the answer', () => {
  it('not_in_channel: tells the asker by DM how to fix it, logs the code, channel and turn, stores nothing', async () => {
    harness.slack.removeBotFrom('C404');
    const { threadTs, turnId } = await askIn('C404', 'why is the build slow?');

    expect(botMessagesIn(harness.slack, 'C404', threadTs)).toHaveLength(0);
    const [dm, ...moreDms] = harness.slack.messagesIn('U222');
    expect(moreDms).toHaveLength(0);
    expect(dm?.text).toContain("I couldn't post my answer in <#C404>: I'm not a member of that channel.");
    expect(dm?.text).toContain('/invite');
    expect(refusalLog('not_in_channel', 'C404', turnId)).toMatchObject({ deliveryCode: 'delivery_not_in_channel', method: 'chat.startStream' });
    expect(errorLogs(harness, 'reply could not be delivered').find((line) => line.turnId === turnId)).toMatchObject({ code: 'not_in_channel', channel: 'C404' });
    expect(await storedTurnsOf(harness.redis!, 'C404', threadTs)).toEqual([]);
  });

  it('channel_not_found: tells the asker by DM, and logs', async () => {
    harness.slack.failNext('chat.startStream', { error: 'channel_not_found' });
    const { threadTs, turnId } = await askIn('C405', 'is the channel gone?');

    expect(botMessagesIn(harness.slack, 'C405', threadTs)).toHaveLength(0);
    const dm = harness.slack.messagesIn('U222').at(-1);
    expect(dm?.text).toContain("I couldn't post my answer in <#C405>: the channel is archived, gone, or closed to me.");
    expect(refusalLog('channel_not_found', 'C405', turnId)).toBeDefined();
  });

  for (const code of ['invalid_auth', 'account_inactive']) {
    it(`${code}: nothing can be shown, so a clear error log says so (code, channel, turn)`, async () => {
      harness.slack.failNext('chat.startStream', { error: code });
      const { threadTs, turnId } = await askIn('C406', `does ${code} crash anything?`);

      expect(botMessagesIn(harness.slack, 'C406', threadTs)).toHaveLength(0);
      expect(harness.slack.messagesIn('U222')).toHaveLength(0);
      expect(harness.slack.ephemeralsFor('U222')).toHaveLength(0);
      expect(refusalLog(code, 'C406', turnId)).toMatchObject({ deliveryCode: 'delivery_auth_failed' });
      expect(errorLogs(harness, 'cannot be told').find((line) => line.turnId === turnId)).toMatchObject({ code, channel: 'C406' });
      expect(await storedTurnsOf(harness.redis!, 'C406', threadTs)).toEqual([]);
    });
  }

  it('removed mid-answer: the words already shown stay, are stored marked interrupted, and the asker is told by DM', async () => {
    const text = 'First paragraph is out.\n\nSecond paragraph never makes it, nor does the third one, nor the fourth one at all.';
    // Slow enough that the fault is in place long before the model is done (it is cut off early anyway).
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 15 });
    const event = buildMentionEvent({ text: 'kicked mid-answer?', channel: 'C407' });
    await harness.postEvent(event);
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream').find((call) => call.args.channel === 'C407'));
    harness.slack.failNext('chat.appendStream', { error: 'not_in_channel' });
    const turnId = `C407-${event.event.ts}`;
    await waitForTurnEnd(harness, turnId);

    const [partial] = botMessagesIn(harness.slack, 'C407', event.event.ts);
    expect(text.startsWith(partial!.text)).toBe(true);
    expect(partial!.text.length).toBeLessThan(text.length);
    expect(harness.slack.messagesIn('U222').at(-1)?.text).toContain('<#C407>');
    expect(refusalLog('not_in_channel', 'C407', turnId)).toMatchObject({ method: 'chat.appendStream' });
    const stored = await storedTurnsOf(harness.redis!, 'C407', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: partial!.text }], status: 'interrupted' });
    // The model request was cut off too: nobody could see the rest.
    await harness.slack.waitFor(() => harness.anthropic.requests.at(-1)?.outcome === 'client_aborted');
    expect((harness.anthropic.requests.at(-1)?.text ?? '').length).toBeLessThan(text.length);
  });
});
