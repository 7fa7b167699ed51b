import type { ServerResponse } from 'node:http';
import { CHARS_PER_TOKEN } from './fake-anthropic-reply.js';
import type { FakeAnthropicFault, FakeAnthropicOutcome, FakeStopReason, FakeUsage } from './fake-anthropic-types.js';

/** What {@link writeFakeAnthropicSse} streams. */
export interface SseReplyPlan {
  messageId: string;
  model: string;
  text: string;
  stopReason: FakeStopReason;
  usage: FakeUsage;
  tokensPerDelta: number;
  tokensPerSecond?: number;
  firstTokenDelayMs?: number;
  fault?: FakeAnthropicFault;
  /** Called once, when the first text delta is written. */
  onFirstDelta(): void;
  /** Called with the text actually sent (all of it, or the part before a fault). */
  onSent(text: string): void;
}

/** One SSE frame exactly as the API writes it: `event: X\ndata: JSON\n\n`. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes one chunk and resolves once it is flushed (or at once when the socket is gone). */
export function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(chunk, () => resolve());
  });
}

/** The character count after which a mid-stream fault fires, if the fault is one. */
export function faultLimit(fault: FakeAnthropicFault | undefined): number | undefined {
  if (!fault) return undefined;
  if ('errorAfterChars' in fault) return fault.errorAfterChars;
  if ('stallAfterChars' in fault) return fault.stallAfterChars;
  if ('dropAfterChars' in fault) return fault.dropAfterChars;
  return undefined;
}

/** Resolves when the response closes (the client aborted or the fake closed). */
export function waitForClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.once('close', () => resolve());
  });
}

/**
 * Streams a Messages API reply as the real API does: `message_start` (usage with input and cache
 * tokens, `output_tokens: 1`), `content_block_start` (index 0, empty text), `ping`, text
 * `content_block_delta`s, `content_block_stop`, `message_delta` (stop reason, `output_tokens`),
 * `message_stop`. Applies mid-stream faults after exactly `n` characters of text. Resolves with
 * the outcome once the response ended (for a stall: when the client aborted or the fake closed).
 */
export async function writeFakeAnthropicSse(res: ServerResponse, plan: SseReplyPlan): Promise<FakeAnthropicOutcome> {
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
    }) +
      sseFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      sseFrame('ping', { type: 'ping' }),
  );

  const limit = faultLimit(plan.fault);
  const text = limit === undefined ? plan.text : plan.text.slice(0, Math.max(0, limit));
  const step = Math.max(1, plan.tokensPerDelta * CHARS_PER_TOKEN);
  const pauseMs = plan.tokensPerSecond ? (plan.tokensPerDelta / plan.tokensPerSecond) * 1000 : 0;
  if (plan.firstTokenDelayMs) await sleep(plan.firstTokenDelayMs);
  let sent = '';
  for (let offset = 0; offset < text.length; offset += step) {
    if (res.destroyed) {
      plan.onSent(sent);
      return 'client_aborted';
    }
    if (offset > 0 && pauseMs > 0) await sleep(pauseMs);
    const piece = text.slice(offset, offset + step);
    if (offset === 0) plan.onFirstDelta();
    await write(
      res,
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
    );
    sent += piece;
  }
  plan.onSent(sent);
  if (res.destroyed) return 'client_aborted';

  const faulted = await applyMidStreamFault(res, plan.fault);
  if (faulted) return faulted;

  res.end(
    sseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }) +
      sseFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: plan.stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }) +
      sseFrame('message_stop', { type: 'message_stop' }),
  );
  return 'completed';
}

/**
 * Ends a stream the way a mid-stream fault does (an SSE `error` event, a stall until the client
 * aborts, or a dropped socket); resolves undefined, doing nothing, for other faults.
 */
export async function applyMidStreamFault(res: ServerResponse, fault: FakeAnthropicFault | undefined): Promise<FakeAnthropicOutcome | undefined> {
  if (fault && 'errorAfterChars' in fault) {
    const type = fault.errorType ?? 'overloaded_error';
    res.end(sseFrame('error', { type: 'error', error: { type, message: fault.message ?? (type === 'overloaded_error' ? 'Overloaded' : 'Internal server error') } }));
    return 'stream_error';
  }
  if (fault && 'stallAfterChars' in fault) {
    await waitForClose(res);
    return 'stalled';
  }
  if (fault && 'dropAfterChars' in fault) {
    res.socket?.destroy();
    return 'dropped';
  }
  return undefined;
}
