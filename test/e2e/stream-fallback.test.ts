import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { buildMentionEvent } from './slack-event-builders.js';

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness({ redis: false });
});
afterAll(async () => {
  await harness.close();
});

describe('when Slack refuses native streaming', () => {
  it('posts and updates the answer instead, rendered as mrkdwn, with nothing lost', async () => {
    harness.slack.failNext('chat.startStream', { error: 'unknown_method' });
    const answer = '## Plan\n\n**Use a ledger** table, see [docs](https://example.com/ledger).\n\n- one row per movement\n- never update rows';
    harness.anthropic.enqueueReply({ text: answer, tokensPerSecond: 400 });
    const event = buildMentionEvent({ text: 'ledger design?' });
    await harness.postEvent(event);

    const reply = await harness.slack.waitFor(() => {
      const bot = harness.slack.messagesIn('C111', event.event.ts).find((message) => message.isBot && message.ts !== event.event.ts);
      return bot && bot.text.includes('never update rows') ? bot : undefined;
    });
    expect(harness.slack.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(1);
    expect(reply.text).toContain('*Plan*');
    expect(reply.text).toContain('*Use a ledger*');
    expect(reply.text).toContain('<https://example.com/ledger|docs>');
    expect(reply.text).toContain('• one row per movement');
    expect(reply.text).not.toContain('**');
    expect(reply.username).toBe('Backend Architect');
  });

  it('uses the in-memory store when REDIS_URL is unset, and says so loudly', () => {
    const warning = harness.logs.find((line) => String(line.msg).includes('REDIS_URL is not set'));
    expect(warning?.level).toBe('warn');
  });
});
