import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agent } from '../../core/agents/agent.js';
import { AgentsDirError, type AgentFileProblem } from '../../core/agents/agent-file-error.js';
import { selectAgents, type AgentFileText } from '../../core/agents/select-agents.js';
import { listAgentFiles } from './list-agent-files.js';

/** What loading a folder of agent files produced. */
export interface LoadAgentsResult {
  /** Agents that loaded, in load order (see `loadAgents`). */
  agents: Agent[];
  /** Errors: files meant as agents that did not load (invalid, unreadable, not UTF-8). */
  problems: AgentFileProblem[];
  /** Warnings: the crew differs from what the files say (a shadowed name, a dropped alias, a symlink loop). */
  warnings: AgentFileProblem[];
  /** Notes: files not taken and why (documentation, other file types, identical copies), lenient reads. */
  notes: AgentFileProblem[];
  /** Frontmatter keys as written, by `Agent.sourceFile`. */
  frontmatterKeys: ReadonlyMap<string, readonly string[]>;
}

/**
 * Loads every `*.md` file under `dir`, recursively (see `listAgentFiles`: symlinks are followed
 * once, loops refused, every skipped entry reported as a note).
 *
 * Load order — which decides every conflict — is shallow before deep, then by path in code-unit
 * order: the agents you keep at the top of `AGENTS_DIR` win over the packs dropped in subfolders.
 *
 * Never throws for a bad file. Conflicts follow `selectAgents`: a second file with a taken name is
 * not loaded (a note when byte-identical, else a warning); a colliding alias is dropped from its
 * agent with a warning, never the agent.
 *
 * @throws AgentsDirError (`agents_dir_unreadable`) when `dir` itself cannot be read.
 */
export async function loadAgents(dir: string | URL): Promise<LoadAgentsResult> {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  let listed;
  try {
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error(`${root} is not a directory`);
    listed = await listAgentFiles(root, { readdir, realpath, stat });
  } catch (error) {
    throw new AgentsDirError(root, { cause: error });
  }
  const problems: AgentFileProblem[] = [...listed.problems];
  const files: AgentFileText[] = [];
  for (const relativePath of [...listed.files].sort(compareLoadOrder)) {
    const file = path.join(root, relativePath);
    const text = await readUtf8(file, problems);
    if (text !== undefined) files.push({ file, text });
  }
  const selected = selectAgents(files);
  return {
    agents: selected.agents,
    problems: [...problems, ...selected.problems],
    warnings: [...listed.warnings, ...selected.warnings],
    notes: [...listed.notes, ...selected.notes],
    frontmatterKeys: selected.frontmatterKeys,
  };
}

async function readUtf8(file: string, problems: AgentFileProblem[]): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    problems.push({ file, reason: `cannot read this file: ${typeof code === 'string' ? code : String(error)}` });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    problems.push({ file, reason: 'the file is not valid UTF-8 text: save it as UTF-8' });
    return undefined;
  }
}

/** Shallow before deep, then code-unit order of the relative path. */
function compareLoadOrder(a: string, b: string): number {
  const depth = a.split(path.sep).length - b.split(path.sep).length;
  if (depth !== 0) return depth;
  return a < b ? -1 : a > b ? 1 : 0;
}
