/**
 * Content-block rules of the fake Messages API: each block type with its own fields and role, and
 * the pairing of client `tool_use` / `tool_result` blocks and of server tool calls / results,
 * with the API's error wording where it is known.
 */

/** A failed check's message, or undefined when the value passed. */
export type Check = string | undefined;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkCacheControl(value: unknown, path: string): Check {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value['type'] !== 'ephemeral') return `${path}.cache_control.type: Input should be 'ephemeral'`;
  const ttl = value['ttl'];
  if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') return `${path}.cache_control.ttl: Input should be '5m' or '1h'`;
  return undefined;
}

/** The first field of `value` not in `allowed`, as the API reports it. */
export function checkExtraFields(value: Record<string, unknown>, allowed: readonly string[], path: string): Check {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra ? `${path}.${extra}: Extra inputs are not permitted` : undefined;
}

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const SERVER_TOOL_ID = /^srvtoolu_[a-zA-Z0-9_]+$/;
const SERVER_TOOL_NAMES = [
  'web_search', 'web_fetch', 'code_execution', 'bash_code_execution', 'text_editor_code_execution',
  'tool_search_tool_regex', 'tool_search_tool_bm25',
];

/** Fields and role of each block type the fake accepts (`both` roles for text). */
const BLOCKS: Record<string, { fields: readonly string[]; role: 'user' | 'assistant' | 'both' }> = {
  text: { fields: ['type', 'text', 'cache_control', 'citations'], role: 'both' },
  tool_result: { fields: ['type', 'tool_use_id', 'content', 'is_error', 'cache_control'], role: 'user' },
  thinking: { fields: ['type', 'thinking', 'signature'], role: 'assistant' },
  // Vision and PDF support (Anthropic's docs): user messages only.
  image: { fields: ['type', 'source', 'cache_control'], role: 'user' },
  document: { fields: ['type', 'source', 'title', 'context', 'citations', 'cache_control'], role: 'user' },
  redacted_thinking: { fields: ['type', 'data'], role: 'assistant' },
  tool_use: { fields: ['type', 'id', 'name', 'input', 'cache_control', 'caller'], role: 'assistant' },
  server_tool_use: { fields: ['type', 'id', 'name', 'input', 'cache_control', 'caller'], role: 'assistant' },
  web_search_tool_result: { fields: ['type', 'tool_use_id', 'content', 'cache_control', 'caller'], role: 'assistant' },
  web_fetch_tool_result: { fields: ['type', 'tool_use_id', 'content', 'cache_control', 'caller'], role: 'assistant' },
};
/** Block types the API has that the fake does not model (rejected with a message saying so). */
const UNSUPPORTED = [
  'search_result', 'container_upload', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result',
];

function checkString(block: Record<string, unknown>, field: string, at: string, pattern?: RegExp): Check {
  const value = block[field];
  if (typeof value !== 'string') return `${at}.${field}: Field required`;
  if (pattern && !pattern.test(value)) return `${at}.${field}: String should match pattern '${pattern.source}'`;
  return undefined;
}

function checkText(block: Record<string, unknown>, at: string): Check {
  if (typeof block['text'] !== 'string') return `${at}.text: Field required`;
  if (block['text'] === '') return `${at}: text content blocks must be non-empty`;
  return undefined;
}

/** Checks `blocks` as a list of text blocks (system prompts, tool_result content). */
export function checkTextBlocks(blocks: unknown[], path: string): Check {
  if (blocks.length === 0) return `${path}: content blocks must be a non-empty list`;
  for (const [i, block] of blocks.entries()) {
    const at = `${path}.${i}`;
    if (!isObject(block)) return `${at}: Input should be a valid dictionary`;
    if (block['type'] !== 'text') return `${at}.type: only 'text' content blocks are supported by the fake`;
    const problem = checkExtraFields(block, BLOCKS['text']?.fields ?? [], at) ?? checkText(block, at) ?? checkCacheControl(block['cache_control'], at);
    if (problem) return problem;
  }
  return undefined;
}

function checkWebSearchContent(content: unknown, at: string): Check {
  if (isObject(content)) {
    if (content['type'] !== 'web_search_tool_result_error') return `${at}.type: Input should be 'web_search_tool_result_error'`;
    return checkExtraFields(content, ['type', 'error_code'], at) ?? checkString(content, 'error_code', at);
  }
  if (!Array.isArray(content)) return `${at}: Input should be a valid list or a web_search_tool_result_error`;
  for (const [i, result] of content.entries()) {
    const r = `${at}.${i}`;
    if (!isObject(result) || result['type'] !== 'web_search_result') return `${r}.type: Input should be 'web_search_result'`;
    const problem =
      checkExtraFields(result, ['type', 'url', 'title', 'encrypted_content', 'page_age'], r) ??
      checkString(result, 'url', r) ??
      checkString(result, 'title', r) ??
      checkString(result, 'encrypted_content', r);
    if (problem) return problem;
  }
  return undefined;
}

function checkWebFetchContent(content: unknown, at: string): Check {
  if (!isObject(content)) return `${at}: Input should be a valid dictionary`;
  if (content['type'] === 'web_fetch_tool_result_error') {
    return checkExtraFields(content, ['type', 'error_code'], at) ?? checkString(content, 'error_code', at);
  }
  if (content['type'] !== 'web_fetch_result') return `${at}.type: Input should be 'web_fetch_result' or 'web_fetch_tool_result_error'`;
  const problem = checkExtraFields(content, ['type', 'url', 'content', 'retrieved_at'], at) ?? checkString(content, 'url', at);
  if (problem) return problem;
  const document = content['content'];
  if (!isObject(document) || document['type'] !== 'document') return `${at}.content.type: Input should be 'document'`;
  return isObject(document['source']) ? undefined : `${at}.content.source: Field required`;
}

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
/** The API refuses a base64 image over 5 MB (decoded). */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkBase64(source: Record<string, unknown>, at: string): Check {
  const data = source['data'];
  if (typeof data !== 'string') return `${at}.data: Field required`;
  if (data.length % 4 !== 0 || !BASE64.test(data)) return `${at}.data: Invalid base64 data`;
  return undefined;
}

function checkImageSource(source: unknown, at: string): Check {
  if (!isObject(source)) return `${at}: Field required`;
  if (source['type'] === 'url') return checkString(source, 'url', at);
  if (source['type'] === 'file') return checkString(source, 'file_id', at);
  if (source['type'] !== 'base64') return `${at}.type: Input should be 'base64', 'url' or 'file'`;
  if (!IMAGE_MEDIA_TYPES.includes(source['media_type'] as string)) {
    return `${at}.media_type: Input should be ${IMAGE_MEDIA_TYPES.map((t) => `'${t}'`).join(', ')}`;
  }
  const problem = checkExtraFields(source, ['type', 'media_type', 'data'], at) ?? checkBase64(source, at);
  if (problem) return problem;
  if (Buffer.byteLength(source['data'] as string, 'base64') > MAX_IMAGE_BYTES) return `${at}: image exceeds 5 MB maximum`;
  return undefined;
}

function checkDocumentSource(source: unknown, at: string): Check {
  if (!isObject(source)) return `${at}: Field required`;
  switch (source['type']) {
    case 'base64':
      if (source['media_type'] !== 'application/pdf') return `${at}.media_type: Input should be 'application/pdf'`;
      return checkExtraFields(source, ['type', 'media_type', 'data'], at) ?? checkBase64(source, at);
    case 'text':
      if (source['media_type'] !== 'text/plain') return `${at}.media_type: Input should be 'text/plain'`;
      return checkString(source, 'data', at);
    case 'url':
      return checkString(source, 'url', at);
    case 'file':
      return checkString(source, 'file_id', at);
    case 'content':
      return Array.isArray(source['content']) ? undefined : `${at}.content: Field required`;
    default:
      return `${at}.type: Input should be 'base64', 'text', 'url', 'content' or 'file'`;
  }
}

function checkBlockFields(type: string, block: Record<string, unknown>, at: string): Check {
  switch (type) {
    case 'text':
      return checkText(block, at);
    case 'thinking':
      return checkString(block, 'thinking', at) ?? checkString(block, 'signature', at);
    case 'redacted_thinking':
      return checkString(block, 'data', at);
    case 'tool_use':
    case 'server_tool_use': {
      const problem = checkString(block, 'id', at, type === 'tool_use' ? TOOL_ID : SERVER_TOOL_ID) ?? checkString(block, 'name', at);
      if (problem) return problem;
      if (type === 'server_tool_use' && !SERVER_TOOL_NAMES.includes(block['name'] as string)) {
        return `${at}.name: Input should be ${SERVER_TOOL_NAMES.map((n) => `'${n}'`).join(', ')}`;
      }
      return isObject(block['input']) ? undefined : `${at}.input: Input should be a valid dictionary`;
    }
    case 'tool_result': {
      const problem = checkString(block, 'tool_use_id', at, TOOL_ID);
      if (problem) return problem;
      if (block['is_error'] !== undefined && typeof block['is_error'] !== 'boolean') return `${at}.is_error: Input should be a valid boolean`;
      const content = block['content'];
      if (content === undefined || typeof content === 'string') return undefined;
      if (!Array.isArray(content)) return `${at}.content: Input should be a valid string or list of content blocks`;
      return content.length === 0 ? undefined : checkTextBlocks(content, `${at}.content`);
    }
    case 'image':
      return checkImageSource(block['source'], `${at}.source`);
    case 'document':
      return checkDocumentSource(block['source'], `${at}.source`) ?? (block['title'] === undefined ? undefined : checkString(block, 'title', at));
    case 'web_search_tool_result':
      return checkString(block, 'tool_use_id', at, SERVER_TOOL_ID) ?? checkWebSearchContent(block['content'], `${at}.content`);
    default:
      return checkString(block, 'tool_use_id', at, SERVER_TOOL_ID) ?? checkWebFetchContent(block['content'], `${at}.content`);
  }
}

/** Checks one message's content blocks: known type, its fields, its role, its cache_control. */
export function checkContentBlocks(blocks: unknown[], role: 'user' | 'assistant', path: string): Check {
  if (blocks.length === 0) return `${path}: content blocks must be a non-empty list`;
  for (const [i, block] of blocks.entries()) {
    const at = `${path}.${i}`;
    if (!isObject(block)) return `${at}: Input should be a valid dictionary`;
    const type = String(block['type']);
    const spec = BLOCKS[type];
    if (UNSUPPORTED.includes(type)) return `${at}.type: '${type}' content blocks are not supported by the fake`;
    if (!spec) {
      const tags = [...Object.keys(BLOCKS), ...UNSUPPORTED].map((t) => `'${t}'`).join(', ');
      return `${at}: Input tag '${type}' found using 'type' does not match any of the expected tags: ${tags}`;
    }
    if (spec.role !== 'both' && spec.role !== role) return `${at}: \`${type}\` blocks are only allowed in ${spec.role} messages`;
    const problem = checkExtraFields(block, spec.fields, at) ?? checkBlockFields(type, block, at) ?? checkCacheControl(block['cache_control'], at);
    if (problem) return problem;
  }
  return undefined;
}

type Message = { role: string; content: unknown };
const blocksOf = (message: Message | undefined): Array<Record<string, unknown>> =>
  Array.isArray(message?.content) ? (message.content as Array<Record<string, unknown>>) : [];

/**
 * The API's pairing rules, checked after every block is valid: a `tool_result` answers a
 * `tool_use` id of the previous (assistant) message; every client `tool_use` is answered by
 * `tool_result` blocks at the start of the next message (results after other content do not
 * count); a server tool result follows its `server_tool_use` in the same message; ids are unique.
 */
export function checkToolPairing(messages: Message[]): Check {
  const seen = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const previousIds = new Set(blocksOf(messages[i - 1]).filter((b) => b['type'] === 'tool_use').map((b) => b['id'] as string));
    const serverIds = new Set<string>();
    for (const [j, block] of blocksOf(message).entries()) {
      const type = block['type'] as string;
      if (type === 'tool_use' || type === 'server_tool_use') {
        const id = block['id'] as string;
        if (seen.has(id)) return `messages.${i}.content.${j}: \`tool_use\` ids must be unique`;
        seen.add(id);
        if (type === 'server_tool_use') serverIds.add(id);
      }
      const answered = block['tool_use_id'] as string;
      if (type === 'tool_result' && !previousIds.has(answered)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${answered}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      if (type.endsWith('_tool_result') && type !== 'tool_result' && !serverIds.has(answered)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`${type}\` blocks: ${answered}. Each \`${type}\` block must have a corresponding \`server_tool_use\` block before it.`;
      }
    }
  }
  for (const [i, message] of messages.entries()) {
    const ids = blocksOf(message).filter((b) => b['type'] === 'tool_use').map((b) => b['id'] as string);
    if (ids.length === 0) continue;
    const next = blocksOf(messages[i + 1]);
    const firstOther = next.findIndex((b) => b['type'] !== 'tool_result');
    const leading = firstOther === -1 ? next : next.slice(0, firstOther);
    const answered = new Set(leading.map((b) => b['tool_use_id'] as string));
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}
