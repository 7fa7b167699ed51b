import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../../../test/fakes/fake-anthropic-api.js';
import { ModelCallError } from '../../core/errors.js';
import type { ModelEvent, ModelRequest } from '../../core/model/ports.js';
import { createAnthropicModelClient } from './anthropic-model-client.js';

const request: ModelRequest = { model: 'claude-test', system: 'You are terse.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], maxTokens: 200 };
let fake: FakeAnthropicApi;

beforeAll(async () => {
  fake = await startFakeAnthropicApi();
});
afterAll(async () => {
  await fake.close();
});

/** Reads the stream slowly (as the Slack sink does while a call is in flight). */
async function readSlowly(): Promise<{ texts: string[]; end?: ModelEvent; error?: unknown }> {
  const client = createAnthropicModelClient({ apiKey: 'sk-test', baseUrl: fake.url });
  const texts: string[] = [];
  try {
    for await (const event of client.stream(request, new AbortController().signal)) {
      if (event.type === 'message-end') return { texts, end: event };
      // Failures arrive as the stream's last event, never as a throw.
      if (event.type === 'error') return { texts, error: event.error };
      if (event.type === 'text-delta') texts.push(event.text);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return { texts };
  } catch (error) {
    return { texts, error };
  }
}

describe('the Anthropic model client', () => {
  it('streams a complete answer and ends with message-end', async () => {
    fake.enqueueReply({ text: 'All good here.' });
    const { texts, end, error } = await readSlowly();
    expect(error).toBeUndefined();
    expect(texts.join('')).toBe('All good here.');
    expect(end).toMatchObject({ type: 'message-end', stopReason: 'end_turn', content: [{ type: 'text', text: 'All good here.' }] });
  });

  it('fails with a typed error when an error event arrives while the reader is busy (the SDK iterator would just end)', async () => {
    fake.enqueueReply({ text: 'Partial text that gets cut off by an overload.', fault: { errorAfterChars: 24 } });
    const { texts, end, error } = await readSlowly();
    expect(end).toBeUndefined();
    expect(texts.join('')).toBe('Partial text that gets c');
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ code: 'model_overloaded', retryable: true, requestId: fake.requests.at(-1)?.id });
  });

  it('fails with connection lost when the connection drops mid-answer', async () => {
    fake.enqueueReply({ text: 'Partial text that gets cut off by a drop.', fault: { dropAfterChars: 24 } });
    const { end, error } = await readSlowly();
    expect(end).toBeUndefined();
    expect(error).toMatchObject({ code: 'model_connection_lost', retryable: true, requestId: fake.requests.at(-1)?.id });
  });
});

describe('the Anthropic model client: one event union from real block streams', () => {
  async function readAll(reply: Parameters<FakeAnthropicApi['enqueueReply']>[0]): Promise<ModelEvent[]> {
    fake.enqueueReply(reply);
    const client = createAnthropicModelClient({ apiKey: 'sk-test', baseUrl: fake.url });
    const events: ModelEvent[] = [];
    for await (const event of client.stream(request, new AbortController().signal)) events.push(event);
    return events;
  }

  it('yields thinking (not as text), a client tool call with its parsed input, and ends with tool_use as a normal end', async () => {
    const events = await readAll({
      blocks: [
        { type: 'thinking', thinking: 'The question needs the SRE.', signature: 'sig-abc' },
        { type: 'text', text: 'Let me ask the SRE. ' },
        { type: 'tool_use', id: 'toolu_01A', name: 'consult', input: { member: 'sre', question: 'What is our RPO?' } },
      ],
    });
    expect(events.filter((event) => event.type === 'thinking-delta').map((event) => (event as { text: string }).text).join('')).toBe('The question needs the SRE.');
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text).join('')).toBe('Let me ask the SRE. ');
    expect(events.find((event) => event.type === 'tool-call')).toEqual({
      type: 'tool-call',
      id: 'toolu_01A',
      name: 'consult',
      input: { member: 'sre', question: 'What is our RPO?' },
      server: false,
    });
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'message-end', stopReason: 'tool_use' });
    expect(end?.type === 'message-end' && end.content).toEqual([
      { type: 'thinking', thinking: 'The question needs the SRE.', signature: 'sig-abc' },
      { type: 'text', text: 'Let me ask the SRE. ' },
      { type: 'tool-use', id: 'toolu_01A', name: 'consult', input: { member: 'sre', question: 'What is our RPO?' }, server: false },
    ]);
  });

  it('yields a server web search and its result with the sources found, and pause_turn as a normal end', async () => {
    const events = await readAll({
      blocks: [
        { type: 'server_tool_use', id: 'srvtoolu_01B', name: 'web_search', input: { query: 'postgres 18 async io' } },
        {
          type: 'web_search_tool_result',
          tool_use_id: 'srvtoolu_01B',
          content: [{ type: 'web_search_result', url: 'https://www.postgresql.org/about/news/', title: 'PostgreSQL 18 Released', encrypted_content: 'enc' }],
        },
      ],
      stopReason: 'pause_turn',
    });
    expect(events.map((event) => event.type)).toEqual(['tool-call', 'tool-result', 'message-end']);
    expect(events[0]).toMatchObject({ type: 'tool-call', name: 'web_search', input: { query: 'postgres 18 async io' }, server: true });
    expect(events[1]).toEqual({
      type: 'tool-result',
      toolUseId: 'srvtoolu_01B',
      server: true,
      isError: false,
      sources: [{ url: 'https://www.postgresql.org/about/news/', title: 'PostgreSQL 18 Released' }],
    });
    const end = events[2];
    expect(end).toMatchObject({ type: 'message-end', stopReason: 'pause_turn' });
    // The server result is kept as it came, to be sent back unchanged when the turn continues.
    const result = end?.type === 'message-end' ? end.content.find((block) => block.type === 'tool-result') : undefined;
    expect(result).toMatchObject({ type: 'tool-result', toolUseId: 'srvtoolu_01B', server: true, raw: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01B' } });
  });
});
