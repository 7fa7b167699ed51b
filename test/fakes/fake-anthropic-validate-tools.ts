import { type Check, checkCacheControl, checkExtraFields, isObject } from './fake-anthropic-validate-blocks.js';

/** Web search versions the API documents (SDK 1.14 `WebSearchTool2025…/2026…`). */
export const WEB_SEARCH_TOOL_TYPES = ['web_search_20250305', 'web_search_20260209', 'web_search_20260318'] as const;
/** Web fetch versions the API documents (SDK 1.14 `WebFetchTool2025…/2026…`). */
export const WEB_FETCH_TOOL_TYPES = ['web_fetch_20250910', 'web_fetch_20260209', 'web_fetch_20260309', 'web_fetch_20260318'] as const;

const CUSTOM_FIELDS = [
  'type', 'name', 'description', 'input_schema', 'cache_control', 'strict', 'defer_loading', 'input_examples',
  'allowed_callers', 'eager_input_streaming',
];
const SERVER_FIELDS = ['type', 'name', 'max_uses', 'allowed_domains', 'blocked_domains', 'cache_control', 'defer_loading', 'strict', 'allowed_callers'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** Fields a server tool version accepts (later versions add options). */
function serverFieldsOf(type: string): string[] {
  const late = type.endsWith('20260318');
  if (type.startsWith('web_search_')) return [...SERVER_FIELDS, 'user_location', ...(late ? ['response_inclusion'] : [])];
  const cache = type.endsWith('20260309') || late ? ['use_cache'] : [];
  return [...SERVER_FIELDS, 'citations', 'max_content_tokens', 'url_sources', ...cache, ...(late ? ['response_inclusion'] : [])];
}

function checkDomains(tool: Record<string, unknown>, at: string): Check {
  for (const field of ['allowed_domains', 'blocked_domains']) {
    const value = tool[field];
    if (value != null && (!Array.isArray(value) || value.some((d) => typeof d !== 'string'))) return `${at}.${field}: Input should be a valid list of strings`;
  }
  if (tool['allowed_domains'] != null && tool['blocked_domains'] != null) {
    return `${at}: only one of allowed_domains and blocked_domains may be specified`;
  }
  return undefined;
}

function checkServerTool(tool: Record<string, unknown>, type: string, at: string): Check {
  const path = `${at}.${type}`;
  const expected = type.startsWith('web_search_') ? 'web_search' : 'web_fetch';
  const extra = checkExtraFields(tool, serverFieldsOf(type), path);
  if (extra) return extra;
  if (tool['name'] !== expected) return `${path}.name: Input should be '${expected}'`;
  const maxUses = tool['max_uses'];
  if (maxUses != null && (typeof maxUses !== 'number' || !Number.isInteger(maxUses) || maxUses < 1)) {
    return `${path}.max_uses: Input should be greater than 0`;
  }
  return checkDomains(tool, path);
}

function checkCustomTool(tool: Record<string, unknown>, at: string): Check {
  const path = `${at}.custom`;
  const extra = checkExtraFields(tool, CUSTOM_FIELDS, path);
  if (extra) return extra;
  if (typeof tool['name'] !== 'string') return `${path}.name: Field required`;
  if (!TOOL_NAME.test(tool['name'])) return `${path}.name: String should match pattern '${TOOL_NAME.source}'`;
  if (tool['description'] !== undefined && typeof tool['description'] !== 'string') return `${path}.description: Input should be a valid string`;
  const schema = tool['input_schema'];
  if (schema === undefined) return `${path}.input_schema: Field required`;
  if (!isObject(schema)) return `${path}.input_schema: Input should be a valid dictionary`;
  if (schema['type'] !== 'object') return `${path}.input_schema.type: Input should be 'object'`;
  return undefined;
}

/**
 * Checks `tools`: custom tools (`name`, `description?`, `input_schema` object) and the server
 * tools `web_search_…` / `web_fetch_…` in their documented versions, each with its own fields;
 * any other `type` is rejected (the fake models no other server tool). Names must be unique.
 */
export function checkTools(tools: unknown): Check {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const accepted = ['custom', ...WEB_SEARCH_TOOL_TYPES, ...WEB_FETCH_TOOL_TYPES];
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const at = `tools.${i}`;
    if (!isObject(tool)) return `${at}: Input should be a valid dictionary`;
    const type = tool['type'] ?? 'custom';
    if (typeof type !== 'string' || !accepted.includes(type)) {
      return `${at}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${accepted.map((t) => `'${t}'`).join(', ')}`;
    }
    const problem = (type === 'custom' ? checkCustomTool(tool, at) : checkServerTool(tool, type, at)) ?? checkCacheControl(tool['cache_control'], at);
    if (problem) return problem;
    const name = tool['name'] as string;
    if (names.has(name)) return 'tools: Tool names must be unique.';
    names.add(name);
  }
  return undefined;
}

/** Checks `tool_choice` (`auto` | `any` | `tool` with a defined `name` | `none`) against `tools`. */
export function checkToolChoice(choice: unknown, tools: unknown): Check {
  if (choice === undefined) return undefined;
  if (!isObject(choice)) return 'tool_choice: Input should be a valid dictionary';
  const type = choice['type'];
  if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none') {
    return `tool_choice: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`;
  }
  const extra = checkExtraFields(choice, type === 'none' ? ['type'] : type === 'tool' ? ['type', 'name', 'disable_parallel_tool_use'] : ['type', 'disable_parallel_tool_use'], `tool_choice.${type}`);
  if (extra) return extra;
  const parallel = choice['disable_parallel_tool_use'];
  if (parallel !== undefined && typeof parallel !== 'boolean') return `tool_choice.${type}.disable_parallel_tool_use: Input should be a valid boolean`;
  const defined = Array.isArray(tools) ? tools.map((t) => (isObject(t) ? t['name'] : undefined)) : [];
  if (type !== 'none' && defined.length === 0) return 'tool_choice may only be specified while providing tools.';
  if (type === 'tool') {
    if (typeof choice['name'] !== 'string') return 'tool_choice.tool.name: Field required';
    if (!defined.includes(choice['name'])) return `tool_choice.tool.name: tool '${choice['name']}' is not defined in tools`;
  }
  return undefined;
}

/**
 * Checks `thinking`: `enabled` with `budget_tokens` ≥ 1024 and below `max_tokens`, `disabled`,
 * `adaptive` or `between_tools`; thinking may not be enabled while `tool_choice` forces a tool.
 */
export function checkThinking(thinking: unknown, maxTokens: number, toolChoice: unknown): Check {
  if (thinking === undefined) return undefined;
  if (!isObject(thinking)) return 'thinking: Input should be a valid dictionary';
  const type = thinking['type'];
  const fields: Record<string, string[]> = {
    enabled: ['type', 'budget_tokens', 'display'],
    disabled: ['type'],
    adaptive: ['type', 'display'],
    between_tools: ['type'],
  };
  const allowed = typeof type === 'string' ? fields[type] : undefined;
  if (!allowed) {
    return `thinking: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive', 'between_tools'`;
  }
  const extra = checkExtraFields(thinking, allowed, `thinking.${type}`);
  if (extra) return extra;
  if (type === 'enabled') {
    const budget = thinking['budget_tokens'];
    if (typeof budget !== 'number' || !Number.isInteger(budget)) return 'thinking.enabled.budget_tokens: Field required';
    if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (budget >= maxTokens) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  }
  const forced = isObject(toolChoice) && (toolChoice['type'] === 'any' || toolChoice['type'] === 'tool');
  if (type !== 'disabled' && forced) return 'Thinking may not be enabled when tool_choice forces tool use.';
  return undefined;
}
