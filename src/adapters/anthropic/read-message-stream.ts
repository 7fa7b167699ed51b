import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ContentBlock } from '../../core/model/content-block.js';
import type { ModelEvent, ModelUsage, ToolSource } from '../../core/model/ports.js';

/** A content block being received: its core block so far, and tool input JSON still arriving. */
interface OpenBlock {
  block: ContentBlock;
  inputJson: string;
}

/**
 * Turns the Messages API's stream events into the core's {@link ModelEvent}s, and assembles the
 * response's content blocks for `message-end`: text and thinking deltas as they come; a tool call
 * once its input JSON is complete (`content_block_stop`); a server tool's result with the sources
 * it found. Stateful per response: make one per request.
 */
export class MessageStreamReader {
  private readonly usage: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  private stopReason = 'end_turn';
  private readonly blocks: (OpenBlock | undefined)[] = [];
  requestId?: string;

  /** The core events one API event yields (often none). */
  read(event: RawMessageStreamEvent): ModelEvent[] {
    switch (event.type) {
      case 'message_start': {
        const started = event.message.usage;
        this.usage.inputTokens = started.input_tokens;
        this.usage.cacheReadTokens = started.cache_read_input_tokens ?? 0;
        this.usage.cacheWriteTokens = started.cache_creation_input_tokens ?? 0;
        this.usage.outputTokens = started.output_tokens;
        return [];
      }
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block as unknown as Record<string, unknown>);
      case 'content_block_delta':
        return this.addDelta(event.index, event.delta as unknown as Record<string, unknown>);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        this.usage.outputTokens = event.usage.output_tokens;
        return [];
      case 'message_stop':
        return [{ type: 'message-end', stopReason: this.stopReason, usage: { ...this.usage }, content: this.content(), requestId: this.requestId }];
      default:
        return [];
    }
  }

  private content(): ContentBlock[] {
    return this.blocks.flatMap((open) => (open ? [open.block] : []));
  }

  private startBlock(index: number, raw: Record<string, unknown>): ModelEvent[] {
    const type = String(raw['type']);
    if (type === 'text') {
      const text = typeof raw['text'] === 'string' ? raw['text'] : '';
      this.blocks[index] = { block: { type: 'text', text }, inputJson: '' };
      return text === '' ? [] : [{ type: 'text-delta', text }];
    }
    if (type === 'thinking') {
      this.blocks[index] = { block: { type: 'thinking', thinking: '', signature: '' }, inputJson: '' };
      return [];
    }
    if (type === 'tool_use' || type === 'server_tool_use') {
      const block: ContentBlock = { type: 'tool-use', id: String(raw['id']), name: String(raw['name']), input: raw['input'] ?? {}, server: type === 'server_tool_use' };
      this.blocks[index] = { block, inputJson: '' };
      return [];
    }
    if (type.endsWith('_tool_result')) {
      // Server tool results (web_search_tool_result, web_fetch_tool_result …) arrive whole.
      const toolUseId = String(raw['tool_use_id']);
      const isError = isErrorResult(raw['content']);
      this.blocks[index] = { block: { type: 'tool-result', toolUseId, content: '', server: true, isError, raw }, inputJson: '' };
      return [{ type: 'tool-result', toolUseId, server: true, isError, sources: sourcesOf(raw['content']) }];
    }
    // Blocks the core has no use for (redacted thinking …) are not kept.
    this.blocks[index] = undefined;
    return [];
  }

  private addDelta(index: number, delta: Record<string, unknown>): ModelEvent[] {
    const open = this.blocks[index];
    if (!open) return [];
    const { block } = open;
    if (delta['type'] === 'text_delta' && block.type === 'text') {
      const text = String(delta['text'] ?? '');
      block.text += text;
      return text === '' ? [] : [{ type: 'text-delta', text }];
    }
    if (delta['type'] === 'thinking_delta' && block.type === 'thinking') {
      const text = String(delta['thinking'] ?? '');
      block.thinking += text;
      return text === '' ? [] : [{ type: 'thinking-delta', text }];
    }
    if (delta['type'] === 'signature_delta' && block.type === 'thinking') block.signature += String(delta['signature'] ?? '');
    if (delta['type'] === 'input_json_delta') open.inputJson += String(delta['partial_json'] ?? '');
    return [];
  }

  private stopBlock(index: number): ModelEvent[] {
    const open = this.blocks[index];
    if (open?.block.type !== 'tool-use') return [];
    const { block } = open;
    if (open.inputJson !== '') block.input = parseInput(open.inputJson);
    return [{ type: 'tool-call', id: block.id, name: block.name, input: block.input, server: block.server === true }];
  }
}

function parseInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return { unparsed: json };
  }
}

function isErrorResult(content: unknown): boolean {
  return typeof content === 'object' && content !== null && !Array.isArray(content) && String((content as { type?: unknown }).type).endsWith('_error');
}

/** The pages a server tool result points at (web search results; a fetched page). */
function sourcesOf(content: unknown): ToolSource[] {
  const items = Array.isArray(content) ? content : typeof content === 'object' && content !== null ? [content] : [];
  return items.flatMap((item: Record<string, unknown>) => {
    const url = typeof item['url'] === 'string' ? item['url'] : undefined;
    if (!url) return [];
    return [{ url, title: typeof item['title'] === 'string' ? item['title'] : url }];
  });
}
