import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from './fake-anthropic-api.js';
import type { FakeAnthropicApi } from './fake-anthropic-api.js';

const API_KEY = 'sk-ant-test';
const MODEL = 'claude-sonnet-5-5';
const schema = { type: 'object' as const, properties: { q: { type: 'string' } } };
const consult = (name = 'consult', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, description: 'Ask a crew member.', input_schema: schema, ...extra });

let api: FakeAnthropicApi;
let client: Anthropic;

const send = (extra: Record<string, unknown>) =>
  client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], ...extra } as Anthropic.MessageCreateParamsNonStreaming);

async function apiMessage(promise: Promise<unknown>): Promise<string | null | undefined> {
  return promise.then(
    () => 'accepted',
    (error: InstanceType<typeof Anthropic.APIError>) => {
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.type).toBe('invalid_request_error');
      return error.apiMessage;
    },
  );
}

beforeEach(async () => {
  api = await startFakeAnthropicApi({ apiKey: API_KEY });
  client = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 0 });
});

afterEach(async () => {
  await api.close();
});

describe('fake Anthropic API: tool definitions', () => {
  it('accepts custom tools and every documented web search / web fetch version, and records them', async () => {
    const servers = [
      { type: 'web_search_20250305', name: 'web_search', max_uses: 5, allowed_domains: ['docs.slack.dev'] },
      { type: 'web_search_20260209', name: 'web_search', user_location: { type: 'approximate', country: 'DE' } },
      { type: 'web_search_20260318', name: 'web_search', response_inclusion: 'excluded' },
      { type: 'web_fetch_20250910', name: 'web_fetch', max_content_tokens: 10_000 },
      { type: 'web_fetch_20260209', name: 'web_fetch', blocked_domains: ['example.com'] },
      { type: 'web_fetch_20260309', name: 'web_fetch', use_cache: false },
      { type: 'web_fetch_20260318', name: 'web_fetch', citations: { enabled: true } },
    ];
    for (const server of servers) {
      expect(await apiMessage(send({ tools: [consult(), server], tool_choice: { type: 'auto', disable_parallel_tool_use: true } }))).toBe('accepted');
    }
    expect(await apiMessage(send({ tools: [{ ...consult(), type: 'custom' }], tool_choice: { type: 'tool', name: 'consult' } }))).toBe('accepted');
    expect(await apiMessage(send({ tool_choice: { type: 'none' } }))).toBe('accepted');
    expect(api.requests[0]?.tools).toEqual([consult(), servers[0]]);
    expect(api.requests.at(-1)?.tools).toEqual([]);
  });

  it('rejects malformed tools, unknown tool types and bad tool_choice with the API wording', async () => {
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ tools: [{ type: 'web_search_20990101', name: 'web_search' }] }, /^tools\.0: Input tag 'web_search_20990101' found using 'type' does not match any of the expected tags: 'custom', 'web_search_20250305'/],
      [{ tools: [{ type: 'bash_20250124', name: 'bash' }] }, /^tools\.0: Input tag 'bash_20250124'/],
      [{ tools: [{ name: 'consult', description: 'd' }] }, 'tools.0.custom.input_schema: Field required'],
      [{ tools: [consult('ask crew')] }, "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"],
      [{ tools: [{ ...consult(), input_schema: { type: 'array' } }] }, "tools.0.custom.input_schema.type: Input should be 'object'"],
      [{ tools: [consult('consult', { color: 'red' })] }, 'tools.0.custom.color: Extra inputs are not permitted'],
      [{ tools: [consult(), consult()] }, 'tools: Tool names must be unique.'],
      [{ tools: [{ type: 'web_search_20260209', name: 'search' }] }, "tools.0.web_search_20260209.name: Input should be 'web_search'"],
      [{ tools: [{ type: 'web_search_20260209', name: 'web_search', max_uses: 0 }] }, 'tools.0.web_search_20260209.max_uses: Input should be greater than 0'],
      [{ tools: [{ type: 'web_search_20250305', name: 'web_search', response_inclusion: 'full' }] }, 'tools.0.web_search_20250305.response_inclusion: Extra inputs are not permitted'],
      [{ tools: [{ type: 'web_fetch_20250910', name: 'web_fetch', use_cache: true }] }, 'tools.0.web_fetch_20250910.use_cache: Extra inputs are not permitted'],
      [{ tools: [{ type: 'web_fetch_20260209', name: 'web_fetch', allowed_domains: ['a.com'], blocked_domains: ['b.com'] }] }, /only one of allowed_domains and blocked_domains/],
      [{ tools: [{ ...consult(), cache_control: { type: 'persistent' } }] }, "tools.0.cache_control.type: Input should be 'ephemeral'"],
      [{ tool_choice: { type: 'any' } }, 'tool_choice may only be specified while providing tools.'],
      [{ tools: [consult()], tool_choice: { type: 'tool', name: 'web_search' } }, "tool_choice.tool.name: tool 'web_search' is not defined in tools"],
      [{ tools: [consult()], tool_choice: { type: 'required' } }, /^tool_choice: Input tag 'required'/],
      [{ tools: [consult()], tool_choice: { type: 'none', disable_parallel_tool_use: true } }, 'tool_choice.none.disable_parallel_tool_use: Extra inputs are not permitted'],
      [{ tools: [consult()], tool_choice: { type: 'any' }, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } }, 'Thinking may not be enabled when tool_choice forces tool use.'],
      [{ thinking: { type: 'enabled', budget_tokens: 100 }, max_tokens: 4000 }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
    ];
    for (const [extra, expected] of cases) {
      const message = await apiMessage(send(extra));
      if (typeof expected === 'string') expect(message).toBe(expected);
      else expect(message).toMatch(expected);
    }
  });

  it('counts cache_control on tools and tool blocks toward the 4 breakpoints', async () => {
    const marked = { cache_control: { type: 'ephemeral' } };
    const tools = [consult('a', marked), consult('b', marked)];
    const system = [{ type: 'text', text: 'sys', ...marked }];
    const toolUse = { type: 'tool_use', id: 'toolu_01A', name: 'a', input: {}, ...marked };
    const result = { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'ok', ...marked };
    const messages = [{ role: 'user', content: 'q' }, { role: 'assistant', content: [toolUse] }, { role: 'user', content: [result] }];
    expect(await apiMessage(send({ tools, system, messages }))).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.');
    expect(await apiMessage(send({ tools, messages }))).toBe('accepted');
  });

  it('caches tools as the start of the prefix: the same tools read it, a changed tool list misses', async () => {
    const system = [{ type: 'text', text: 'You are the architect. '.repeat(250), cache_control: { type: 'ephemeral' } }];
    const tools = [consult()];
    const first = await send({ tools, system });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    const second = await send({ tools, system, messages: [{ role: 'user', content: 'another question' }] });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    const changed = await send({ tools: [...tools, consult('review')], system });
    expect(changed.usage.cache_read_input_tokens).toBe(0);
    expect(changed.usage.cache_creation_input_tokens).toBeGreaterThan(first.usage.cache_creation_input_tokens!);
    const withoutTools = await send({ system });
    expect(withoutTools.usage.cache_read_input_tokens).toBe(0);

    // A breakpoint on the last tool caches the tool list alone once it is long enough.
    const many = Array.from({ length: 40 }, (_, i) => consult(`tool_${i}`, { description: 'Ask a crew member about their area. '.repeat(3) }));
    many[39] = { ...many[39]!, cache_control: { type: 'ephemeral' } };
    const toolsOnly = await send({ tools: many });
    expect(toolsOnly.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    const again = await send({ tools: many, system: 'a different system prompt' });
    expect(again.usage.cache_read_input_tokens).toBe(toolsOnly.usage.cache_creation_input_tokens);
  });
});
