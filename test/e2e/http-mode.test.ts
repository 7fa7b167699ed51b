import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settle } from './faults/fault-test-helpers.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { buildCrewCommand, buildMentionEvent, buildMessageEvent, nextTs } from './slack-event-builders.js';

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.slack.reset();
});

/** Text of the bot's answer in a thread once its stream has stopped. */
async function answerIn(channel: string, threadTs: string, count = 1): Promise<string[]> {
  const replies = await harness.slack.waitFor(() => {
    const bot = harness.slack.messagesIn(channel, threadTs).filter((message) => message.isBot && message.ts !== threadTs);
    return bot.length >= count && bot.every((message) => !message.isStreaming) ? bot : undefined;
  });
  return replies.map((message) => message.text);
}

function userMessagesOfLastRequest(): string[] {
  const last = harness.anthropic.requests.at(-1);
  const messages = (last?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  return messages.map((message) =>
    typeof message.content === 'string' ? message.content : (message.content as Array<{ text: string }>).map((block) => block.text).join(''),
  );
}

describe('HTTP mode: the crew answers in Slack threads', () => {
  it('answers a mention by streaming into the mention’s thread, addressed to the asker', async () => {
    harness.anthropic.enqueueReply({ text: 'Start with a **modular monolith**: orders, payments, refunds.' });
    const event = buildMentionEvent({ text: 'how should we model refunds?' });
    const response = await harness.postEvent(event);
    expect(response.status).toBe(200);

    const [answer] = await answerIn('C111', event.event.ts);
    expect(answer).toBe('Start with a **modular monolith**: orders, payments, refunds.');
    const start = harness.slack.callsTo('chat.startStream')[0];
    expect(start?.args).toMatchObject({ channel: 'C111', thread_ts: event.event.ts, recipient_user_id: 'U222', recipient_team_id: 'T111' });
    expect(harness.slack.statusHistory('C111', event.event.ts).map((status) => status.status)).toContain('is thinking…');

    const request = harness.anthropic.requests.at(-1)?.body as { system: Array<{ text: string }>; model: string };
    expect(request.system[0]?.text).toContain('Backend Systems Architect');
    // The seed names no model: it inherits the default, the newest Sonnet the key can use (the fake's list).
    expect(request.model).toBe('claude-sonnet-5-5');
    expect(userMessagesOfLastRequest()).toEqual(['how should we model refunds?']);
  });

  it('continues a thread on a follow-up mention, with the earlier exchange in the history', async () => {
    harness.anthropic.enqueueReply({ text: 'Use an append-only ledger.' });
    const first = buildMentionEvent({ text: 'how do we store balances?' });
    await harness.postEvent(first);
    await answerIn('C111', first.event.ts);

    harness.anthropic.enqueueReply({ text: 'Partition by account id.' });
    const followUp = buildMentionEvent({ text: 'and at 10x scale?', threadTs: first.event.ts });
    await harness.postEvent(followUp);
    const answers = await answerIn('C111', first.event.ts, 2);
    expect(answers[1]).toBe('Partition by account id.');
    expect(userMessagesOfLastRequest()).toEqual(['how do we store balances?', 'Use an append-only ledger.', 'and at 10x scale?']);
  });

  it('continues on a plain thread reply without a mention, and only once when Slack also sends app_mention', async () => {
    harness.anthropic.enqueueReply({ text: 'Idempotency keys on every write.' });
    const first = buildMentionEvent({ text: 'retries in payments?' });
    await harness.postEvent(first);
    await answerIn('C111', first.event.ts);

    harness.anthropic.enqueueReply({ text: 'Store the key with a 24 h TTL.' });
    const reply = buildMessageEvent({ channelType: 'channel', text: 'how long do we keep keys?', threadTs: first.event.ts });
    expect((await harness.postEvent(reply)).status).toBe(200);
    const answers = await answerIn('C111', first.event.ts, 2);
    expect(answers[1]).toBe('Store the key with a 24 h TTL.');
    expect(userMessagesOfLastRequest()).toHaveLength(3);
  });

  it('/crew backend-architect posts a root message showing who asked what, and answers in its thread', async () => {
    harness.anthropic.enqueueReply({ text: 'Shard by tenant.' });
    const response = await harness.postCommand(buildCrewCommand('backend-architect how do we shard tenants?'));
    expect(response.status).toBe(200);
    const root = await harness.slack.waitFor(() => harness.slack.messagesIn('C111').find((message) => message.isBot && message.threadTs === undefined));
    expect(root.text).toContain('<@U222>');
    expect(root.text).toContain('Backend Architect');
    expect(root.text).toContain('how do we shard tenants?');
    const [answer] = await answerIn('C111', root.ts);
    expect(answer).toBe('Shard by tenant.');
  });

  it('/crew and /crew help list the agents ephemerally without calling the model', async () => {
    const requestsBefore = harness.anthropic.requests.length;
    for (const text of ['', 'help', 'list']) {
      const response = await harness.postCommand(buildCrewCommand(text));
      const body = JSON.parse(response.body) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('backend-architect');
      expect(body.text).toContain('architect');
    }
    expect(harness.anthropic.requests.length).toBe(requestsBefore);
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('/crew with an unknown agent names it, suggests a near miss and lists the crew', async () => {
    const requestsBefore = harness.anthropic.requests.length;
    const near = JSON.parse((await harness.postCommand(buildCrewCommand('backend-architec why?'))).body) as { text: string };
    expect(near.text).toContain('`backend-architec`');
    expect(near.text).toContain('Did you mean `backend-architect`?');
    const far = JSON.parse((await harness.postCommand(buildCrewCommand('security-auditor audit us'))).body) as { text: string };
    expect(far.text).toContain('`security-auditor`');
    expect(far.text).not.toContain('Did you mean');
    expect(far.text).toContain('backend-architect');
    expect(harness.anthropic.requests.length).toBe(requestsBefore);
  });

  it('/crew in a channel the bot is not in gives an ephemeral invite hint', async () => {
    harness.slack.removeBotFrom('C999');
    const response = await harness.postCommand(buildCrewCommand('architect hello', { channel: 'C999' }));
    const body = JSON.parse(response.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/invite');
  });

  it('answers a DM in the DM’s thread and continues on a reply in that thread', async () => {
    harness.anthropic.enqueueReply({ text: 'Use Postgres.' });
    const dm = buildMessageEvent({ channelType: 'im', channel: 'D111', text: 'which database for a ledger?' });
    await harness.postEvent(dm);
    const [first] = await answerIn('D111', dm.event.ts as string);
    expect(first).toBe('Use Postgres.');
    const start = harness.slack.callsTo('chat.startStream')[0];
    expect(start?.args.recipient_user_id).toBeUndefined();

    harness.anthropic.enqueueReply({ text: 'SERIALIZABLE for transfers.' });
    const followUp = buildMessageEvent({ channelType: 'im', channel: 'D111', text: 'isolation level?', threadTs: dm.event.ts as string });
    await harness.postEvent(followUp);
    const answers = await answerIn('D111', dm.event.ts as string, 2);
    expect(answers[1]).toBe('SERIALIZABLE for transfers.');
    expect(userMessagesOfLastRequest()).toEqual(['which database for a ledger?', 'Use Postgres.', 'isolation level?']);
  });

  it('replies to an empty mention with a usage hint and no model call', async () => {
    const requestsBefore = harness.anthropic.requests.length;
    const event = buildMentionEvent({ text: '' });
    await harness.postEvent(event);
    const [hint] = await answerIn('C111', event.event.ts);
    expect(hint).toContain('Ask me a question');
    expect(harness.anthropic.requests.length).toBe(requestsBefore);
  });

  it('ignores its own messages, other bots, edits and threads it was not asked into', async () => {
    const requestsBefore = harness.anthropic.requests.length;
    const rootTs = nextTs();
    const events = [
      buildMessageEvent({ channelType: 'channel', text: 'from me', user: 'UBOT', botId: 'BBOT', threadTs: rootTs }),
      buildMessageEvent({ channelType: 'channel', text: 'from another bot', user: 'UOTHER', botId: 'BOTHER', threadTs: rootTs }),
      buildMessageEvent({ channelType: 'im', channel: 'D111', text: 'edited', subtype: 'message_changed' }),
      buildMessageEvent({ channelType: 'channel', text: 'humans chatting', threadTs: rootTs }),
      buildMessageEvent({ channelType: 'channel', text: 'top-level chatter' }),
    ];
    for (const event of events) expect((await harness.postEvent(event)).status).toBe(200);
    await settle(150); // a bounded window in which nothing may happen
    expect(harness.anthropic.requests.length).toBe(requestsBefore);
    expect(harness.slack.calls.filter((call) => call.method.startsWith('chat.'))).toHaveLength(0);
  });

  it('answers a Slack retry of the same event only once', async () => {
    harness.anthropic.enqueueReply({ text: 'Once.' });
    const event = buildMentionEvent({ text: 'say it once' });
    const responses = await Promise.all([
      harness.postEvent(event),
      harness.postEvent(event, { retryNum: 1 }),
      harness.postEvent(event, { retryNum: 2 }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    await answerIn('C111', event.event.ts);
    await settle(150); // a bounded window in which nothing may happen
    expect(harness.slack.callsTo('chat.startStream')).toHaveLength(1);
  });

  it('rejects a bad signature and a request dated in the future or the past with 401', async () => {
    const event = buildMentionEvent({ text: 'forged' });
    expect((await harness.postEvent(event, { badSignature: true })).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await harness.postEvent(buildMentionEvent({ text: 'future' }), { timestampSec: now + 600 })).status).toBe(401);
    expect((await harness.postEvent(buildMentionEvent({ text: 'past' }), { timestampSec: now - 600 })).status).toBe(401);
    await settle(100); // a bounded window in which nothing may happen
    expect(harness.slack.callsTo('chat.startStream')).toHaveLength(0);
  });

  it('serves /healthz and /readyz', async () => {
    const health = await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${harness.crew.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok' } });
  });
});

describe('HTTP mode: state survives a restart', () => {
  it('keeps a thread’s agent and history across a restart (Redis)', async () => {
    const first = await startCrewHarness();
    try {
      first.anthropic.enqueueReply({ text: 'Event sourcing fits.' });
      const event = buildMentionEvent({ text: 'audit trail design?' });
      await first.postEvent(event);
      await first.slack.waitFor(() => first.slack.messagesIn('C111', event.event.ts).some((message) => message.isBot && !message.isStreaming));
      await first.stopCrew();

      const second = await first.restart();
      try {
        second.anthropic.enqueueReply({ text: 'Snapshot every 100 events.' });
        const reply = buildMessageEvent({ channelType: 'channel', text: 'how to keep reads fast?', threadTs: event.event.ts });
        await second.postEvent(reply);
        await second.slack.waitFor(() => second.slack.messagesIn('C111', event.event.ts).filter((message) => message.isBot && !message.isStreaming).length === 2);
        const body = second.anthropic.requests.at(-1)?.body as { messages: Array<{ content: unknown }> };
        expect(JSON.stringify(body.messages)).toContain('audit trail design?');
        expect(JSON.stringify(body.messages)).toContain('Event sourcing fits.');
      } finally {
        await second.stopCrew();
      }
    } finally {
      await first.close();
    }
  });
});
