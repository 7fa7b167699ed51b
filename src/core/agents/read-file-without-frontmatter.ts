import type { AgentFileProblem } from './agent-file-error.js';
import { explainInvalidName } from './agent-schema.js';

/**
 * File names (lower-cased, without extension) that are documentation, never a role prompt, even
 * when the file sits alone: public packs ship these beside their agents.
 */
export const DOCUMENTATION_FILE_NAMES: ReadonlySet<string> = new Set([
  'agents', 'authors', 'changelog', 'changes', 'claude', 'code_of_conduct', 'code-of-conduct', 'contributing',
  'contributors', 'history', 'index', 'license', 'notes', 'readme', 'release-notes', 'roadmap', 'security',
  'source', 'summary', 'todo', 'usage',
]);

/** Phrases with which a role prompt speaks to (or about) the agent it defines. */
const ROLE_PROMPT_PHRASE = /\b(you are|you're|you will|your role|your job|act as|this agent|the agent)\b/i;

/** What a Markdown file without frontmatter is, read on its own. */
export type FileWithoutFrontmatter =
  /** It reads like a role prompt: it may be an agent (the folder rule decides, see `selectAgents`). */
  | { kind: 'role-prompt'; name: string; description: string; warning: AgentFileProblem }
  /** Plainly not an agent (documentation, notes): reported, never an error. */
  | { kind: 'not-an-agent'; reason: string }
  /** Meant as an agent but broken (fields without the opening `---`): an error. */
  | { kind: 'broken'; problem: AgentFileProblem };

/**
 * Decides whether a file without frontmatter reads like a role prompt. The rule, in order:
 * 1. a first line `name:` / `description:` is frontmatter missing its `---` line: broken;
 * 2. the file name (without extension) must be a valid agent name and not a documentation name
 *    (`README`, `CHANGELOG`, `notes`, … — see `DOCUMENTATION_FILE_NAMES`);
 * 3. the body must hold a paragraph of prose (it becomes the description) and address the agent
 *    ("You are …", "This agent …", "Act as …").
 * Anything else is not an agent. The name comes from the file name.
 */
export function readFileWithoutFrontmatter(body: string, file: string): FileWithoutFrontmatter {
  const lines = body.split('\n');
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex !== -1 && /^(name|description)[ \t]*:/.test(lines[firstIndex] ?? '')) {
    const reason = "this looks like frontmatter without its opening '---' line: put '---' lines before and after the fields";
    return { kind: 'broken', problem: { file, line: firstIndex + 1, reason } };
  }
  const baseName = fileBaseName(file);
  const notAnAgent = (why: string): FileWithoutFrontmatter => ({
    kind: 'not-an-agent',
    reason: `not an agent: no frontmatter, and ${why}; to make it one, start it with a '---' block holding name and description`,
  });
  if (explainInvalidName(baseName) !== undefined || baseName !== baseName.toLowerCase()) {
    return notAnAgent(`its file name '${baseName}' is not an agent name`);
  }
  if (DOCUMENTATION_FILE_NAMES.has(baseName)) return notAnAgent(`'${baseName}' is a documentation file name`);
  const description = deriveDescription(body);
  if (description === undefined) return notAnAgent('it has no paragraph of prose to describe an agent');
  if (!ROLE_PROMPT_PHRASE.test(body)) {
    return notAnAgent("it does not read like a role prompt (no 'You are …', 'This agent …' or 'Act as …')");
  }
  const reason = 'no frontmatter: name taken from the file name, description from the first paragraph';
  return { kind: 'role-prompt', name: baseName, description, warning: { file, line: 1, reason } };
}

/** First paragraph of the body that is not a heading, rule, code fence or HTML comment, on one line. */
function deriveDescription(body: string): string | undefined {
  for (const paragraph of body.split(/\n[ \t]*\n/)) {
    const lines = paragraph
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^([-*_])[ \t]*(?:\1[ \t]*){2,}$/.test(line));
    const prose = lines.filter((line) => !line.startsWith('#'));
    const first = prose[0];
    if (first === undefined || first.startsWith('```') || first.startsWith('~~~') || first.startsWith('<!--')) continue;
    return prose.join(' ').replace(/\s+/g, ' ');
  }
  return undefined;
}

/** The file's name without folder and extension (pure: both path separators). */
function fileBaseName(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
