import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { ModelCallError } from '../../core/errors.js';
import type { ModelClient, ModelEvent, ModelRequest, ModelUsage } from '../../core/model/ports.js';
import { toModelCallError } from './to-model-call-error.js';

/** Options for the Anthropic model client. */
export interface AnthropicModelClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Wait for response headers (the SDK's timeout; the core's watchdog covers stalls after). */
  headersTimeoutMs?: number;
  /** Prompt caching breakpoints (default true); the benchmark turns them off to compare cost. */
  promptCaching?: boolean;
}

const ephemeral = { type: 'ephemeral' } as const;
/** The Messages API allows at most 4 cache breakpoints per request. */
const MAX_CACHE_BREAKPOINTS = 4;

/** How the request body is built. */
export interface MessagesBodyOptions {
  /** Adds `cache_control` breakpoints (default true). Off only to measure what caching saves. */
  promptCaching?: boolean;
}

/**
 * Builds the Messages API body. Every message is sent as a list of text blocks (never a bare
 * string), so a message serializes the same whether or not it carries a breakpoint: the prefix
 * of turn N+1 is byte-identical to turn N's request apart from the `cache_control` markers.
 * Breakpoints: the system prompt, then the messages the core flagged (the last ones win when
 * more than 3 are flagged, keeping the total within the API's limit of 4).
 */
export function toMessagesBody(request: ModelRequest, options: MessagesBodyOptions = {}) {
  const caching = options.promptCaching ?? true;
  const flagged = request.messages.flatMap((message, index) => (message.cacheBreakpoint ? [index] : []));
  const breakpoints = new Set(caching ? flagged.slice(-(MAX_CACHE_BREAKPOINTS - 1)) : []);
  const system: TextBlockParam[] = [{ type: 'text', text: request.system, ...(caching ? { cache_control: ephemeral } : {}) }];
  const messages: MessageParam[] = request.messages.map((message, index) => ({
    role: message.role,
    content: [{ type: 'text', text: message.content, ...(breakpoints.has(index) ? { cache_control: ephemeral } : {}) }],
  }));
  return { model: request.model, max_tokens: request.maxTokens, system, messages };
}

/**
 * ModelClient over `@anthropic-ai/sdk` `messages.stream`. The SDK's own retries are off:
 * the core retries (with user-visible status) and owns the stall watchdog.
 */
export function createAnthropicModelClient(options: AnthropicModelClientOptions): ModelClient {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    maxRetries: 0,
    timeout: options.headersTimeoutMs ?? 60_000,
  });

  return {
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
      const usage: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
      let stopReason = 'end_turn';
      let requestId: string | undefined;
      try {
        const stream = client.messages.stream(toMessagesBody(request, { promptCaching: options.promptCaching }), { signal });
        for await (const event of stream) {
          switch (event.type) {
            case 'message_start': {
              const started = event.message.usage;
              usage.inputTokens = started.input_tokens;
              usage.cacheReadTokens = started.cache_read_input_tokens ?? 0;
              usage.cacheWriteTokens = started.cache_creation_input_tokens ?? 0;
              usage.outputTokens = started.output_tokens;
              requestId = stream.request_id ?? undefined;
              break;
            }
            case 'content_block_delta':
              if (event.delta.type === 'text_delta' && event.delta.text !== '') {
                yield { type: 'text-delta', text: event.delta.text };
              }
              break;
            case 'message_delta':
              stopReason = event.delta.stop_reason ?? stopReason;
              usage.outputTokens = event.usage.output_tokens;
              break;
            case 'message_stop':
              yield { type: 'message-end', stopReason, usage, requestId };
              return;
            default:
              break;
          }
        }
        // No message_stop. SDK 1.14's MessageStream iterator ends quietly when an error (an SSE
        // `error` event, a dropped connection) arrives while no read is pending; the stream's end
        // promise still carries that error, so surface it — an answer cut short is never "complete".
        await stream.done();
        throw new ModelCallError('model_connection_lost', 'The model stream ended before message_stop', true, { requestId });
      } catch (error) {
        throw toModelCallError(error, signal.aborted, requestId);
      }
    },
  };
}
