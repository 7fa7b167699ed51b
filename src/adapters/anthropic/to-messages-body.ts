import type { ContentBlockParam, MessageParam, TextBlockParam, ToolUnion } from '@anthropic-ai/sdk/resources/messages';
import type { ContentBlock } from '../../core/model/content-block.js';
import { CONSULT_TOOL_NAME, type ModelRequest, type ModelTool } from '../../core/model/ports.js';

const ephemeral = { type: 'ephemeral' } as const;
/** The Messages API allows at most 4 cache breakpoints per request. */
const MAX_CACHE_BREAKPOINTS = 4;

/** How the request body is built. */
export interface MessagesBodyOptions {
  /** Adds `cache_control` breakpoints (default true). Off only to measure what caching saves. */
  promptCaching?: boolean;
}

/** One core block as the Messages API's block. Server tool blocks go back exactly as they came (`raw`). */
function toBlockParam(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'tool-use':
      return block.server
        ? ({ type: 'server_tool_use', id: block.id, name: block.name, input: block.input } as ContentBlockParam)
        : { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'image':
      return { type: 'image', source: { type: 'base64', media_type: block.mediaType as 'image/png', data: block.base64 } };
    case 'document':
      return { type: 'document', title: block.title, source: { type: 'base64', media_type: 'application/pdf', data: block.base64 } };
    case 'file':
      // Read by the core before the request is built; an unread reference says so rather than vanish.
      return { type: 'text', text: `[file ${block.file.name} was not read]` };
    case 'tool-result':
      if (block.server && block.raw !== undefined) return block.raw as ContentBlockParam;
      return { type: 'tool_result', tool_use_id: block.toolUseId, content: block.content, ...(block.isError ? { is_error: true } : {}) };
  }
}

/** Current versions of Anthropic's server tools (Anthropic's tool docs, late 2026). */
function toToolParam(tool: ModelTool): ToolUnion {
  if (tool.kind === 'consult') {
    const who = tool.members.map((member) => `- ${member.name}: ${member.description}`).join('\n');
    return {
      name: CONSULT_TOOL_NAME,
      description:
        `Ask another member of your crew a focused question and get their answer. Members you may consult:\n${who}\n` +
        'Ask when the question needs their expertise; several consults may run at once. In your answer, say what you took from whom.',
      input_schema: {
        type: 'object',
        properties: {
          member: { type: 'string', enum: tool.members.map((member) => member.name), description: 'Who to ask.' },
          question: { type: 'string', description: 'One focused question, with the context they need.' },
        },
        required: ['member', 'question'],
      },
    };
  }
  const param =
    tool.kind === 'web-search'
      ? { type: 'web_search_20260318', name: 'web_search', max_uses: tool.maxUses }
      : { type: 'web_fetch_20260318', name: 'web_fetch', max_uses: tool.maxUses };
  // Newer tool versions than the SDK's types know are sent as the API documents them.
  return param as unknown as ToolUnion;
}

/**
 * Builds the Messages API body. Tools come first in the cached prefix (tools, system, messages),
 * so the system prompt's breakpoint caches them too: caching keeps working across turns with tools. Every message is sent as a list of blocks (never a bare string),
 * so a message serializes the same whether or not it carries a breakpoint: the prefix of turn
 * N+1 is byte-identical to turn N's request apart from the `cache_control` markers.
 * Breakpoints: the system prompt, then the messages the core flagged (the last ones win when
 * more than 3 are flagged, keeping the total within the API's limit of 4); a flagged message
 * carries its marker on its last block.
 */
export function toMessagesBody(request: ModelRequest, options: MessagesBodyOptions = {}) {
  const caching = options.promptCaching ?? true;
  const flagged = request.messages.flatMap((message, index) => (message.cacheBreakpoint ? [index] : []));
  const breakpoints = new Set(caching ? flagged.slice(-(MAX_CACHE_BREAKPOINTS - 1)) : []);
  const system: TextBlockParam[] = [{ type: 'text', text: request.system, ...(caching ? { cache_control: ephemeral } : {}) }];
  const messages: MessageParam[] = request.messages.map((message, index) => {
    const content = message.content.map(toBlockParam);
    const last = content.at(-1);
    if (breakpoints.has(index) && last && last.type !== 'thinking' && last.type !== 'redacted_thinking') {
      content[content.length - 1] = { ...last, cache_control: ephemeral } as ContentBlockParam;
    }
    return { role: message.role, content };
  });
  const tools = request.tools && request.tools.length > 0 ? { tools: request.tools.map(toToolParam) } : {};
  const effort = request.effort ? { output_config: { effort: request.effort } } : {};
  const thinking = request.thinkingText ? { thinking: { type: 'adaptive' as const, display: 'summarized' as const } } : {};
  return { model: request.model, max_tokens: request.maxTokens, system, messages, ...tools, ...effort, ...thinking };
}
