import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agent } from '../../core/agents/agent.js';
import { AgentsDirError, type AgentFileProblem } from '../../core/agents/agent-file-error.js';
import { selectAgents, type AgentFileText } from '../../core/agents/select-agents.js';

/** What loading a folder of agent files produced. */
export interface LoadAgentsResult {
  /** Agents that loaded, in file order (relative paths sorted by code unit). */
  agents: Agent[];
  /** Files that were not loaded, and why. */
  problems: AgentFileProblem[];
  /** Files that loaded but deserve a note in the log (lenient frontmatter, no frontmatter). */
  warnings: AgentFileProblem[];
}

/**
 * Loads every `*.md` file under `dir` (recursively; dot-folders and `node_modules` are skipped).
 * Files are processed in sorted order, so results are deterministic.
 *
 * Never throws for a bad file: unreadable, non-UTF-8 and invalid files become `problems`.
 * Conflicts are problems too: when two agents share a name, the first file keeps it and the
 * second is not loaded. Names win over aliases: an agent whose alias equals another agent's name,
 * or an alias an earlier file already claimed, is not loaded. Each such problem names both files.
 *
 * @throws AgentsDirError (`agents_dir_unreadable`) when `dir` itself cannot be read.
 */
export async function loadAgents(dir: string | URL): Promise<LoadAgentsResult> {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const problems: AgentFileProblem[] = [];
  let relativePaths: string[];
  try {
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error(`${root} is not a directory`);
    relativePaths = await listMarkdownFiles(root, '', problems);
  } catch (error) {
    throw new AgentsDirError(root, { cause: error });
  }

  const files: AgentFileText[] = [];
  for (const relativePath of relativePaths.sort(compareCodeUnits)) {
    const file = path.join(root, relativePath);
    const text = await readUtf8(file, problems);
    if (text !== undefined) files.push({ file, text });
  }
  const selected = selectAgents(files);
  problems.push(...selected.problems);
  const { agents, warnings } = selected;
  return { agents, problems, warnings };
}

async function listMarkdownFiles(root: string, relativeDir: string, problems: AgentFileProblem[]): Promise<string[]> {
  const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const relativePath = path.join(relativeDir, entry.name);
    if (entry.isDirectory()) {
      try {
        found.push(...(await listMarkdownFiles(root, relativePath, problems)));
      } catch (error) {
        const reason = `cannot read this folder: ${describeFsError(error)}`;
        problems.push({ file: path.join(root, relativePath), reason });
      }
    } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.toLowerCase().endsWith('.md')) {
      found.push(relativePath);
    }
  }
  return found;
}

async function readUtf8(file: string, problems: AgentFileProblem[]): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    problems.push({ file, reason: `cannot read this file: ${describeFsError(error)}` });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    problems.push({ file, reason: 'the file is not valid UTF-8 text: save it as UTF-8' });
    return undefined;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
