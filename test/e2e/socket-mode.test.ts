import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { buildCrewCommand, buildMentionEvent, buildMessageEvent } from './slack-event-builders.js';

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness({ mode: 'socket' });
});
afterAll(async () => {
  await harness.close();
});

describe('Socket Mode: the same crew over a WebSocket', () => {
  it('connects with the app token and answers a mention in its thread', async () => {
    expect(harness.slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(1);
    harness.anthropic.enqueueReply({ text: 'Use a queue with a dead-letter topic.' });
    const event = buildMentionEvent({ text: 'how do we handle poison messages?' });
    const ack = await harness.postEvent(event);
    expect(ack.status).toBe(200);
    const reply = await harness.slack.waitFor(() =>
      harness.slack.messagesIn('C111', event.event.ts).find((message) => message.isBot && !message.isStreaming && message.ts !== event.event.ts),
    );
    expect(reply.text).toBe('Use a queue with a dead-letter topic.');
  });

  it('answers /crew with a root message and a threaded answer', async () => {
    harness.anthropic.enqueueReply({ text: 'Version the API in the path.' });
    await harness.postCommand(buildCrewCommand('architect how to version our API?'));
    const root = await harness.slack.waitFor(() =>
      harness.slack.messagesIn('C111').find((message) => message.isBot && message.text.includes('how to version our API?')),
    );
    const reply = await harness.slack.waitFor(() =>
      harness.slack.messagesIn('C111', root.ts).find((message) => message.isBot && message.ts !== root.ts && !message.isStreaming),
    );
    expect(reply.text).toBe('Version the API in the path.');
  });

  it('answers a DM and serves health endpoints on PORT', async () => {
    harness.anthropic.enqueueReply({ text: 'Cache at the edge.' });
    const dm = buildMessageEvent({ channelType: 'im', channel: 'D222', text: 'how to cut read latency?' });
    await harness.postEvent(dm);
    const reply = await harness.slack.waitFor(() =>
      harness.slack.messagesIn('D222', dm.event.ts as string).find((message) => message.isBot && !message.isStreaming),
    );
    expect(reply.text).toBe('Cache at the edge.');
    const health = await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`);
    expect(await metrics.text()).toContain('crew_turns_total');
  });
});
