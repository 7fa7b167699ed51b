import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { pressButton, retryButtonOf, waitForSettledReplies, waitForTurnEnd } from '../faults-model/thread-helpers.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { settle } from './fault-test-helpers.js';

// Issue 8: the Retry button enters through the one intake, judged with the presser, the channel
// it is pressed in and the allowlists and rate limit in force now — not those of the first ask.

const env = {
  ALLOWED_CHANNEL_IDS: 'C111,C222',
  ALLOWED_USER_IDS: 'U222,U333,U555,U777',
  USER_RATE_LIMIT_PER_MINUTE: '1',
  USER_RATE_LIMIT_BURST: '1',
};
let first: CrewHarness;
/** The running crew: `first`, or the one restarted with other allowlists (same fakes and Redis). */
let harness: CrewHarness;

beforeAll(async () => {
  first = await startCrewHarness({ env });
  harness = first;
});
afterAll(async () => {
  if (harness !== first) await harness.close();
  await first.close();
});

/** Asks as `user` in `channel`; the answer is cut off by an overloaded model and offers Retry. */
async function askAndGetRetryButton(user: string, channel: string, question: string) {
  harness.anthropic.enqueueReply({ text: 'A partial answer that gets cut off.', fault: { errorAfterChars: 10 } });
  const event = buildMentionEvent({ text: question, user, channel });
  expect((await harness.postEvent(event)).status).toBe(200);
  const [message] = await waitForSettledReplies(harness.slack, channel, event.event.ts);
  const button = retryButtonOf(message);
  expect(button).toBeDefined();
  await waitForTurnEnd(harness, `${channel}-${event.event.ts}`);
  return { threadTs: event.event.ts, messageTs: message!.ts, button: button! };
}

describe('the Retry button', () => {
  it('refuses a presser outside ALLOWED_USER_IDS privately, without calling the model', async () => {
    const asked = await askAndGetRetryButton('U222', 'C111', 'how do we shard tenants?');
    const requests = harness.anthropic.requests.length;
    expect((await pressButton(harness, { channel: 'C111', ...asked, user: 'U444' })).status).toBe(200);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U444')[0]);
    expect(note.text).toContain("isn't enabled for your account");
    await settle();
    expect(harness.anthropic.requests).toHaveLength(requests);
  });

  it('refuses a rate-limited presser privately, and the button still works for someone within their limit', async () => {
    const asked = await askAndGetRetryButton('U333', 'C111', 'what about read replicas?');
    const requests = harness.anthropic.requests.length;
    expect((await pressButton(harness, { channel: 'C111', ...asked, user: 'U333' })).status).toBe(200);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U333').find((entry) => entry.text.includes('asking faster')));
    expect(note.threadTs).toBe(asked.threadTs);
    await settle();
    expect(harness.anthropic.requests).toHaveLength(requests);

    harness.anthropic.enqueueReply({ text: 'Use replicas for reads only.' });
    expect((await pressButton(harness, { channel: 'C111', ...asked, user: 'U555' })).status).toBe(200);
    const replies = await waitForSettledReplies(harness.slack, 'C111', asked.threadTs, 2);
    expect(replies[1]?.text).toBe('Use replicas for reads only.');
  });

  it('refuses a press in a channel removed from ALLOWED_CHANNEL_IDS since the answer was given', async () => {
    const asked = await askAndGetRetryButton('U777', 'C222', 'should we use a queue here?');
    await harness.stopCrew();
    const { slack, anthropic, redis } = harness;
    harness = await startCrewHarness({ env: { ...env, ALLOWED_CHANNEL_IDS: 'C111' }, shared: { slack, anthropic, redis } });
    const requests = anthropic.requests.length;
    expect((await pressButton(harness, { channel: 'C222', ...asked, user: 'U777' })).status).toBe(200);
    const note = await slack.waitFor(() => slack.ephemeralsFor('U777').find((entry) => entry.text.includes("isn't enabled in this channel")));
    expect(note.channel).toBe('C222');
    await settle();
    expect(anthropic.requests).toHaveLength(requests);
  });
});
