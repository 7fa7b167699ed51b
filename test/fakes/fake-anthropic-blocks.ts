import { createHash } from 'node:crypto';
import type { FakeContentBlock, FakeReplyBlock, FakeStopReason } from './fake-anthropic-block-types.js';
import { CHARS_PER_TOKEN, countTokens } from './fake-anthropic-reply.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIRECT = { type: 'direct' } as const;

/**
 * A deterministic id shaped like the API's (`toolu_01` + 22 base62 characters), so a test can
 * reproduce a run while the code under test sees realistic ids.
 */
export function generateFakeId(prefix: 'toolu' | 'srvtoolu', seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let tail = '';
  for (let i = 0; i < 22; i += 1) tail += BASE62[(digest[i] as number) % 62];
  return `${prefix}_01${tail}`;
}

/** A thinking signature shaped like the API's (opaque base64); the fake never checks it. */
export function generateFakeSignature(thinking: string): string {
  return `Eu${createHash('sha512').update(thinking).digest('base64')}`;
}

/** The text a block is counted by: its text, its thinking, or the JSON of its input / content. */
export function readCountedText(block: FakeContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'thinking':
      return block.thinking;
    case 'tool_use':
    case 'server_tool_use':
      return JSON.stringify(block.input);
    default:
      return JSON.stringify(block.content);
  }
}

/** Output tokens of sent blocks: ⌈chars/4⌉ per block, as `countTokens` counts text replies. */
export function countOutputTokens(content: FakeContentBlock[]): number {
  return content.reduce((sum, block) => sum + countTokens(readCountedText(block)), 0);
}

/** The API's `usage.server_tool_use` for sent blocks, or undefined when no server tool ran. */
export function countServerToolUse(content: FakeContentBlock[]): { web_search_requests: number; web_fetch_requests: number } | undefined {
  const calls = content.filter((b) => b.type === 'server_tool_use');
  if (calls.length === 0) return undefined;
  return {
    web_search_requests: calls.filter((b) => b.name === 'web_search').length,
    web_fetch_requests: calls.filter((b) => b.name === 'web_fetch').length,
  };
}

/** The text blocks of sent content, joined (what `FakeAnthropicRequest.text` records). */
export function joinText(content: FakeContentBlock[]): string {
  return content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

function completeBlock(block: FakeReplyBlock, seed: string, lastServerToolId: string | undefined): FakeContentBlock {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature ?? generateFakeSignature(block.thinking) };
    case 'tool_use':
      return { type: 'tool_use', id: block.id ?? generateFakeId('toolu', seed), name: block.name, input: block.input, caller: DIRECT };
    case 'server_tool_use':
      return { type: 'server_tool_use', id: block.id ?? generateFakeId('srvtoolu', seed), name: block.name, input: block.input, caller: DIRECT };
    case 'web_search_tool_result':
    case 'web_fetch_tool_result': {
      const toolUseId = block.tool_use_id ?? lastServerToolId;
      if (toolUseId === undefined) throw new Error(`fake reply: ${block.type} without a tool_use_id or a server_tool_use before it`);
      return { ...block, tool_use_id: toolUseId, caller: DIRECT } as FakeContentBlock;
    }
  }
}

/** A block reply ready to send: complete blocks and the stop reason. */
export interface PlannedBlocks {
  content: FakeContentBlock[];
  stopReason: FakeStopReason;
}

/**
 * Completes scripted blocks (ids, signatures, tool result links) and applies `maxTokens`: the text
 * or thinking block that crosses it is cut to fit and later blocks are dropped (a tool block that
 * does not fit is dropped whole, since half an input is no input); the stop reason is then
 * `max_tokens`. `seed` makes generated ids unique per request and stable across runs.
 */
export function planReplyBlocks(blocks: FakeReplyBlock[], maxTokens: number, seed: string, stopReason?: FakeStopReason): PlannedBlocks {
  const content: FakeContentBlock[] = [];
  let lastServerToolId: string | undefined;
  let budget = maxTokens;
  let cut = false;
  for (const [i, scripted] of blocks.entries()) {
    const block = completeBlock(scripted, `${seed}:${i}`, lastServerToolId);
    if (block.type === 'server_tool_use') lastServerToolId = block.id;
    const tokens = countTokens(readCountedText(block));
    if (tokens <= budget) {
      content.push(block);
      budget -= tokens;
      continue;
    }
    cut = true;
    const chars = budget * CHARS_PER_TOKEN;
    if (block.type === 'text' && chars > 0) content.push({ ...block, text: block.text.slice(0, chars) });
    if (block.type === 'thinking' && chars > 0) content.push({ ...block, thinking: block.thinking.slice(0, chars) });
    break;
  }
  if (cut) return { content, stopReason: stopReason ?? 'max_tokens' };
  return { content, stopReason: stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn') };
}
