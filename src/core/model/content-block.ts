/**
 * What a message is made of, in memory and in the store: the core's own shape of the model's
 * content blocks. Text now; tool calls and their results are here already so tools and consults
 * fit without a new format; images and documents (files people share) are added the same way.
 */
import type { SharedFileRef } from '../files/shared-file-ref.js';

export type ContentBlock =
  | { type: 'text'; text: string }
  /** A file a person shared: stored as a reference, read again each time a request is built. */
  | { type: 'file'; file: SharedFileRef }
  /** An image as sent to the model (request only, never stored). */
  | { type: 'image'; mediaType: string; base64: string }
  /** A PDF as sent to the model (request only, never stored). */
  | { type: 'document'; mediaType: 'application/pdf'; base64: string; title: string }
  /** The model's reasoning: sent back to the model as it came (with its signature), never shown. */
  | { type: 'thinking'; thinking: string; signature: string }
  /**
   * A tool call. `server` calls (web search, web fetch) run at the model provider and come back
   * with their results in the same response; client calls are answered by the crew.
   */
  | { type: 'tool-use'; id: string; name: string; input: unknown; server?: boolean }
  /** A tool's result. For server tools `raw` holds the provider's block as it came, to send back unchanged. */
  | { type: 'tool-result'; toolUseId: string; content: string; isError?: boolean; server?: boolean; raw?: unknown };

/** The readable text of some blocks (text blocks only, in order). */
export function textOf(blocks: readonly ContentBlock[]): string {
  let text = '';
  for (const block of blocks) if (block.type === 'text') text += block.text;
  return text;
}

/** One text block, the common case. */
export function textBlocks(text: string): ContentBlock[] {
  return [{ type: 'text', text }];
}
