import type { Agent } from './agent.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { agentSchema, explainInvalidName } from './agent-schema.js';
import { parseFrontmatterYaml } from './parse-frontmatter-yaml.js';
import { readLenientFrontmatter } from './read-lenient-frontmatter.js';
import { splitFrontmatter } from './split-frontmatter.js';

export type { AgentFileProblem } from './agent-file-error.js';

/**
 * Result of parsing one agent file. `warnings` are things worth logging that did not stop the
 * file from loading (frontmatter read leniently, no frontmatter at all).
 */
export type ParseAgentFileResult =
  | { ok: true; agent: Agent; warnings: AgentFileProblem[] }
  | { ok: false; problems: AgentFileProblem[] };

interface Frontmatter {
  data: Record<string, unknown>;
  /** 1-based file line of each key, where known. */
  keyLines: Record<string, number>;
  body: string;
  /** File line where the body starts (for "body is empty"). */
  bodyLine: number;
}

const EMPTY_BODY = 'role prompt (body) is empty: write the instructions below the frontmatter';

type Collected = { ok: true; frontmatter: Frontmatter } | { ok: false; problems: AgentFileProblem[] };

/**
 * Parses an agent file: Markdown with YAML frontmatter (Claude Code subagent format plus the
 * crew keys). Never throws for bad content; every problem names the file and, where known, the
 * line and field.
 *
 * - A BOM and CRLF/CR line ends are accepted.
 * - Frontmatter is read as strict YAML (gray-matter). When that fails but the block is obviously
 *   `key: value` fields, it is read leniently (see `readLenientFrontmatter`) and a warning is added.
 * - A file without frontmatter loads when its file name (without extension) is already a valid
 *   agent name: the name comes from the file name, the description from the first paragraph of
 *   the body that is not a heading (else the first heading), and the whole body is the prompt.
 *   Otherwise (e.g. `README.md`, `SOURCE.md`) it is a problem.
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
  return { ok: true, agent, warnings };
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
  const lines = body.split('\n');
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex !== -1 && /^(name|description)[ \t]*:/.test(lines[firstIndex] ?? '')) {
    return fail(
      file,
      firstIndex + 1,
      "this looks like frontmatter without its opening '---' line: put '---' lines before and after the fields",
    );
  }
  const baseName = fileBaseName(file);
  if (explainInvalidName(baseName) !== undefined || baseName !== baseName.toLowerCase()) {
    return fail(
      file,
      1,
      `the file has no frontmatter, and its file name '${baseName}' is not a valid agent name: ` +
        "start the file with a '---' block holding name and description",
      'name',
    );
  }
  const description = deriveDescription(body);
  if (description === undefined) {
    const reason = 'description is required: the file has no frontmatter and no paragraph to take it from';
    return fail(file, 1, reason, 'description');
  }
  warnings.push({
    file,
    line: 1,
    reason: 'no frontmatter: name taken from the file name, description from the first paragraph',
  });
  return { ok: true, frontmatter: { data: { name: baseName, description }, keyLines: {}, body, bodyLine: 1 } };
}

/**
 * First paragraph of the body that is not a heading, rule, code fence or HTML comment, on one
 * line; else the text of the first heading.
 */
function deriveDescription(body: string): string | undefined {
  let firstHeading: string | undefined;
  for (const paragraph of body.split(/\n[ \t]*\n/)) {
    const lines = paragraph
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^([-*_])[ \t]*(?:\1[ \t]*){2,}$/.test(line));
    const headings = lines.filter((line) => line.startsWith('#'));
    firstHeading ??= headings[0]?.replace(/^#+\s*/, '');
    const prose = lines.filter((line) => !line.startsWith('#'));
    const first = prose[0];
    if (first === undefined || first.startsWith('```') || first.startsWith('~~~') || first.startsWith('<!--')) continue;
    return prose.join(' ').replace(/\s+/g, ' ');
  }
  return firstHeading === '' ? undefined : firstHeading;
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

/** The file's name without folder and extension (pure: both path separators). */
function fileBaseName(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
