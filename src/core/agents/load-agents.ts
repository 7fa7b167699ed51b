import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agent } from './agent.js';
import { AgentsDirError } from './agent-file-error.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { parseAgentFile } from './parse-agent-file.js';

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
  const warnings: AgentFileProblem[] = [];
  let relativePaths: string[];
  try {
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error(`${root} is not a directory`);
    relativePaths = await listMarkdownFiles(root, '', problems);
  } catch (error) {
    throw new AgentsDirError(root, { cause: error });
  }

  const parsed: Agent[] = [];
  for (const relativePath of relativePaths.sort(compareCodeUnits)) {
    const file = path.join(root, relativePath);
    const text = await readUtf8(file, problems);
    if (text === undefined) continue;
    const result = parseAgentFile(text, file);
    if (result.ok) {
      parsed.push(result.agent);
      warnings.push(...result.warnings);
    } else {
      problems.push(...result.problems);
    }
  }
  const agents = dropConflictingAgents(parsed, problems);
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

/** Keeps the first agent for each name and alias; reports the rest with both files. */
function dropConflictingAgents(agents: Agent[], problems: AgentFileProblem[]): Agent[] {
  const byName = new Map<string, Agent>();
  const named: Agent[] = [];
  for (const agent of agents) {
    const owner = byName.get(agent.name);
    if (owner === undefined) {
      byName.set(agent.name, agent);
      named.push(agent);
    } else {
      problems.push({
        file: agent.sourceFile,
        field: 'name',
        reason:
          `agent name '${agent.name}' is already used by ${owner.sourceFile}; ` +
          'this file was not loaded (the first file in sorted order keeps the name)',
      });
    }
  }

  const aliasOwners = new Map<string, Agent>();
  const kept: Agent[] = [];
  for (const agent of named) {
    const conflict = findAliasConflict(agent, byName, aliasOwners);
    if (conflict !== undefined) {
      problems.push({ file: agent.sourceFile, field: 'aliases', reason: `${conflict}; this file was not loaded` });
      continue;
    }
    for (const alias of agent.aliases) aliasOwners.set(alias, agent);
    kept.push(agent);
  }
  return kept;
}

function findAliasConflict(
  agent: Agent,
  byName: Map<string, Agent>,
  aliasOwners: Map<string, Agent>,
): string | undefined {
  for (const alias of agent.aliases) {
    const nameOwner = byName.get(alias);
    if (nameOwner !== undefined && nameOwner !== agent) {
      return `alias '${alias}' is the name of the agent in ${nameOwner.sourceFile}`;
    }
    const aliasOwner = aliasOwners.get(alias);
    if (aliasOwner !== undefined) {
      return `alias '${alias}' is already an alias of '${aliasOwner.name}' in ${aliasOwner.sourceFile}`;
    }
  }
  return undefined;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
