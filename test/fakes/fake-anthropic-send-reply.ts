import type { IncomingMessage, ServerResponse } from 'node:http';
import { countOutputTokens, countServerToolUse, joinText, planReplyBlocks } from './fake-anthropic-blocks.js';
import { type FakeErrorShape, STATUS_OF_TYPE } from './fake-anthropic-http.js';
import { replyText } from './fake-anthropic-reply.js';
import { sleep, writeFakeAnthropicSse } from './fake-anthropic-sse.js';
import { writeFakeAnthropicBlocksSse } from './fake-anthropic-sse-blocks.js';
import type {
  FakeAnthropicReply,
  FakeAnthropicRequest,
  FakeContentBlock,
  FakeMessagesBody,
  FakeStopReason,
  FakeUsage,
} from './fake-anthropic-types.js';

/** One accepted request to answer with its reply (faults before the response already applied). */
export interface SendFakeReplyInput {
  req: IncomingMessage;
  res: ServerResponse;
  record: FakeAnthropicRequest;
  body: FakeMessagesBody;
  reply: FakeAnthropicReply;
  /** Request sequence number (message ids, generated tool ids). */
  n: number;
  inputUsage: Omit<FakeUsage, 'output_tokens'>;
  sendError(res: ServerResponse, record: FakeAnthropicRequest, status: number, fault?: FakeErrorShape): void;
}

/** The content and stop reason a reply produces, cut to `max_tokens`. */
function planContent(reply: FakeAnthropicReply, body: FakeMessagesBody, n: number): { content: FakeContentBlock[]; stopReason: FakeStopReason } {
  if (reply.blocks) return planReplyBlocks(reply.blocks, body.max_tokens, `req_fake_${n}`, reply.stopReason);
  const { text, stopReason } = replyText(reply, body.max_tokens);
  return { content: [{ type: 'text', text }], stopReason };
}

function recordSent(record: FakeAnthropicRequest, usage: FakeUsage, content: FakeContentBlock[]): void {
  record.content = content;
  record.text = joinText(content);
  usage.output_tokens = countOutputTokens(content);
  const serverToolUse = countServerToolUse(content);
  if (serverToolUse) usage.server_tool_use = serverToolUse;
  else delete usage.server_tool_use;
}

/**
 * Answers an accepted request: an SSE stream (text replies through `writeFakeAnthropicSse`,
 * byte for byte as before blocks existed; block replies through `writeFakeAnthropicBlocksSse`)
 * or a JSON message with the same blocks, applying mid-response faults. Records what was sent.
 */
export async function sendFakeReply(input: SendFakeReplyInput): Promise<void> {
  const { req, res, record, body, reply, n } = input;
  const fault = reply.fault;
  const { content, stopReason } = planContent(reply, body, n);
  const usage: FakeUsage = { ...input.inputUsage, output_tokens: countOutputTokens(content) };
  const serverToolUse = countServerToolUse(content);
  if (serverToolUse) usage.server_tool_use = serverToolUse;
  record.usage = usage;
  record.stopReason = stopReason;
  const messageId = `msg_fake_${n}`;

  if (record.stream) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': record.id,
    });
    record.status = 200;
    const pacing = {
      messageId,
      model: body.model,
      stopReason,
      usage,
      tokensPerDelta: reply.tokensPerDelta ?? 3,
      ...(reply.tokensPerSecond !== undefined ? { tokensPerSecond: reply.tokensPerSecond } : {}),
      ...(reply.firstTokenDelayMs !== undefined ? { firstTokenDelayMs: reply.firstTokenDelayMs } : {}),
      ...(fault ? { fault } : {}),
      onFirstDelta: () => {
        record.firstDeltaAt = Date.now();
      },
    };
    record.outcome = reply.blocks
      ? await writeFakeAnthropicBlocksSse(res, { ...pacing, content, onSent: (sent) => recordSent(record, usage, sent) })
      : await writeFakeAnthropicSse(res, {
          ...pacing,
          text: joinText(content),
          onSent: (sent) => recordSent(record, usage, [{ type: 'text', text: sent }]),
        });
    record.completedAt = Date.now();
    return;
  }

  const tokens = usage.output_tokens;
  await sleep((reply.firstTokenDelayMs ?? 0) + (reply.tokensPerSecond ? (tokens / reply.tokensPerSecond) * 1000 : 0));
  if (fault && 'errorAfterChars' in fault) {
    const type = fault.errorType ?? 'overloaded_error';
    return input.sendError(res, record, STATUS_OF_TYPE[type] ?? 500, { errorType: type, ...(fault.message ? { message: fault.message } : {}) });
  }
  if (fault && 'stallAfterChars' in fault) {
    await new Promise<void>((resolve) => res.once('close', () => resolve()));
    record.outcome = 'stalled';
    record.completedAt = Date.now();
    return;
  }
  if (fault && 'dropAfterChars' in fault) {
    req.socket.destroy();
    record.outcome = 'dropped';
    record.completedAt = Date.now();
    return;
  }
  const json = JSON.stringify({
    id: messageId,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': record.id });
  res.end(json);
  record.status = 200;
  recordSent(record, usage, content);
  record.firstDeltaAt = Date.now();
  record.outcome = 'completed';
  record.completedAt = Date.now();
}
