import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ModelClient, ModelEvent, ModelRequest, ModelUsage } from '../../core/model/model-client.js';
import { toModelCallError } from './to-model-call-error.js';

/** Options for the Anthropic model client. */
export interface AnthropicModelClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Wait for response headers (the SDK's timeout; the core's watchdog covers stalls after). */
  headersTimeoutMs?: number;
}

const ephemeral = { type: 'ephemeral' } as const;

/** Builds the Messages API body: cache breakpoints on the system prompt and the history prefix. */
export function toMessagesBody(request: ModelRequest) {
  const system: TextBlockParam[] = [{ type: 'text', text: request.system, cache_control: ephemeral }];
  const messages: MessageParam[] = request.messages.map((message) =>
    message.cacheBreakpoint
      ? { role: message.role, content: [{ type: 'text', text: message.content, cache_control: ephemeral }] }
      : { role: message.role, content: message.content },
  );
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
        const stream = client.messages.stream(toMessagesBody(request), { signal });
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
        yield { type: 'message-end', stopReason, usage, requestId };
      } catch (error) {
        throw toModelCallError(error, signal.aborted);
      }
    },
  };
}
