/** One message of the conversation sent to the model. */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
  /** Marks the end of a stable prefix worth caching (the adapter adds a cache breakpoint). */
  cacheBreakpoint?: boolean;
}

/** A request for one streamed answer. */
export interface ModelRequest {
  model: string;
  /** The agent's role prompt. Always cached when long enough: it never changes within a thread. */
  system: string;
  messages: ModelMessage[];
  maxTokens: number;
}

/** Token usage the model reported for one answer. */
export interface ModelUsage {
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Events a model stream yields, in order: any number of deltas, then one `message-end`. */
export type ModelEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'message-end'; stopReason: string; usage: ModelUsage; requestId?: string };

/**
 * The model, as the core sees it. `stream` throws `ModelCallError` (typed code, `retryable`)
 * before or during iteration; it never retries by itself, and it stops when `signal` aborts.
 */
export interface ModelClient {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
