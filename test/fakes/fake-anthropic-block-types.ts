/**
 * Content-block shapes of the fake Anthropic API: what a test scripts (`FakeReplyBlock`), what the
 * fake sends back (`FakeContentBlock`, the SDK's `ContentBlock` shapes), and what a request may
 * carry (`FakeContentBlockParam`, the SDK's `ContentBlockParam` subset the fake accepts).
 */

/** A cache breakpoint marker as the API accepts it. */
export type FakeCacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' } | null;

/** Why a reply ended (the subset of the API's `stop_reason` the fake produces). */
export type FakeStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'pause_turn' | 'refusal';

/** One hit of a web search, as the API returns it (`encrypted_content` is opaque). */
export interface FakeWebSearchResult {
  type: 'web_search_result';
  url: string;
  title: string;
  encrypted_content: string;
  page_age?: string | null;
}

/** A failed web search (`error_code` e.g. `max_uses_exceeded`, `too_many_requests`, `unavailable`). */
export interface FakeWebSearchError {
  type: 'web_search_tool_result_error';
  error_code: string;
}

/** A fetched page: a document block with the page text. */
export interface FakeWebFetchResult {
  type: 'web_fetch_result';
  url: string;
  content: {
    type: 'document';
    source: { type: 'text'; media_type: 'text/plain'; data: string } | { type: 'base64'; media_type: 'application/pdf'; data: string };
    title?: string | null;
    citations?: { enabled: boolean } | null;
  };
  retrieved_at?: string | null;
}

/** A failed web fetch (`error_code` e.g. `url_not_accessible`, `url_not_allowed`, `max_uses_exceeded`). */
export interface FakeWebFetchError {
  type: 'web_fetch_tool_result_error';
  error_code: string;
}

/** The server tools the fake can script. */
export type FakeServerToolName = 'web_search' | 'web_fetch';

/**
 * One block of a scripted reply. Omitted ids are generated like the real ones (`toolu_01…`,
 * `srvtoolu_01…`); an omitted `tool_use_id` on a server tool result answers the nearest
 * preceding `server_tool_use`; an omitted thinking `signature` is generated.
 */
export type FakeReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> }
  | { type: 'server_tool_use'; id?: string; name: FakeServerToolName; input: Record<string, unknown> }
  | { type: 'web_search_tool_result'; tool_use_id?: string; content: FakeWebSearchResult[] | FakeWebSearchError }
  | { type: 'web_fetch_tool_result'; tool_use_id?: string; content: FakeWebFetchResult | FakeWebFetchError };

/** Who called a tool; the API reports `direct` for calls made by the model itself. */
export interface FakeDirectCaller {
  type: 'direct';
}

/** A content block as the fake sends it (the SDK's `ContentBlock` shapes). */
export type FakeContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: FakeDirectCaller }
  | { type: 'server_tool_use'; id: string; name: FakeServerToolName; input: Record<string, unknown>; caller: FakeDirectCaller }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: FakeWebSearchResult[] | FakeWebSearchError; caller: FakeDirectCaller }
  | { type: 'web_fetch_tool_result'; tool_use_id: string; content: FakeWebFetchResult | FakeWebFetchError; caller: FakeDirectCaller };

/** A text content block as the fake accepts it. */
export interface FakeTextBlock {
  type: 'text';
  text: string;
  cache_control?: FakeCacheControl;
}

/** A `tool_result` block (user messages): answers a `tool_use` of the previous assistant message. */
export interface FakeToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | FakeTextBlock[];
  is_error?: boolean;
  cache_control?: FakeCacheControl;
}

/** A request content block the fake accepts (validated by fake-anthropic-validate-blocks.ts). */
export type FakeContentBlockParam =
  | FakeTextBlock
  | FakeToolResultBlockParam
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; cache_control?: FakeCacheControl; caller?: FakeDirectCaller }
  | { type: 'server_tool_use'; id: string; name: FakeServerToolName; input: Record<string, unknown>; cache_control?: FakeCacheControl; caller?: FakeDirectCaller }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: FakeWebSearchResult[] | FakeWebSearchError; cache_control?: FakeCacheControl; caller?: FakeDirectCaller }
  | { type: 'web_fetch_tool_result'; tool_use_id: string; content: FakeWebFetchResult | FakeWebFetchError; cache_control?: FakeCacheControl; caller?: FakeDirectCaller };

/** A custom (client) tool definition. */
export interface FakeCustomTool {
  type?: 'custom' | null;
  name: string;
  description?: string;
  input_schema: { type: 'object'; properties?: unknown; required?: string[]; [key: string]: unknown };
  cache_control?: FakeCacheControl;
  [key: string]: unknown;
}

/** A server tool definition (`web_search_…` / `web_fetch_…` versions the API documents). */
export interface FakeServerTool {
  type: string;
  name: FakeServerToolName;
  max_uses?: number | null;
  allowed_domains?: string[] | null;
  blocked_domains?: string[] | null;
  cache_control?: FakeCacheControl;
  [key: string]: unknown;
}

/** A tool definition as validated by the fake. */
export type FakeToolDefinition = FakeCustomTool | FakeServerTool;

/** One entry of `GET /v1/models` (the SDK's `ModelInfo` fields the fake fills). */
export interface FakeModel {
  id: string;
  display_name: string;
  /** RFC 3339 release time, e.g. `2026-09-28T00:00:00Z`; the list is ordered newest first. */
  created_at: string;
  max_input_tokens?: number;
  max_tokens?: number;
}
