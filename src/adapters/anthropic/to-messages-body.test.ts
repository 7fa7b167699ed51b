import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../core/model/ports.js';
import { toMessagesBody } from './to-messages-body.js';

function request(flags: boolean[]): ModelRequest {
  return {
    model: 'claude-sonnet-4-6',
    system: 'You are an architect.',
    maxTokens: 100,
    messages: flags.map((cacheBreakpoint, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: [{ type: 'text' as const, text: `message ${index}` }],
      ...(cacheBreakpoint ? { cacheBreakpoint } : {}),
    })),
  };
}

function breakpoints(body: ReturnType<typeof toMessagesBody>): string[] {
  const found = body.system.filter((block) => block.cache_control).map(() => 'system');
  body.messages.forEach((message, index) => {
    const blocks = message.content as Array<{ cache_control?: unknown }>;
    if (blocks.some((block) => block.cache_control)) found.push(`message ${index}`);
  });
  return found;
}

describe('toMessagesBody', () => {
  it('caches the system prompt and the flagged messages', () => {
    const body = toMessagesBody(request([false, true, false, true, true]));
    expect(breakpoints(body)).toEqual(['system', 'message 1', 'message 3', 'message 4']);
  });

  it('never sends more than 4 breakpoints: the last flagged messages win', () => {
    const body = toMessagesBody(request([true, true, true, true, true]));
    expect(breakpoints(body)).toEqual(['system', 'message 2', 'message 3', 'message 4']);
  });

  it('sends every message as text blocks, so a message serializes the same with or without a breakpoint', () => {
    const flagged = toMessagesBody(request([true])).messages[0];
    const plain = toMessagesBody(request([false])).messages[0];
    expect(plain).toEqual({ role: 'user', content: [{ type: 'text', text: 'message 0' }] });
    expect(flagged).toEqual({ role: 'user', content: [{ type: 'text', text: 'message 0', cache_control: { type: 'ephemeral' } }] });
  });

  it('leaves every breakpoint out when prompt caching is off', () => {
    const body = toMessagesBody(request([true, true, true]), { promptCaching: false });
    expect(breakpoints(body)).toEqual([]);
    expect(JSON.stringify(body)).not.toContain('cache_control');
  });

  it('sends tool blocks in the API’s shapes, server tool results exactly as they came, with the breakpoint on the last block', () => {
    const raw = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://redis.io', title: 'Redis', encrypted_content: 'x' }] };
    const body = toMessagesBody({
      model: 'claude-test',
      system: 'S',
      maxTokens: 10,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          cacheBreakpoint: true,
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool-use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'redis' }, server: true },
            { type: 'tool-result', toolUseId: 'srvtoolu_1', content: '', server: true, raw },
            { type: 'tool-use', id: 'toolu_2', name: 'consult', input: { member: 'sre' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool-result', toolUseId: 'toolu_2', content: 'Use two regions.', isError: false }] },
      ],
    });
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'hmm', signature: 'sig' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'redis' } },
      raw,
      { type: 'tool_use', id: 'toolu_2', name: 'consult', input: { member: 'sre' }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages[2]?.content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'Use two regions.' }]);
  });

  it('sends the agent’s effort as output_config.effort, and nothing when it has none', () => {
    expect(toMessagesBody({ ...request([true]), effort: 'low' })).toMatchObject({ output_config: { effort: 'low' } });
    expect(toMessagesBody(request([true]))).not.toHaveProperty('output_config');
  });

  it('asks for thinking text back (adaptive, summarized) when the turn wants it', () => {
    expect(toMessagesBody({ ...request([true]), thinkingText: true })).toMatchObject({ thinking: { type: 'adaptive', display: 'summarized' } });
    expect(toMessagesBody(request([true]))).not.toHaveProperty('thinking');
  });
});
