import type { FakeContentBlockParam, FakeToolResultBlockParam } from './fake-anthropic-block-types.js';
import type { FakeAnthropicRequest } from './fake-anthropic-types.js';

/** One content block of a recorded request, with where it sits. */
export interface FakeRequestBlock<B extends FakeContentBlockParam = FakeContentBlockParam> {
  role: 'user' | 'assistant';
  /** Index of the message in `messages`. */
  message: number;
  /** Index of the block in the message's content (0 for string content). */
  index: number;
  block: B;
}

type Messages = Array<{ role: 'user' | 'assistant'; content: string | FakeContentBlockParam[] }>;

function messagesOf(request: FakeAnthropicRequest): Messages {
  const messages = (request.body as { messages?: unknown } | undefined)?.messages;
  return Array.isArray(messages) ? (messages as Messages) : [];
}

/**
 * Every content block the request's messages carried, oldest first; string content reads as one
 * text block. With `type`, only blocks of that type (typed accordingly).
 */
export function readRequestBlocks<T extends FakeContentBlockParam['type']>(
  request: FakeAnthropicRequest,
  type?: T,
): Array<FakeRequestBlock<Extract<FakeContentBlockParam, { type: T }>>> {
  const found: FakeRequestBlock[] = [];
  messagesOf(request).forEach((m, message) => {
    const blocks: FakeContentBlockParam[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    blocks.forEach((block, index) => found.push({ role: m.role, message, index, block }));
  });
  return found.filter((b) => type === undefined || b.block.type === type) as Array<FakeRequestBlock<Extract<FakeContentBlockParam, { type: T }>>>;
}

/** The `tool_result` blocks of the request's last message (what answers the previous reply's calls). */
export function readToolResults(request: FakeAnthropicRequest): FakeToolResultBlockParam[] {
  const last = messagesOf(request).length - 1;
  return readRequestBlocks(request, 'tool_result')
    .filter((b) => b.message === last)
    .map((b) => b.block);
}

/** The text of a `tool_result`'s content (string, or its text blocks joined). */
export function readToolResultText(result: FakeToolResultBlockParam): string {
  if (result.content === undefined) return '';
  return typeof result.content === 'string' ? result.content : result.content.map((b) => b.text).join('');
}

/** Names of the tools the request offered, in order (custom and server tools alike). */
export function readToolNames(request: FakeAnthropicRequest): string[] {
  return request.tools.map((tool) => tool.name);
}
