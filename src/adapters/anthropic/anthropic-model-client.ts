import Anthropic from '@anthropic-ai/sdk';
import { ModelCallError } from '../../core/errors.js';
import type { ModelClient, ModelEvent, ModelRequest } from '../../core/model/ports.js';
import { MessageStreamReader } from './read-message-stream.js';
import { toMessagesBody } from './to-messages-body.js';
import { readApiHost } from '../network/read-connection-failure.js';
import { toModelCallError } from './to-model-call-error.js';

export { toMessagesBody } from './to-messages-body.js';

/** Options for the Anthropic model client. */
export interface AnthropicModelClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Wait for response headers (the SDK's timeout; the core's watchdog covers stalls after). */
  headersTimeoutMs?: number;
  /** Prompt caching breakpoints (default true); the benchmark turns them off to compare cost. */
  promptCaching?: boolean;
}

/**
 * ModelClient over `@anthropic-ai/sdk` `messages.stream`. The SDK's own retries are off:
 * the core retries (with user-visible status) and owns the stall watchdog. Failures are yielded
 * as one `error` event (typed `ModelCallError`), never thrown.
 */
export function createAnthropicModelClient(options: AnthropicModelClientOptions): ModelClient {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    maxRetries: 0,
    timeout: options.headersTimeoutMs ?? 60_000,
  });

  const host = readApiHost(options.baseUrl);

  return {
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
      const reader = new MessageStreamReader();
      let started = false;
      try {
        const stream = client.messages.stream(toMessagesBody(request, { promptCaching: options.promptCaching }), { signal });
        // Headers arrived: from here a broken connection cuts an answer short instead of never reaching Claude.
        stream.on('connect', () => void (started = true));
        for await (const event of stream) {
          started = true;
          if (event.type === 'message_start') reader.requestId = stream.request_id ?? undefined;
          for (const modelEvent of reader.read(event)) {
            yield modelEvent;
            if (modelEvent.type === 'message-end') return;
          }
        }
        // No message_stop. SDK 1.14's MessageStream iterator ends quietly when an error (an SSE
        // `error` event, a dropped connection) arrives while no read is pending; the stream's end
        // promise still carries that error, so surface it — an answer cut short is never "complete".
        await stream.done();
        throw new ModelCallError('model_connection_lost', 'The model stream ended before message_stop', true, { requestId: reader.requestId, host });
      } catch (error) {
        yield { type: 'error', error: toModelCallError(error, signal.aborted, { knownRequestId: reader.requestId, host, model: request.model, started }) };
      }
    },
  };
}
