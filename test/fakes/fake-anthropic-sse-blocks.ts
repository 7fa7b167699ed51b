import type { ServerResponse } from 'node:http';
import { countOutputTokens, countServerToolUse } from './fake-anthropic-blocks.js';
import { CHARS_PER_TOKEN } from './fake-anthropic-reply.js';
import { applyMidStreamFault, faultLimit, sleep, sseFrame, write } from './fake-anthropic-sse.js';
import type { FakeAnthropicFault, FakeAnthropicOutcome, FakeContentBlock, FakeStopReason, FakeUsage } from './fake-anthropic-types.js';

/** What {@link writeFakeAnthropicBlocksSse} streams. */
export interface SseBlocksPlan {
  messageId: string;
  model: string;
  content: FakeContentBlock[];
  stopReason: FakeStopReason;
  /** Input usage for `message_start`; output usage in `message_delta` counts what was sent. */
  usage: FakeUsage;
  tokensPerDelta: number;
  tokensPerSecond?: number;
  firstTokenDelayMs?: number;
  fault?: FakeAnthropicFault;
  /** Called once, before the first delta (or whole result block) is written. */
  onFirstDelta(): void;
  /** Called with the blocks actually sent (all, or those, and the part of one, before a fault/abort). */
  onSent(content: FakeContentBlock[]): void;
}

/** The block as `content_block_start` carries it: text and thinking empty, tool input `{}`, results whole. */
function startOf(block: FakeContentBlock): FakeContentBlock {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_use':
    case 'server_tool_use':
      return { ...block, input: {} };
    default:
      return block;
  }
}

function split(text: string, step: number): string[] {
  const pieces: string[] = [];
  for (let offset = 0; offset < text.length; offset += step) pieces.push(text.slice(offset, offset + step));
  return pieces;
}

/**
 * Streams a reply made of content blocks the way the API does: `message_start`, then for each
 * block `content_block_start` (its index; text/thinking empty, tool input `{}`, server tool
 * results whole), its deltas (`text_delta`; `thinking_delta`s then one `signature_delta`;
 * `input_json_delta` pieces of the input JSON, cut at arbitrary points every `tokensPerDelta × 4`
 * characters, after an empty first piece as the API sends), `content_block_stop`; a `ping` after
 * the first block starts; then `message_delta` (stop reason; usage with `server_tool_use` when
 * server tools ran) and `message_stop`. A mid-stream fault fires before text beyond its
 * character count (text blocks only) would be sent, or at the end of the content, leaving the
 * current block unclosed as the text stream does.
 */
export async function writeFakeAnthropicBlocksSse(res: ServerResponse, plan: SseBlocksPlan): Promise<FakeAnthropicOutcome> {
  const { usage } = plan;
  await write(
    res,
    sseFrame('message_start', {
      type: 'message_start',
      message: {
        id: plan.messageId,
        type: 'message',
        role: 'assistant',
        model: plan.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: 1,
        },
      },
    }),
  );

  const limit = faultLimit(plan.fault);
  let textLeft = limit ?? Number.POSITIVE_INFINITY;
  const step = Math.max(1, plan.tokensPerDelta * CHARS_PER_TOKEN);
  const pauseMs = plan.tokensPerSecond ? (plan.tokensPerDelta / plan.tokensPerSecond) * 1000 : 0;
  const sent: FakeContentBlock[] = [];
  let outputStarted = false;
  // The stop of a block is written when the next one starts, so that a fault leaves it open.
  let pendingStop = '';
  let faulted = false;

  const beforeOutput = async () => {
    if (!outputStarted) {
      outputStarted = true;
      if (plan.firstTokenDelayMs) await sleep(plan.firstTokenDelayMs);
      plan.onFirstDelta();
    } else if (pauseMs > 0) {
      await sleep(pauseMs);
    }
  };
  const delta = (index: number, body: Record<string, unknown>) =>
    sseFrame('content_block_delta', { type: 'content_block_delta', index, delta: body });

  for (const [index, block] of plan.content.entries()) {
    if (res.destroyed) break;
    const start = startOf(block);
    if (block.type.endsWith('_tool_result')) await beforeOutput();
    await write(
      res,
      pendingStop +
        sseFrame('content_block_start', { type: 'content_block_start', index, content_block: start }) +
        (index === 0 ? sseFrame('ping', { type: 'ping' }) : ''),
    );
    pendingStop = sseFrame('content_block_stop', { type: 'content_block_stop', index });
    const current = { ...start } as FakeContentBlock;
    sent.push(current);

    if (block.type === 'text' && current.type === 'text') {
      for (const piece of split(block.text, step)) {
        if (textLeft <= 0) {
          faulted = true;
          break;
        }
        const part = piece.slice(0, textLeft);
        await beforeOutput();
        if (res.destroyed) break;
        await write(res, delta(index, { type: 'text_delta', text: part }));
        current.text += part;
        textLeft -= part.length;
      }
    } else if (block.type === 'thinking' && current.type === 'thinking') {
      for (const piece of split(block.thinking, step)) {
        await beforeOutput();
        if (res.destroyed) break;
        await write(res, delta(index, { type: 'thinking_delta', thinking: piece }));
        current.thinking += piece;
      }
      if (!res.destroyed) {
        await write(res, delta(index, { type: 'signature_delta', signature: block.signature }));
        current.signature = block.signature;
      }
    } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
      for (const piece of ['', ...split(JSON.stringify(block.input), step)]) {
        await beforeOutput();
        if (res.destroyed) break;
        await write(res, delta(index, { type: 'input_json_delta', partial_json: piece }));
      }
      if (!res.destroyed) sent[sent.length - 1] = block;
    }
    if (faulted) break;
  }

  plan.onSent(sent);
  if (res.destroyed) return 'client_aborted';
  const fault = await applyMidStreamFault(res, plan.fault);
  if (fault) return fault;

  const serverToolUse = countServerToolUse(sent);
  res.end(
    pendingStop +
      sseFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: plan.stopReason, stop_sequence: null },
        usage: { output_tokens: countOutputTokens(sent), ...(serverToolUse ? { server_tool_use: serverToolUse } : {}) },
      }) +
      sseFrame('message_stop', { type: 'message_stop' }),
  );
  return 'completed';
}
