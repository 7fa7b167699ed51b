import { AGENT_FRONTMATTER_KEYS } from './agent-schema.js';
import { parseFrontmatterYaml } from './parse-frontmatter-yaml.js';

/** A problem found while reading leniently; `line` is 1-based within the block. */
export interface LenientFrontmatterProblem {
  line: number;
  field: string;
  reason: string;
}

/** Result of `readLenientFrontmatter`. `keyLines` gives each key's 1-based line within the block. */
export type LenientFrontmatterResult =
  | { kind: 'not-frontmatter' }
  | { kind: 'read'; data: Record<string, unknown>; keyLines: Record<string, number> }
  | { kind: 'problems'; problems: LenientFrontmatterProblem[] };

/**
 * Keys that always start a new field when they begin a line, even inside a free-text value:
 * the crew's keys plus the other keys of the Claude Code subagent format.
 */
export const LENIENT_BOUNDARY_KEYS: ReadonlySet<string> = new Set<string>([
  ...AGENT_FRONTMATTER_KEYS,
  'color',
  'disallowedTools',
  'permissionMode',
  'skills',
  'hooks',
  'mcpServers',
  'memory',
  'maxTurns',
]);

/** Free-text keys whose value runs on, over any line, until the next boundary key. */
const PROSE_KEYS: ReadonlySet<string> = new Set(['description', 'display_name']);

const KEY_LINE = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)/;

interface Entry {
  key: string;
  /** 1-based line of `key:` within the block. */
  line: number;
  lines: string[];
}

/**
 * Reads a frontmatter block that strict YAML rejected but that is obviously meant as
 * `key: value` fields: its first content line is a `key:` at column 0 and it has a `name` or
 * `description` key. Returns `not-frontmatter` otherwise.
 *
 * Boundaries: a line starts a new field only when it is `key:` at column 0 AND either the key is
 * a known subagent/crew key (`LENIENT_BOUNDARY_KEYS`) or the current field is not free text.
 * So a `description` keeps wrapped lines such as `user: "…"`, `Context: …` and `<example>`
 * blocks, and ends at the next `color:`/`tools:`/… line.
 *
 * Values: each field is first read as strict YAML on its own (so lists, quoted strings and block
 * scalars work). A free-text field that still fails is taken as raw text: lines joined, outer
 * quotes removed (see `unquote`), and literal `\n` sequences turned into line breaks (those files
 * were written for a quoted string). Any other field that fails is a problem.
 */
export function readLenientFrontmatter(block: string): LenientFrontmatterResult {
  const entries = splitEntries(block.split('\n'));
  if (entries === undefined || !entries.some((entry) => entry.key === 'name' || entry.key === 'description')) {
    return { kind: 'not-frontmatter' };
  }
  const data: Record<string, unknown> = {};
  const keyLines: Record<string, number> = {};
  const problems: LenientFrontmatterProblem[] = [];
  for (const entry of entries) {
    const firstLine = keyLines[entry.key];
    if (firstLine !== undefined) {
      problems.push({
        line: entry.line,
        field: entry.key,
        reason: `${entry.key} appears twice (lines ${firstLine} and ${entry.line} of the frontmatter block)`,
      });
      continue;
    }
    keyLines[entry.key] = entry.line;
    const value = readEntryValue(entry);
    if ('problem' in value) problems.push(value.problem);
    else data[entry.key] = value.value;
  }
  return problems.length > 0 ? { kind: 'problems', problems } : { kind: 'read', data, keyLines };
}

function splitEntries(lines: string[]): Entry[] | undefined {
  const entries: Entry[] = [];
  let current: Entry | undefined;
  for (const [index, line] of lines.entries()) {
    const key = KEY_LINE.exec(line)?.[1];
    if (current === undefined) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (key === undefined) return undefined;
    }
    const startsField =
      key !== undefined && (current === undefined || LENIENT_BOUNDARY_KEYS.has(key) || !PROSE_KEYS.has(current.key));
    if (startsField) {
      current = { key, line: index + 1, lines: [line] };
      entries.push(current);
    } else {
      current?.lines.push(line);
    }
  }
  return entries;
}

function readEntryValue(entry: Entry): { value: unknown } | { problem: LenientFrontmatterProblem } {
  const parsed = parseFrontmatterYaml(entry.lines.join('\n'));
  if (parsed.ok && isSingleKeyMapping(parsed.data, entry.key)) {
    return { value: (parsed.data as Record<string, unknown>)[entry.key] };
  }
  if (PROSE_KEYS.has(entry.key)) return { value: readRawProse(entry) };
  const reason = parsed.ok ? 'its value spills into lines that look like other fields' : parsed.reason;
  const line = parsed.ok || parsed.line === undefined ? entry.line : entry.line + parsed.line - 1;
  return { problem: { line, field: entry.key, reason: `${entry.key} is not valid YAML (${reason})` } };
}

function isSingleKeyMapping(data: unknown, key: string): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const keys = Object.keys(data);
  return keys.length === 1 && keys[0] === key;
}

function readRawProse(entry: Entry): string {
  const [first = '', ...rest] = entry.lines;
  const text = [first.replace(KEY_LINE, ''), ...rest].join('\n').trim();
  return unquote(text) ?? text.replace(/\\n/g, '\n');
}

/**
 * Returns the text inside matching outer quotes, or undefined when it is not quoted. A
 * double-quoted text is read as a JSON string when it is one; otherwise the outer quotes are
 * dropped and `\"` / `\n` escapes are undone (authors often leave inner quotes unescaped).
 */
function unquote(text: string): string | undefined {
  if (text.length < 2) return undefined;
  if (text.startsWith('"') && text.endsWith('"')) {
    try {
      const value: unknown = JSON.parse(text.replace(/\n/g, ' '));
      if (typeof value === 'string') return value;
    } catch {
      // not a JSON-style string: drop the quotes below
    }
    return text.slice(1, -1).replace(/\\"/g, '"').replace(/\\n/g, '\n');
  }
  if (text.startsWith("'") && text.endsWith("'")) {
    return text.slice(1, -1).replace(/''/g, "'").replace(/\\n/g, '\n');
  }
  return undefined;
}
