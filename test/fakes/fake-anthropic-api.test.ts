import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from './fake-anthropic-api.js';
import type { FakeAnthropicApi } from './fake-anthropic-api.js';

const API_KEY = 'sk-ant-test';
const MODEL = 'claude-sonnet-4-6';

let api: FakeAnthropicApi;
let client: Anthropic;

const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) => ({
  model: MODEL,
  max_tokens: 200,
  messages: [{ role: 'user' as const, content }],
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeEach(async () => {
  api = await startFakeAnthropicApi({ apiKey: API_KEY });
  client = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 0 });
});

afterEach(async () => {
  await api.close();
});

describe('fake Anthropic API', () => {
  it('streams text deltas that the SDK assembles, with usage and request id', async () => {
    api.enqueueReply({ text: 'Hello there, streaming world!', tokensPerDelta: 2 });
    const stream = client.messages.stream(ask('hi'));
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello there, streaming world!');
    expect(texts.length).toBe(4);
    expect(message.content).toMatchObject([{ type: 'text', text: 'Hello there, streaming world!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ output_tokens: 8, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(stream.request_id).toBe('req_fake_1');
    const [record] = await api.waitForRequests(1);
    expect(record).toMatchObject({ outcome: 'completed', stream: true, status: 200, text: 'Hello there, streaming world!' });
    expect(record?.headers['anthropic-version']).toBeTruthy();
    expect(record?.firstDeltaAt).toBeGreaterThanOrEqual(record?.receivedAt ?? Infinity);
  });

  it('frames SSE exactly like the API and yields the same events to for-await', async () => {
    const response = await fetch(`${api.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('frame check'), stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const raw = await response.text();
    const events = [...raw.matchAll(/^event: (\w+)\ndata: (.*)\n\n/gm)].map((m) => m[1]);
    expect(raw.length).toBe([...raw.matchAll(/event: \w+\ndata: .*\n\n/g)].reduce((n, m) => n + m[0].length, 0));
    expect(events.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);

    const types: string[] = [];
    for await (const event of client.messages.stream(ask('again'))) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).not.toContain('ping');
  });

  it('answers non-streaming requests with the default reply and honours max_tokens', async () => {
    const message = await client.messages.create(ask('how do we shard the orders table please'));
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect((message.content[0] as Anthropic.TextBlock).text).toMatch(/^Architect answer #1: about "how do we shard the orders"/);
    api.enqueueReply({ tokens: 100 });
    const cut = await client.messages.create(ask('long', { max_tokens: 10 }));
    expect(cut.stop_reason).toBe('max_tokens');
    expect((cut.content[0] as Anthropic.TextBlock).text).toHaveLength(40);
    expect(cut.usage.output_tokens).toBe(10);
  });

  it('paces deltas by tokensPerSecond', async () => {
    api.enqueueReply({ tokens: 30, tokensPerDelta: 3, tokensPerSecond: 150 });
    const started = Date.now();
    await client.messages.stream(ask('pace')).finalMessage();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    api.enqueueReply({ tokens: 300, tokensPerSecond: 100 });
    const stream = client.messages.stream(ask('abort me'));
    stream.on('text', () => stream.abort());
    expect(await rejection(stream.finalMessage())).toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect.poll(() => api.requests[1]?.outcome).toBe('client_aborted');
    expect(api.requests[1]?.text?.length).toBeLessThan(300 * 4);
  });

  it('surfaces 429, 529, 500 and 401 as the SDK error classes', async () => {
    api.enqueueReply({ fault: { status: 429, retryAfterSeconds: 2 } });
    const limited = await rejection(client.messages.create(ask('x')));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).status).toBe(429);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('2');
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).requestID).toBe('req_fake_1');

    api.enqueueReply({ fault: { status: 529 } });
    const overloaded = (await rejection(client.messages.stream(ask('x')).finalMessage())) as InstanceType<typeof Anthropic.APIError>;
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe('overloaded_error');

    api.enqueueReply({ fault: { status: 500 } });
    expect(await rejection(client.messages.create(ask('x')))).toBeInstanceOf(Anthropic.InternalServerError);

    const wrongKey = new Anthropic({ apiKey: 'sk-wrong', baseURL: api.url, maxRetries: 0 });
    const auth = (await rejection(wrongKey.messages.create(ask('x')))) as InstanceType<typeof Anthropic.APIError>;
    expect(auth).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(auth.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  });

  it('retries a scripted fault N times then succeeds when the SDK retries', async () => {
    api.enqueueReply({ fault: { status: 529, retryAfterMs: 5, shouldRetry: true } }, 2);
    api.enqueueReply({ text: 'finally' });
    const retrying = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 2 });
    const message = await retrying.messages.create(ask('x'));
    expect((message.content[0] as Anthropic.TextBlock).text).toBe('finally');
    expect(api.requests.map((r) => r.outcome)).toEqual(['http_error', 'http_error', 'completed']);
  });

  it('rejects with the error event type when the stream fails midway', async () => {
    api.enqueueReply({ text: 'abcdefghijklmnopqrstuvwxyz', fault: { errorAfterChars: 10, errorType: 'overloaded_error' } });
    const stream = client.messages.stream(ask('x'));
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const error = (await rejection(stream.finalMessage())) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBeUndefined();
    expect(error.type).toBe('overloaded_error');
    expect(error.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(texts.join('')).toBe('abcdefghij');
    expect(api.requests[0]).toMatchObject({ outcome: 'stream_error', text: 'abcdefghij' });
  });

  it('stalls until the client aborts, and drops connections', async () => {
    api.enqueueReply({ text: 'abcdefghijklmnop', fault: { stallAfterChars: 5 } });
    const controller = new AbortController();
    const stream = client.messages.stream(ask('x'), { signal: controller.signal });
    stream.on('text', () => setTimeout(() => controller.abort(), 20));
    expect(await rejection(stream.finalMessage())).toBeInstanceOf(Anthropic.APIUserAbortError);
    await api.waitForRequests(1);
    await expect.poll(() => api.requests[0]?.outcome).toBe('stalled');

    api.enqueueReply({ text: 'abcdefghijklmnop', fault: { dropAfterChars: 5 } });
    const dropped = (await rejection(client.messages.stream(ask('x')).finalMessage())) as Error;
    expect(dropped).toBeInstanceOf(Anthropic.AnthropicError);
    expect(dropped).not.toBeInstanceOf(Anthropic.APIError);
    expect(dropped.message).toMatch(/terminated/i);

    api.enqueueReply({ text: 'x', fault: { dropBeforeResponse: true } });
    expect(await rejection(client.messages.stream(ask('x')).finalMessage())).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('close() does not hang on a stalled stream', async () => {
    api.enqueueReply({ text: 'abcdefghijklmnop', fault: { stallAfterChars: 5 } });
    const stream = client.messages.stream(ask('x'));
    const settled = stream.finalMessage().then(
      () => 'resolved',
      (error: Error) => error.constructor.name,
    );
    await expect.poll(() => api.requests[0]?.text).toBe('abcde');
    await api.close();
    expect(await settled).toBe('AnthropicError');
    api = await startFakeAnthropicApi();
  });

  it('simulates prompt caching on system breakpoints and automatic caching', async () => {
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: 'You are the architect. '.repeat(250), cache_control: { type: 'ephemeral' } },
    ];
    const first = await client.messages.create(ask('first question', { system }));
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await client.messages.create(ask('second question', { system }));
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBeLessThan(20);

    // Automatic caching: turn 2 reads turn 1's whole prefix through the lookback window.
    const long = 'context '.repeat(700);
    const turn1 = [{ role: 'user' as const, content: long }];
    const a = await client.messages.create({ model: MODEL, max_tokens: 50, messages: turn1, cache_control: { type: 'ephemeral' } });
    expect(a.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    const turn2 = [...turn1, { role: 'assistant' as const, content: 'ok' }, { role: 'user' as const, content: 'more' }];
    const b = await client.messages.create({ model: MODEL, max_tokens: 50, messages: turn2, cache_control: { type: 'ephemeral' } });
    expect(b.usage.cache_read_input_tokens).toBe(a.usage.cache_creation_input_tokens);
    expect(b.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(api.usageTotals().requests).toBe(4);
  });

  it('rejects invalid bodies with 400 invalid_request_error', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ model: MODEL, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }, /max_tokens/],
      [{ model: MODEL, max_tokens: 5, messages: [] }, /at least one message/],
      [{ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }, /alternate/],
      [{ model: MODEL, max_tokens: 5, messages: [{ role: 'assistant', content: 'a' }] }, /first message/],
      [{ model: '', max_tokens: 5, messages: [{ role: 'user', content: 'a' }] }, /model/],
      [
        {
          model: MODEL,
          max_tokens: 5,
          messages: [{ role: 'user', content: Array.from({ length: 5 }, () => ({ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } })) }],
        },
        /maximum of 4 blocks with cache_control/,
      ],
    ];
    for (const [body, pattern] of cases) {
      const error = (await rejection(client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming))) as InstanceType<typeof Anthropic.APIError>;
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.type).toBe('invalid_request_error');
      expect(error.apiMessage).toMatch(pattern);
    }
    const noVersion = await fetch(`${api.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(ask('x')),
    });
    expect(noVersion.status).toBe(400);
    expect(noVersion.headers.get('request-id')).toMatch(/^req_fake_\d+$/);
    expect(await noVersion.json()).toMatchObject({ error: { message: 'anthropic-version: header is required' } });
  });
});
