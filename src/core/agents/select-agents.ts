import type { Agent } from './agent.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { parseAgentFile } from './parse-agent-file.js';

/** One agent file's path and text, as an adapter read it. */
export interface AgentFileText {
  file: string;
  text: string;
}

/**
 * The agents that a set of files defines, and why the others were not taken, in three grades:
 * `problems` are errors (a file meant as an agent that cannot load), `warnings` change what the
 * crew does (a shadowed name, a dropped alias), `notes` are for the curious (a file that is not an
 * agent, a lenient read, an identical copy).
 */
export interface SelectedAgents {
  agents: Agent[];
  problems: AgentFileProblem[];
  warnings: AgentFileProblem[];
  notes: AgentFileProblem[];
  /** Frontmatter keys as written, by `Agent.sourceFile` (for lint's honoured/ignored report). */
  frontmatterKeys: ReadonlyMap<string, readonly string[]>;
}

interface Candidate {
  agent: Agent;
  text: string;
  withoutFrontmatter: boolean;
  /** Notes from parsing, reported only when the file is taken. */
  parseNotes: AgentFileProblem[];
}

/**
 * Parses agent files and keeps a consistent crew. Pure: reading the files is the adapter's job,
 * and so is their order — the first file given wins every conflict:
 *
 * - Two files with one name: the first keeps it; a byte-identical copy is a note, a different file
 *   a warning. Either way the second is not loaded.
 * - An alias that is another agent's name (names win) or an alias an earlier file claimed is
 *   dropped from the agent that carries it, with a warning; the agent itself always loads.
 * - A file without frontmatter that reads like a role prompt is an agent only when no file in
 *   its folder has frontmatter; beside agent files it is taken for documentation (a note).
 */
export function selectAgents(files: readonly AgentFileText[]): SelectedAgents {
  const problems: AgentFileProblem[] = [];
  const warnings: AgentFileProblem[] = [];
  const notes: AgentFileProblem[] = [];
  const frontmatterKeys = new Map<string, readonly string[]>();
  const candidates: Candidate[] = [];
  const foldersWithAgentFiles = new Set<string>();
  for (const { file, text } of files) {
    const result = parseAgentFile(text, file);
    if (result.ok) {
      candidates.push({ agent: result.agent, text, withoutFrontmatter: result.withoutFrontmatter, parseNotes: result.warnings });
      frontmatterKeys.set(file, result.frontmatterKeys);
      if (!result.withoutFrontmatter) foldersWithAgentFiles.add(folderOf(file));
    } else if (result.notAnAgent === true) {
      notes.push(...result.problems);
    } else {
      problems.push(...result.problems);
      foldersWithAgentFiles.add(folderOf(file));
    }
  }
  const taken = candidates.filter((candidate) => {
    const file = candidate.agent.sourceFile;
    if (!candidate.withoutFrontmatter || !foldersWithAgentFiles.has(folderOf(file))) {
      notes.push(...candidate.parseNotes);
      return true;
    }
    notes.push({
      file,
      reason:
        "not an agent: no frontmatter, and other files in its folder are agent files, so it is taken for documentation; to make it one, start it with a '---' block holding name and description",
    });
    return false;
  });
  const named = keepFirstOfEachName(taken, warnings, notes);
  return { agents: dropConflictingAliases(named, warnings), problems, warnings, notes, frontmatterKeys };
}

function keepFirstOfEachName(candidates: Candidate[], warnings: AgentFileProblem[], notes: AgentFileProblem[]): Agent[] {
  const byName = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const { agent } = candidate;
    const owner = byName.get(agent.name);
    if (owner === undefined) {
      byName.set(agent.name, candidate);
    } else if (owner.text === candidate.text) {
      notes.push({
        file: agent.sourceFile,
        reason: `identical copy of ${owner.agent.sourceFile}: agent '${agent.name}' is loaded once, from that file`,
      });
    } else {
      warnings.push({
        file: agent.sourceFile,
        field: 'name',
        reason:
          `agent name '${agent.name}' is already used by ${owner.agent.sourceFile}; ` +
          'this file was not loaded (the first file in load order keeps the name)',
      });
    }
  }
  return [...byName.values()].map((candidate) => candidate.agent);
}

/** Drops each alias that is another agent's name or an earlier agent's alias, with a warning. */
function dropConflictingAliases(agents: Agent[], warnings: AgentFileProblem[]): Agent[] {
  const byName = new Map(agents.map((agent) => [agent.name, agent]));
  const aliasOwners = new Map<string, Agent>();
  return agents.map((agent) => {
    const kept = agent.aliases.filter((alias) => {
      const nameOwner = byName.get(alias);
      const aliasOwner = aliasOwners.get(alias);
      const conflict =
        nameOwner !== undefined && nameOwner !== agent
          ? `it is the name of the agent in ${nameOwner.sourceFile} (names win over aliases)`
          : aliasOwner !== undefined
            ? `it is already an alias of '${aliasOwner.name}' in ${aliasOwner.sourceFile} (the first file keeps it)`
            : undefined;
      if (conflict === undefined) {
        aliasOwners.set(alias, agent);
        return true;
      }
      warnings.push({
        file: agent.sourceFile,
        field: 'aliases',
        reason: `alias '${alias}' dropped from '${agent.name}': ${conflict}; the agent still loads under its name`,
      });
      return false;
    });
    return kept.length === agent.aliases.length ? agent : { ...agent, aliases: kept };
  });
}

/** The folder part of a path (pure: both path separators). */
function folderOf(file: string): string {
  return file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'), 0));
}
