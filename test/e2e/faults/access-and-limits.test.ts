import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildCrewCommand, buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import { botRepliesIn, internalErrorPattern, requestsAsking, settle, waitForFinishedReplies } from './fault-test-helpers.js';

// Issue 3, point 16: allowlists, a per-person rate limit, no secrets or message text in logs at
// info level, and no internals in anything a person reads.

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness({
    env: {
      LOG_LEVEL: 'info',
      ALLOWED_TEAM_IDS: 'T111',
      ALLOWED_CHANNEL_IDS: 'C111, C222',
      ALLOWED_USER_IDS: 'U222,U333,U555,U666,U777,U901,U902,U903',
      USER_RATE_LIMIT_PER_MINUTE: '2',
      USER_RATE_LIMIT_BURST: '2',
    },
  });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.slack.reset();
  harness.anthropic.reset();
});

async function refusedCount(reason: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).text();
  const match = new RegExp(`crew_questions_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
  return Number(match?.[1] ?? 0);
}

describe('allowlists', () => {
  it('stays silent for a workspace that is not allowed, and never calls the model', async () => {
    const foreign = buildMentionEvent({ text: 'hello from elsewhere', teamId: 'T999' });
    expect((await harness.postEvent(foreign)).status).toBe(200);
    await settle();
    expect(harness.slack.calls.filter((call) => call.method.startsWith('chat.'))).toEqual([]);
    expect(harness.anthropic.requests).toHaveLength(0);
    expect(await refusedCount('team_not_allowed')).toBe(1);
  });

  it('tells a person privately (once) when the channel or the person is not allowed, and never calls the model', async () => {
    const otherChannel = buildMentionEvent({ text: 'question in the wrong channel', channel: 'C999' });
    expect((await harness.postEvent(otherChannel)).status).toBe(200);
    expect((await harness.postEvent(otherChannel, { retryNum: 1 })).status).toBe(200);
    const otherUser = buildMentionEvent({ text: 'question from a guest', user: 'U444' });
    expect((await harness.postEvent(otherUser)).status).toBe(200);
    const command = JSON.parse((await harness.postCommand(buildCrewCommand('architect question via /crew', { channel: 'C999' }))).body) as {
      response_type: string;
      text: string;
    };

    const channelNotes = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U222').filter((note) => note.channel === 'C999'));
    const userNote = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U444')[0]);
    await settle();
    expect(harness.slack.ephemeralsFor('U222').filter((note) => note.channel === 'C999')).toHaveLength(1);
    expect(channelNotes[0]?.text).toBe("Sorry, the crew isn't enabled in this channel. Ask in a channel where it is, or send me a direct message.");
    expect(channelNotes[0]?.threadTs).toBe(otherChannel.event.ts);
    expect(userNote.text).toBe("Sorry, the crew isn't enabled for your account. Ask your workspace admin if you need access.");
    expect(command).toEqual({ response_type: 'ephemeral', text: channelNotes[0]?.text });
    // Nothing public, no model call.
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(harness.slack.callsTo('chat.startStream')).toHaveLength(0);
    expect(harness.anthropic.requests).toHaveLength(0);
    expect(await refusedCount('channel_not_allowed')).toBe(2);
    expect(await refusedCount('user_not_allowed')).toBe(1);
  });

  it('answers allowed people in allowed channels, and in DMs (which are not channel-restricted)', async () => {
    harness.anthropic.enqueueReply({ text: 'Allowed here.' });
    harness.anthropic.enqueueReply({ text: 'Allowed in DMs.' });
    const inChannel = buildMentionEvent({ text: 'allowed channel question', channel: 'C222', user: 'U333' });
    const inDm = buildMessageEvent({ channelType: 'im', channel: 'D333', user: 'U333', text: 'allowed DM question' });
    await harness.postEvent(inChannel);
    await harness.postEvent(inDm);
    expect((await waitForFinishedReplies(harness.slack, 'C222', inChannel.event.ts))[0]?.text).toBe('Allowed here.');
    expect((await waitForFinishedReplies(harness.slack, 'D333', inDm.event.ts as string))[0]?.text).toBe('Allowed in DMs.');
  });
});

describe('per-person rate limit (token bucket in Redis)', () => {
  it('refuses the question past the burst with a friendly private note saying when to try again; duplicates do not count', async () => {
    harness.anthropic.enqueueReply({ text: 'One.' });
    harness.anthropic.enqueueReply({ text: 'Two.' });
    const first = buildMentionEvent({ text: 'rate question one', user: 'U666' });
    // Slack's retry of the same question takes no extra token.
    await Promise.all([harness.postEvent(first), harness.postEvent(first, { retryNum: 1 })]);
    await waitForFinishedReplies(harness.slack, 'C111', first.event.ts);
    const second = buildMentionEvent({ text: 'rate question two', user: 'U666' });
    await harness.postEvent(second);
    await waitForFinishedReplies(harness.slack, 'C111', second.event.ts);

    const third = buildMentionEvent({ text: 'rate question three', user: 'U666' });
    expect((await harness.postEvent(third)).status).toBe(200);
    expect((await harness.postEvent(third, { retryNum: 1 })).status).toBe(200);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U666')[0]);
    // 2 per minute: the next token is back in about 30 seconds.
    expect(note.text).toMatch(/^⏳ You're asking faster than I can keep up\. Please try again in about (29|30) seconds\.$/);
    await settle();
    expect(harness.slack.ephemeralsFor('U666')).toHaveLength(1);
    expect(botRepliesIn(harness.slack, 'C111', third.event.ts)).toHaveLength(0);
    expect(requestsAsking(harness.anthropic, 'rate question three')).toHaveLength(0);
    expect(await refusedCount('rate_limited')).toBe(1);

    // Someone else is not affected.
    harness.anthropic.enqueueReply({ text: 'Your turn.' });
    const other = buildMentionEvent({ text: 'my own question', user: 'U777' });
    await harness.postEvent(other);
    expect((await waitForFinishedReplies(harness.slack, 'C111', other.event.ts))[0]?.text).toBe('Your turn.');

    // /crew shares the same bucket.
    const command = JSON.parse((await harness.postCommand(buildCrewCommand('architect and via /crew?', { user: 'U666' }))).body) as { text: string };
    expect(command.text).toContain("You're asking faster than I can keep up");
  });
});

describe('what logs and people never see', () => {
  it('logs no token, secret, API key, question or answer text at info level', async () => {
    const question = 'confidential: our merger with Initech closes on the 14th';
    const answer = 'Keep the merger data in a separate tenant with its own keys.';
    harness.anthropic.enqueueReply({ text: answer });
    const event = buildMentionEvent({ text: question, user: 'U555' });
    await harness.postEvent(event);
    await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    // A failing turn logs too: make sure its error path leaks nothing either.
    harness.anthropic.enqueueReply({ text: 'partial secret plan', fault: { errorAfterChars: 8 } });
    const failing = buildMentionEvent({ text: 'confidential follow-up about Initech', user: 'U555' });
    await harness.postEvent(failing);
    await waitForFinishedReplies(harness.slack, 'C111', failing.event.ts);
    await settle();

    const raw = harness.rawLogs();
    expect(harness.logs.length).toBeGreaterThan(10);
    expect(harness.logs.every((line) => line.level !== 'debug')).toBe(true);
    for (const secret of ['xoxb-test-token', 'test-signing-secret', 'sk-ant-test-key', 'Initech', 'merger', 'separate tenant', 'secret plan']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('never shows stack traces or internal error text in the thread, whatever the failure says', async () => {
    const stacky = 'Error: connect ECONNREFUSED 10.0.0.7:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)\n    at /srv/node_modules/pg/lib/client.js:132:7';
    harness.anthropic.enqueueReply({ text: '', fault: { status: 400, message: stacky } });
    harness.anthropic.enqueueReply({ text: '', fault: { status: 401, message: stacky } });
    harness.anthropic.enqueueReply({ text: 'Half an answer', fault: { errorAfterChars: 6, errorType: 'api_error', message: stacky } });
    const questions = ['bad request please', 'bad key please', 'mid-stream failure please'].map((text, index) =>
      buildMentionEvent({ text, user: `U90${index + 1}`, channel: 'C222' }),
    );
    for (const event of questions) await harness.postEvent(event);
    const texts: string[] = [];
    for (const event of questions) {
      const replies = await waitForFinishedReplies(harness.slack, 'C222', event.event.ts);
      texts.push(...replies.map((message) => message.text));
    }
    expect(texts).toHaveLength(3);
    for (const text of texts) {
      expect(text).toContain('⚠️');
      expect(text).not.toMatch(internalErrorPattern);
      expect(text).not.toContain('10.0.0.7');
    }
  });
});
