import type { FakeMessagesBody } from './fake-anthropic-types.js';
import { checkCacheControl, checkContentBlocks, checkTextBlocks, checkToolPairing, isObject, type Check } from './fake-anthropic-validate-blocks.js';
import { checkThinking, checkToolChoice, checkTools } from './fake-anthropic-validate-tools.js';

/** Result of {@link validateFakeMessagesBody}: the typed body, or the API's error message. */
export type ValidationResult = { ok: true; body: FakeMessagesBody } | { ok: false; message: string };

/** Top-level fields the Messages API accepts (anything else: "Extra inputs are not permitted"). */
const TOP_LEVEL_FIELDS = new Set([
  'model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'top_k',
  'stop_sequences', 'metadata', 'cache_control', 'tools', 'tool_choice', 'thinking', 'service_tier',
  'container', 'mcp_servers', 'context_management', 'output_config', 'output_format', 'inference_geo',
  'diagnostics', 'speed', 'user_profile_id', 'workspace_id',
]);
const MAX_BREAKPOINTS = 4;

function checkMessages(messages: unknown): Check {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  let previous: unknown;
  for (const [i, message] of messages.entries()) {
    const at = `messages.${i}`;
    if (!isObject(message)) return `${at}: Input should be a valid dictionary`;
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') return `${at}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && role !== 'user') return 'messages: first message must use the "user" role';
    if (role === previous) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    previous = role;
    const content = message['content'];
    if (typeof content === 'string') {
      if (content === '') return `${at}: ${role} messages must have non-empty content`;
    } else if (Array.isArray(content)) {
      const blocks = checkContentBlocks(content, role, `${at}.content`);
      if (blocks) return blocks;
    } else {
      return `${at}.content: Input should be a valid string or list of content blocks`;
    }
  }
  return checkToolPairing(messages as Array<{ role: string; content: unknown }>);
}

/** Blocks of every message, with the content blocks nested in `tool_result` blocks. */
function messageBlocks(body: Record<string, unknown>): unknown[] {
  const blocks: unknown[] = [];
  for (const message of body['messages'] as Array<{ content: unknown }>) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      blocks.push(block);
      if (isObject(block) && Array.isArray(block['content'])) blocks.push(...block['content']);
    }
  }
  return blocks;
}

function countBreakpoints(body: Record<string, unknown>): number {
  const blocks: unknown[] = [];
  if (Array.isArray(body['tools'])) blocks.push(...body['tools']);
  if (Array.isArray(body['system'])) blocks.push(...body['system']);
  blocks.push(...messageBlocks(body));
  const marked = blocks.filter((b) => isObject(b) && b['cache_control'] != null).length;
  return marked + (body['cache_control'] != null ? 1 : 0);
}

/**
 * Validates a Messages API body as strictly as the real API for what the crew sends: model,
 * positive integer `max_tokens`, non-empty alternating `messages` starting with `user`, content
 * as strings or blocks (text; tool_use / tool_result; server tool calls and results; thinking —
 * see fake-anthropic-validate-blocks.ts) with tool results paired to their calls, `system` as a
 * string or text blocks, `tools` / `tool_choice` / `thinking` (fake-anthropic-validate-tools.ts),
 * at most 4 `cache_control` breakpoints over tools, system and messages (automatic caching
 * counts as one), and no unknown top-level fields. Messages mirror the API's wording.
 */
export function validateFakeMessagesBody(body: unknown): ValidationResult {
  const fail = (message: string): ValidationResult => ({ ok: false, message });
  if (!isObject(body)) return fail('Request body must be a JSON object');
  const extra = Object.keys(body).find((key) => !TOP_LEVEL_FIELDS.has(key));
  if (extra) return fail(`${extra}: Extra inputs are not permitted`);
  if (typeof body['model'] !== 'string' || body['model'] === '') return fail('model: Field required');
  const maxTokens = body['max_tokens'];
  if (maxTokens === undefined) return fail('max_tokens: Field required');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return fail('max_tokens: Input should be a valid integer');
  if (maxTokens < 1) return fail('max_tokens: Input should be greater than or equal to 1');
  const messages = checkMessages(body['messages']);
  if (messages) return fail(messages);
  const system = body['system'];
  if (system !== undefined && typeof system !== 'string') {
    if (!Array.isArray(system)) return fail('system: Input should be a valid string or list of text blocks');
    const blocks = checkTextBlocks(system, 'system');
    if (blocks) return fail(blocks);
  }
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') return fail('stream: Input should be a valid boolean');
  const topCache = checkCacheControl(body['cache_control'], 'body');
  if (topCache) return fail(topCache.replace('body.', ''));
  const temperature = body['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 1)) {
    return fail('temperature: Input should be less than or equal to 1');
  }
  const tools = checkTools(body['tools']) ?? checkToolChoice(body['tool_choice'], body['tools']) ?? checkThinking(body['thinking'], maxTokens, body['tool_choice']);
  if (tools) return fail(tools);
  const usesTools = messageBlocks(body).some((b) => isObject(b) && (b['type'] === 'tool_use' || b['type'] === 'tool_result'));
  if (usesTools && !(Array.isArray(body['tools']) && body['tools'].length > 0)) {
    return fail('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  }
  const breakpoints = countBreakpoints(body);
  if (breakpoints > MAX_BREAKPOINTS) {
    return fail(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
  }
  return { ok: true, body: body as FakeMessagesBody };
}
