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
