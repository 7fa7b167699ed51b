import type { Agent } from './agent.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { agentSchema } from './agent-schema.js';
import { parseFrontmatterYaml } from './parse-frontmatter-yaml.js';
import { readFileWithoutFrontmatter } from './read-file-without-frontmatter.js';
import { readLenientFrontmatter } from './read-lenient-frontmatter.js';
import { splitFrontmatter } from './split-frontmatter.js';

export type { AgentFileProblem } from './agent-file-error.js';

/**
 * Result of parsing one agent file. `warnings` are things worth logging that did not stop the
 * file from loading (frontmatter read leniently, no frontmatter at all).
 */
export type ParseAgentFileResult =
  | {
      ok: true;
      agent: Agent;
      warnings: AgentFileProblem[];
      /** The frontmatter keys as written (empty without frontmatter), for lint's honoured/ignored report. */
      frontmatterKeys: string[];
      /** The file has no frontmatter: an agent only where the folder rule allows (see `selectAgents`). */
      withoutFrontmatter: boolean;
    }
  | {
      ok: false;
      problems: AgentFileProblem[];
      /** The file is plainly not an agent (documentation, notes): worth a note, not an error. */
      notAnAgent?: true;
    };

interface Frontmatter {
  data: Record<string, unknown>;
  /** 1-based file line of each key, where known. */
  keyLines: Record<string, number>;
  body: string;
  /** File line where the body starts (for "body is empty"). */
  bodyLine: number;
}

const EMPTY_BODY = 'role prompt (body) is empty: write the instructions below the frontmatter';

type Collected =
  | { ok: true; frontmatter: Frontmatter; withoutFrontmatter?: true }
  | { ok: false; problems: AgentFileProblem[]; notAnAgent?: true };

/**
 * Parses an agent file: Markdown with YAML frontmatter (Claude Code subagent format plus the
 * crew keys). Never throws for bad content; every problem names the file and, where known, the
 * line and field.
 *
 * - A BOM and CRLF/CR line ends are accepted.
 * - Frontmatter is read as strict YAML (gray-matter). When that fails but the block is obviously
 *   `key: value` fields, it is read leniently (see `readLenientFrontmatter`) and a warning is added.
 * - A file without frontmatter loads when it reads like a role prompt (`readFileWithoutFrontmatter`):
 *   the name comes from the file name, the description from the first paragraph of prose, and the
 *   whole body is the prompt. Otherwise (e.g. `README.md`, `notes.md`) it is `notAnAgent`.
 * - Frontmatter holding neither `name` nor `description` (a docs page's `title:`) is `notAnAgent`.
 */
export function parseAgentFile(text: string, sourceFile: string): ParseAgentFileResult {
  if (typeof text !== 'string') {
    return { ok: false, problems: [{ file: sourceFile, reason: 'file content is not text' }] };
  }
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const warnings: AgentFileProblem[] = [];
  const collected = collectFrontmatter(normalized, sourceFile, warnings);
  if (!collected.ok) return collected;
  const { data, keyLines, body, bodyLine } = collected.frontmatter;
  if (!('name' in data) && !('description' in data)) {
    const keys = Object.keys(data);
    const found = keys.length === 0 ? 'it is empty' : `it holds only ${keys.join(', ')}`;
    const reason = `not an agent: the frontmatter has neither name nor description (${found})`;
    return { ok: false, notAnAgent: true, problems: [{ file: sourceFile, reason }] };
  }

  const problems: AgentFileProblem[] = [];
  const parsed = agentSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
      const line = field === undefined ? undefined : keyLines[field];
      problems.push(makeProblem(sourceFile, line, field, issue.message));
    }
  }
  const prompt = body.trim();
  if (prompt === '') {
    problems.push(makeProblem(sourceFile, bodyLine, undefined, EMPTY_BODY));
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };

  const { iconEmoji, ...fields } = parsed.data;
  const agent: Agent = { ...fields, ...(iconEmoji === undefined ? {} : { iconEmoji }), prompt, sourceFile };
  const withoutFrontmatter = collected.withoutFrontmatter === true;
  return { ok: true, agent, warnings, frontmatterKeys: withoutFrontmatter ? [] : Object.keys(data), withoutFrontmatter };
}

function collectFrontmatter(text: string, file: string, warnings: AgentFileProblem[]): Collected {
  const split = splitFrontmatter(text);
  switch (split.kind) {
    case 'bad-opening':
      return fail(
        file,
        split.openLine,
        `frontmatter must open with a line containing only '---' (found '${split.found}'); only YAML frontmatter is read`,
      );
    case 'unterminated':
      return fail(
        file,
        split.openLine,
        `frontmatter opened on line ${split.openLine} is never closed: add a line containing only '---' after the last field`,
      );
    case 'none':
      return collectWithoutFrontmatter(split.body, file, warnings);
    case 'block':
      break;
  }
  const { block, openLine, body, bodyStartLine } = split;
  const toFileLine = (blockLine: number): number => openLine + blockLine;
  const strict = parseFrontmatterYaml(block);
  if (strict.ok && isRecordOrNull(strict.data)) {
    const keyLines = findKeyLines(block, toFileLine);
    return { ok: true, frontmatter: { data: strict.data ?? {}, keyLines, body, bodyLine: bodyStartLine } };
  }
  const strictReason = strict.ok
    ? `it reads as ${describeValue(strict.data)}, not as 'key: value' fields`
    : strict.reason;
  const strictLine = strict.ok || strict.line === undefined ? openLine : toFileLine(strict.line);
  const lenient = readLenientFrontmatter(block);
  if (lenient.kind === 'not-frontmatter') {
    return fail(file, strictLine, `frontmatter is not valid YAML: ${strictReason}`);
  }
  if (lenient.kind === 'problems') {
    const problems = lenient.problems.map((problem) =>
      makeProblem(file, toFileLine(problem.line), problem.field, problem.reason),
    );
    return { ok: false, problems };
  }
  warnings.push({
    file,
    line: strictLine,
    reason: `frontmatter is not strict YAML (${strictReason}); read leniently, each field running until the next known field`,
  });
  const keyLines = Object.fromEntries(
    Object.entries(lenient.keyLines).map(([key, line]) => [key, toFileLine(line)]),
  );
  return { ok: true, frontmatter: { data: lenient.data, keyLines, body, bodyLine: bodyStartLine } };
}

function collectWithoutFrontmatter(body: string, file: string, warnings: AgentFileProblem[]): Collected {
  const read = readFileWithoutFrontmatter(body, file);
  if (read.kind === 'broken') return { ok: false, problems: [read.problem] };
  if (read.kind === 'not-an-agent') return { ok: false, notAnAgent: true, problems: [{ file, reason: read.reason }] };
  warnings.push(read.warning);
  const data = { name: read.name, description: read.description };
  return { ok: true, frontmatter: { data, keyLines: {}, body, bodyLine: 1 }, withoutFrontmatter: true };
}

function findKeyLines(block: string, toFileLine: (blockLine: number) => number): Record<string, number> {
  const keyLines: Record<string, number> = {};
  for (const [index, line] of block.split('\n').entries()) {
    const key = /^([A-Za-z_][\w-]*)[ \t]*:/.exec(line)?.[1];
    if (key !== undefined && keyLines[key] === undefined) keyLines[key] = toFileLine(index + 1);
  }
  return keyLines;
}

function isRecordOrNull(value: unknown): value is Record<string, unknown> | null {
  return value === null || (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date));
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'plain text' : `a ${typeof value}`;
}

function makeProblem(file: string, line: number | undefined, field: string | undefined, reason: string): AgentFileProblem {
  return { file, ...(line === undefined ? {} : { line }), ...(field === undefined ? {} : { field }), reason };
}

function fail(file: string, line: number, reason: string, field?: string): Collected {
  return { ok: false, problems: [makeProblem(file, line, field, reason)] };
}
