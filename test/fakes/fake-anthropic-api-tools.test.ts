import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRequestBlocks, readToolNames, readToolResults, readToolResultText, startFakeAnthropicApi } from './fake-anthropic-api.js';
import type { FakeAnthropicApi } from './fake-anthropic-api.js';

const API_KEY = 'sk-ant-test';
const MODEL = 'claude-sonnet-5-5';
const CONSULT: Anthropic.Tool = {
  name: 'consult',
  description: 'Ask another crew member.',
  input_schema: { type: 'object', properties: { member: { type: 'string' }, question: { type: 'string' } }, required: ['member', 'question'] },
};
const WEB_SEARCH = { type: 'web_search_20260209', name: 'web_search', max_uses: 3 } as const;
const QUESTION = { role: 'user' as const, content: 'How should we shard the orders table?' };

let api: FakeAnthropicApi;
let client: Anthropic;

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: InstanceType<typeof Anthropic.APIError>) => error,
  );
}

/** Streams one request and returns the final message with the raw events the SDK saw. */
async function streamOnce(params: Anthropic.MessageStreamParams) {
  const stream = client.messages.stream(params);
  const events: Anthropic.MessageStreamEvent[] = [];
  stream.on('streamEvent', (event) => events.push(event));
  const message = await stream.finalMessage();
  return { message, events };
}

beforeEach(async () => {
  api = await startFakeAnthropicApi({ apiKey: API_KEY });
  client = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 0 });
});

afterEach(async () => {
  await api.close();
});

describe('fake Anthropic API: tools, server tools and thinking', () => {
  it('streams text then a client tool_use whose input the SDK parses, ending with stop_reason tool_use', async () => {
    const input = { member: 'security-reviewer', question: 'Is per-tenant sharding safe for PII at rest?' };
    api.enqueueReply({ blocks: [{ type: 'text', text: 'Let me ask security.' }, { type: 'tool_use', name: 'consult', input }] });
    const partials: string[] = [];
    const stream = client.messages.stream({ model: MODEL, max_tokens: 500, messages: [QUESTION], tools: [CONSULT] });
    stream.on('inputJson', (partial) => partials.push(partial));
    const message = await stream.finalMessage();

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me ask security.' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_01[0-9A-Za-z]{22}$/), name: 'consult', input, caller: { type: 'direct' } },
    ]);
    // The input arrives as JSON cut at arbitrary points (12 characters a piece), not as whole keys.
    expect(partials.join('')).toBe(JSON.stringify(input));
    expect(partials.length).toBeGreaterThan(3);
    expect(message.usage.output_tokens).toBe(Math.ceil(20 / 4) + Math.ceil(JSON.stringify(input).length / 4));
    const [record] = await api.waitForRequests(1);
    expect(readToolNames(record!)).toEqual(['consult']);
    expect(record).toMatchObject({ outcome: 'completed', stopReason: 'tool_use', text: 'Let me ask security.', content: message.content });
  });

  it('frames block events with their indices: tool input starts empty, server results arrive whole', async () => {
    api.enqueueReply({
      blocks: [
        { type: 'thinking', thinking: 'The user wants current sharding advice.' },
        { type: 'server_tool_use', name: 'web_search', input: { query: 'postgres sharding 2026' } },
        { type: 'web_search_tool_result', content: [{ type: 'web_search_result', url: 'https://example.com/s', title: 'Sharding', encrypted_content: 'EqgfCioIARgBIiQ3' }] },
        { type: 'text', text: 'Shard by tenant.' },
      ],
    });
    const { events } = await streamOnce({ model: MODEL, max_tokens: 2000, messages: [QUESTION], tools: [WEB_SEARCH] });
    const starts = events.filter((e) => e.type === 'content_block_start');
    expect(starts.map((e) => [e.index, e.content_block.type])).toEqual([[0, 'thinking'], [1, 'server_tool_use'], [2, 'web_search_tool_result'], [3, 'text']]);
    expect(starts[0]?.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(starts[1]?.content_block).toEqual({ type: 'server_tool_use', id: expect.stringMatching(/^srvtoolu_01/), name: 'web_search', input: {}, caller: { type: 'direct' } });
    expect(starts[2]?.content_block).toMatchObject({ tool_use_id: (starts[1]?.content_block as Anthropic.ServerToolUseBlock).id, content: [{ title: 'Sharding' }] });
    expect(events.filter((e) => e.type === 'content_block_delta' && e.index === 2)).toEqual([]);
    const thinkingDeltas = events.filter((e) => e.type === 'content_block_delta' && e.index === 0).map((e) => (e as Anthropic.RawContentBlockDeltaEvent).delta.type);
    expect(thinkingDeltas.at(-1)).toBe('signature_delta');
    expect(new Set(thinkingDeltas.slice(0, -1))).toEqual(new Set(['thinking_delta']));
    expect(events.filter((e) => e.type === 'content_block_stop').map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', usage: { server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 } } });
  });

  it('accepts the follow-up carrying the tool_result, and rejects wrong or missing results with the API errors', async () => {
    api.enqueueReply({ blocks: [{ type: 'tool_use', name: 'consult', input: { member: 'dba', question: 'hot keys?' } }] });
    const { message } = await streamOnce({ model: MODEL, max_tokens: 500, messages: [QUESTION], tools: [CONSULT] });
    const toolUse = message.content[0] as Anthropic.ToolUseBlock;
    const history: Anthropic.MessageParam[] = [QUESTION, { role: 'assistant', content: message.content }];
    const answer = (content: Anthropic.ContentBlockParam[], tools: Anthropic.ToolUnion[] = [CONSULT]) =>
      client.messages.create({ model: MODEL, max_tokens: 200, tools, messages: [...history, { role: 'user', content }] });

    api.enqueueReply({ text: 'Use a hash of the tenant id.' });
    const followUp = await answer([{ type: 'tool_result', tool_use_id: toolUse.id, content: [{ type: 'text', text: 'Watch the big tenants.' }] }, { type: 'text', text: 'Go on.' }]);
    expect(followUp.content).toEqual([{ type: 'text', text: 'Use a hash of the tenant id.' }]);
    const record = api.requests.at(-1)!;
    expect(readToolResults(record).map(readToolResultText)).toEqual(['Watch the big tenants.']);
    expect(readRequestBlocks(record, 'tool_use').map((b) => [b.role, b.message, b.block.id])).toEqual([['assistant', 1, toolUse.id]]);

    const wrong = await rejection(answer([{ type: 'tool_result', tool_use_id: 'toolu_01NotTheOneThatWasCalled', content: 'x' }]));
    expect(wrong).toBeInstanceOf(Anthropic.BadRequestError);
    expect(wrong.apiMessage).toBe(
      'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01NotTheOneThatWasCalled. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    );
    const missing = await rejection(answer([{ type: 'text', text: 'never mind' }]));
    expect(missing.apiMessage).toBe(
      `messages.1: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${toolUse.id}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
    );
    const late = await rejection(answer([{ type: 'text', text: 'results:' }, { type: 'tool_result', tool_use_id: toolUse.id, content: 'x' }]));
    expect(late.apiMessage).toMatch(/^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after/);
    const noTools = await rejection(answer([{ type: 'tool_result', tool_use_id: toolUse.id, content: 'x' }], []));
    expect(noTools.apiMessage).toBe('Requests which include `tool_use` or `tool_result` blocks must define tools.');
    const inAssistant = await rejection(
      client.messages.create({ model: MODEL, max_tokens: 9, tools: [CONSULT], messages: [QUESTION, { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: toolUse.id }] }] }),
    );
    expect(inAssistant.apiMessage).toBe('messages.1.content.0: `tool_result` blocks are only allowed in user messages');
  });

  it('ends a server web search with pause_turn and takes the paused response back as it was sent', async () => {
    api.enqueueReply({
      stopReason: 'pause_turn',
      blocks: [
        { type: 'server_tool_use', name: 'web_search', input: { query: 'citus vs vitess' } },
        { type: 'web_search_tool_result', content: [{ type: 'web_search_result', url: 'https://example.com/c', title: 'Citus', encrypted_content: 'Eq1', page_age: '2 days ago' }] },
        { type: 'server_tool_use', name: 'web_search', input: { query: 'vitess resharding' } },
        { type: 'web_search_tool_result', content: { type: 'web_search_tool_result_error', error_code: 'too_many_requests' } },
      ],
    });
    const { message } = await streamOnce({ model: MODEL, max_tokens: 1000, messages: [QUESTION], tools: [WEB_SEARCH] });
    expect(message.stop_reason).toBe('pause_turn');
    expect(message.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'server_tool_use', 'web_search_tool_result']);
    expect(message.content[2]).toMatchObject({ input: { query: 'vitess resharding' } });
    expect(message.content[3]).toMatchObject({ tool_use_id: (message.content[2] as Anthropic.ServerToolUseBlock).id, content: { error_code: 'too_many_requests' } });
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 2, web_fetch_requests: 0 });

    api.enqueueReply({ blocks: [{ type: 'text', text: 'Citus fits.' }] });
    const resumed = await client.messages.create({ model: MODEL, max_tokens: 200, tools: [WEB_SEARCH], messages: [QUESTION, { role: 'assistant', content: message.content }] });
    expect(resumed).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'Citus fits.' }] });
    expect(readRequestBlocks(api.requests.at(-1)!, 'web_search_tool_result')).toHaveLength(2);

    const orphan = [message.content[1]!, message.content[0]!] as Anthropic.ContentBlockParam[];
    const rejected = await rejection(client.messages.create({ model: MODEL, max_tokens: 9, tools: [WEB_SEARCH], messages: [QUESTION, { role: 'assistant', content: orphan }] }));
    expect(rejected.apiMessage).toMatch(/^messages\.1\.content\.0: unexpected `tool_use_id` found in `web_search_tool_result` blocks: srvtoolu_01\w+\. Each `web_search_tool_result` block must have a corresponding `server_tool_use` block before it\.$/);
  });

  it('takes image and PDF document blocks in user messages, and refuses a wrong media type, bad base64 and an image in an assistant message', async () => {
    const image = { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: Buffer.from('png bytes').toString('base64') } };
    const pdf = { type: 'document' as const, title: 'rfc.pdf', source: { type: 'base64' as const, media_type: 'application/pdf' as const, data: Buffer.from('%PDF-1.7').toString('base64') } };
    api.enqueueReply({ blocks: [{ type: 'text', text: 'Seen.' }] });
    const seen = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: [image, pdf, { type: 'text', text: 'does it match?' }] }] });
    expect(seen.stop_reason).toBe('end_turn');
    const sentTypes = (api.requests.at(-1)!.body as { messages: Array<{ content: Array<{ type: string }> }> }).messages[0]!.content.map((block) => block.type);
    expect(sentTypes).toEqual(['image', 'document', 'text']);

    const tiff = { ...image, source: { ...image.source, media_type: 'image/tiff' } } as unknown as Anthropic.ImageBlockParam;
    expect((await rejection(client.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: [tiff] }] }))).apiMessage).toMatch(/^messages\.0\.content\.0\.source\.media_type: Input should be 'image\/jpeg'/);
    const broken = { ...pdf, source: { ...pdf.source, data: 'not base64!' } };
    expect((await rejection(client.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: [broken] }] }))).apiMessage).toBe('messages.0.content.0.source.data: Invalid base64 data');
    const asAssistant = [QUESTION, { role: 'assistant' as const, content: [image] as unknown as Anthropic.ContentBlockParam[] }];
    expect((await rejection(client.messages.create({ model: MODEL, max_tokens: 9, messages: asAssistant }))).apiMessage).toMatch(/only allowed in user messages/);
  });

  it('answers a web fetch without streaming, counting it in usage, and takes the fetched page back', async () => {
    const page = { type: 'document' as const, source: { type: 'text' as const, media_type: 'text/plain' as const, data: 'Citus shards by distribution column.' }, title: 'Citus docs' };
    api.enqueueReply({
      blocks: [
        { type: 'server_tool_use', name: 'web_fetch', input: { url: 'https://docs.citusdata.com/' } },
        { type: 'web_fetch_tool_result', content: { type: 'web_fetch_result', url: 'https://docs.citusdata.com/', content: page, retrieved_at: '2026-11-20T10:00:00Z' } },
        { type: 'text', text: 'Citus distributes by a column.' },
      ],
    });
    const tools = [{ type: 'web_fetch_20260309', name: 'web_fetch', max_uses: 2 }] as unknown as Anthropic.ToolUnion[];
    const message = await client.messages.create({ model: MODEL, max_tokens: 500, tools, messages: [QUESTION] });
    expect(message.content.map((b) => b.type)).toEqual(['server_tool_use', 'web_fetch_tool_result', 'text']);
    expect(message.content[1]).toMatchObject({ tool_use_id: (message.content[0] as Anthropic.ServerToolUseBlock).id, content: { content: { title: 'Citus docs' } } });
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 0, web_fetch_requests: 1 });
    const back = [QUESTION, { role: 'assistant' as const, content: message.content }, { role: 'user' as const, content: 'thanks' }];
    expect((await client.messages.create({ model: MODEL, max_tokens: 50, tools, messages: back })).stop_reason).toBe('end_turn');
  });

  it('streams thinking with its signature, returns the same blocks without streaming, and takes them back', async () => {
    const reasoning = 'Sharding by tenant keeps joins local; watch the largest tenants.';
    const blocks = [
      { type: 'thinking' as const, thinking: reasoning },
      { type: 'text' as const, text: 'Shard by tenant id.' },
    ];
    api.enqueueReply({ blocks });
    const thinking: string[] = [];
    const signatures: string[] = [];
    const params = { model: MODEL, max_tokens: 4000, messages: [QUESTION], thinking: { type: 'enabled' as const, budget_tokens: 1024 } };
    const stream = client.messages.stream(params);
    stream.on('thinking', (delta) => thinking.push(delta));
    stream.on('signature', (signature) => signatures.push(signature));
    const streamed = await stream.finalMessage();
    expect(thinking.join('')).toBe(reasoning);
    expect(signatures).toEqual([expect.stringMatching(/^Eu[A-Za-z0-9+/=]{40,}$/)]);
    expect(streamed.content).toEqual([{ type: 'thinking', thinking: reasoning, signature: signatures[0] }, { type: 'text', text: 'Shard by tenant id.' }]);

    api.enqueueReply({ blocks });
    const plain = await client.messages.create(params);
    expect(plain.content).toEqual(streamed.content);
    expect(plain.usage.output_tokens).toBe(streamed.usage.output_tokens);

    const back = [QUESTION, { role: 'assistant' as const, content: streamed.content }, { role: 'user' as const, content: 'And hot tenants?' }];
    await client.messages.create({ ...params, messages: back });
    const unsigned = await rejection(client.messages.create({ ...params, messages: [QUESTION, { role: 'assistant', content: [{ type: 'thinking', thinking: 'x' } as Anthropic.ThinkingBlockParam] }] }));
    expect(unsigned.apiMessage).toBe('messages.1.content.0.signature: Field required');
    const small = await rejection(client.messages.create({ ...params, max_tokens: 1024 }));
    expect(small.apiMessage).toBe('`max_tokens` must be greater than `thinking.budget_tokens`.');
  });

  it('cuts block replies at max_tokens and applies text faults after the tool blocks before them', async () => {
    api.enqueueReply({ blocks: [{ type: 'tool_use', name: 'consult', input: { member: 'dba', question: 'q' } }, { type: 'text', text: 'x'.repeat(400) }] });
    const cut = await client.messages.create({ model: MODEL, max_tokens: 20, tools: [CONSULT], messages: [QUESTION] });
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.content.map((b) => b.type)).toEqual(['tool_use', 'text']);
    expect(cut.usage.output_tokens).toBe(20);

    api.enqueueReply({ blocks: [{ type: 'tool_use', name: 'consult', input: { member: 'dba', question: 'q' } }, { type: 'text', text: 'abcdefghijklmnop' }], fault: { errorAfterChars: 5 } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 500, tools: [CONSULT], messages: [QUESTION] });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const error = await rejection(stream.finalMessage());
    expect(error.type).toBe('overloaded_error');
    expect(texts.join('')).toBe('abcde');
    expect(api.requests.at(-1)).toMatchObject({ outcome: 'stream_error', text: 'abcde', content: [{ type: 'tool_use', name: 'consult' }, { type: 'text', text: 'abcde' }] });
  });
});
