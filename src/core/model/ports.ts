import type { CrewError } from '../errors.js';
import type { ContentBlock } from './content-block.js';

/** One message of the conversation sent to the model. */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
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
  /** Tools the model may call; server tools (web search, web fetch) run at the provider. */
  tools?: ModelTool[];
  /** How hard the model thinks (the API's `output_config.effort`); the model's default when absent. */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  /**
   * Ask for thinking text back (adaptive thinking, `display: summarized`). The 5-series returns
   * the short updates it writes between tool calls in thinking blocks, omitted by default: with
   * this set they come back, and the turn shows them.
   */
  thinkingText?: boolean;
}

/** A tool offered to the model. */
export type ModelTool =
  | { kind: 'web-search'; maxUses: number }
  | { kind: 'web-fetch'; maxUses: number }
  /** Ask another crew member (a client tool the crew answers): who may be asked, and what each is for. */
  | { kind: 'consult'; members: Array<{ name: string; description: string }> };

/** Name of the consult tool as the model sees it. */
export const CONSULT_TOOL_NAME = 'consult_crew_member';

/** Token usage the model reported for one answer. */
export interface ModelUsage {
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/**
 * Everything a model stream says, as one discriminated union, in order: any number of text,
 * thinking, tool-call and tool-result events, then exactly one `message-end` or `error`.
 * A stop reason such as `tool_use` or `pause_turn` is a normal `message-end`, not an error.
 */
export type ModelEvent =
  | { type: 'text-delta'; text: string }
  /** Reasoning text: never shown as answer text. */
  | { type: 'thinking-delta'; text: string }
  /** The model called a tool (its input complete). `server` tools run at the provider. */
  | { type: 'tool-call'; id: string; name: string; input: unknown; server: boolean }
  /** A server tool's result, as the provider reported it. */
  | { type: 'tool-result'; toolUseId: string; server: boolean; isError: boolean; sources: ToolSource[] }
  /** The response ended: `content` is the whole response as blocks (to store or to send back). */
  | { type: 'message-end'; stopReason: string; usage: ModelUsage; content: ContentBlock[]; requestId?: string }
  /** The call failed (typed code, `retryable`); nothing follows. */
  | { type: 'error'; error: CrewError };

/** A source a tool used (e.g. a web search result), for showing where an answer came from. */
export interface ToolSource {
  url: string;
  title: string;
}

/**
 * The model, as the core sees it. `stream` yields {@link ModelEvent}s and ends with `message-end`
 * or `error`; it never retries by itself, and it stops when `signal` aborts.
 */
export interface ModelClient {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
