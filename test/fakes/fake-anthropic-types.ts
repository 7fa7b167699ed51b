import type { IncomingHttpHeaders } from 'node:http';
import type {
  FakeContentBlock,
  FakeContentBlockParam,
  FakeModel,
  FakeReplyBlock,
  FakeStopReason,
  FakeTextBlock,
  FakeToolDefinition,
} from './fake-anthropic-block-types.js';

export type * from './fake-anthropic-block-types.js';

/** A validated `POST /v1/messages` body (only the fields the fake interprets are typed). */
export interface FakeMessagesBody {
  model: string;
  max_tokens: number;
  messages: Array<{ role: 'user' | 'assistant'; content: string | FakeContentBlockParam[] }>;
  system?: string | FakeTextBlock[];
  stream?: boolean;
  /** Custom and server tools; part of the cached prefix (before `system`). */
  tools?: FakeToolDefinition[];
  tool_choice?: { type: 'auto' | 'any' | 'none' | 'tool'; name?: string; disable_parallel_tool_use?: boolean };
  /** Automatic caching: the last block of the last message becomes a breakpoint. */
  cache_control?: { type: 'ephemeral'; ttl?: '5m' | '1h' } | null;
  [key: string]: unknown;
}

/**
 * A scripted failure.
 * - `{ status }`: an HTTP error before any body (429 → `rate_limit_error` with `retry-after` when
 *   `retryAfterSeconds` is set; 529 → `overloaded_error`; 500 → `api_error`; 401 →
 *   `authentication_error`; 400 → `invalid_request_error`; `errorType`/`message` override;
 *   `shouldRetry` sets the `x-should-retry` header the SDK obeys).
 * - `{ errorAfterChars }`: stream `n` chars of text, then an SSE `error` event (default
 *   `overloaded_error`) and end the response. Non-streaming requests get the matching HTTP error.
 * - `{ stallAfterChars }`: stream `n` chars, then send nothing more and keep the socket open until
 *   the client aborts or the fake closes.
 * - `{ dropAfterChars }`: stream `n` chars, then destroy the socket.
 * - `{ dropBeforeResponse: true }`: destroy the socket before any response (SDK: connection error).
 */
export type FakeAnthropicFault =
  | {
      status: number;
      message?: string;
      errorType?: string;
      retryAfterSeconds?: number;
      /** Sets `retry-after-ms` (the SDK prefers it over `retry-after`). */
      retryAfterMs?: number;
      shouldRetry?: boolean;
    }
  | { errorAfterChars: number; errorType?: string; message?: string }
  | { stallAfterChars: number }
  | { dropAfterChars: number }
  | { dropBeforeResponse: true };

/** A scripted failure of `GET /v1/models` (an HTTP error, or a dropped connection). */
export type FakeModelsFault = Extract<FakeAnthropicFault, { status: number }> | { dropBeforeResponse: true };

/**
 * How the fake answers one request. Tokens are counted as ⌈characters / 4⌉.
 * Without `text`, `tokens` filler words are generated (about 4 characters per token); without
 * either, the default reply is used. Replies longer than the request's `max_tokens` are cut to it
 * with `stop_reason: 'max_tokens'`.
 */
export interface FakeAnthropicReply {
  text?: string;
  tokens?: number;
  /**
   * A reply made of content blocks (text, thinking, client and server tool calls, server tool
   * results), streamed as the API streams them; mutually exclusive with `text` / `tokens`.
   * Output tokens count every block (⌈chars/4⌉ of its text, or of the JSON of its input/content);
   * past `max_tokens` the text or thinking block at the limit is cut and later blocks dropped.
   * Faults count only the characters of text blocks. Default stop reason: `tool_use` when a
   * client `tool_use` block is present, else `end_turn`.
   */
  blocks?: FakeReplyBlock[];
  /** Paces the text deltas (default: unpaced, as fast as the socket takes them). */
  tokensPerSecond?: number;
  /** Tokens per `content_block_delta` (default 3, i.e. ~12 characters). */
  tokensPerDelta?: number;
  /** Delay before the first delta (streaming) or before the response (non-streaming). */
  firstTokenDelayMs?: number;
  stopReason?: FakeStopReason;
  fault?: FakeAnthropicFault;
}

/** The `usage` the fake reports. */
export interface FakeUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  /** Present when server tools ran (as in the API's usage). */
  server_tool_use?: { web_search_requests: number; web_fetch_requests: number };
}

/** How a request ended. */
export type FakeAnthropicOutcome =
  | 'pending'
  | 'completed'
  | 'http_error'
  | 'stream_error'
  | 'stalled'
  | 'dropped'
  | 'client_aborted';

/** One recorded request. */
export interface FakeAnthropicRequest {
  /** The `request-id` header value (`req_fake_<n>`). */
  id: string;
  /** Parsed JSON body (whatever was sent, even when invalid). */
  body: unknown;
  headers: IncomingHttpHeaders;
  stream: boolean;
  receivedAt: number;
  firstDeltaAt?: number;
  completedAt?: number;
  outcome: FakeAnthropicOutcome;
  /** HTTP status sent (200 for streams, even when they later failed). */
  status?: number;
  usage?: FakeUsage;
  /** Text the fake sent (for faults: only the part sent before the fault); block replies: their text blocks joined. */
  text?: string;
  /** The `tools` the request sent (`[]` without tools; unvalidated when the request was rejected). */
  tools: FakeToolDefinition[];
  /** Content blocks the fake sent (for faults and aborts: the blocks or part of a block sent before). */
  content?: FakeContentBlock[];
  /** The stop reason the reply carried (absent until sent). */
  stopReason?: FakeStopReason;
}

/** One recorded `GET /v1/models` or `GET /v1/models/{id}` request. */
export interface FakeModelsRequest {
  /** The `request-id` header value (`req_fake_models_<n>`). */
  id: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** HTTP status sent; absent when the connection was dropped. */
  status?: number;
}

/** Options of `startFakeAnthropicApi`. */
export interface FakeAnthropicApiOptions {
  /** Expected API key (`x-api-key` or `Authorization: Bearer`). Default: any non-empty key. */
  apiKey?: string;
  /** Reply when the queue is empty; `n` is the request's sequence number (1-based). */
  defaultReply?: (request: FakeMessagesBody, n: number) => FakeAnthropicReply;
  /** Merged under every reply (e.g. `{ tokensPerSecond: 80 }` for benchmarks). */
  replyDefaults?: Omit<FakeAnthropicReply, 'text' | 'tokens' | 'fault'>;
  /** Smallest prefix (in tokens) that is cached (default 1024). */
  minCacheableTokens?: number;
  /** Cache lifetime of `ephemeral` entries, refreshed on every hit (default 5 min; `ttl:'1h'` → 1 h). */
  cacheTtlMs?: number;
  /** What `GET /v1/models` lists, newest first (default: `DEFAULT_FAKE_MODELS`, today's lineup). */
  models?: FakeModel[];
  /** `false`: forget each request's body once it is answered (memory benchmarks). Default true. */
  keepRequestBodies?: boolean;
}
