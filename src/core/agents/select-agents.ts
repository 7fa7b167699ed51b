import type { Agent } from './agent.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { parseAgentFile } from './parse-agent-file.js';

/** One agent file's path and text, as an adapter read it. */
export interface AgentFileText {
  file: string;
  text: string;
}

/** The agents that a set of files defines, and why the others were not taken. */
export interface SelectedAgents {
  agents: Agent[];
  problems: AgentFileProblem[];
  /** Files that loaded but deserve a note in the log (lenient frontmatter, no frontmatter). */
  warnings: AgentFileProblem[];
}

/**
 * Parses agent files (in the order given) and keeps a consistent crew: the first file keeps a
 * name; names win over aliases. Pure: reading the files is the adapter's job.
 */
export function selectAgents(files: readonly AgentFileText[]): SelectedAgents {
  const problems: AgentFileProblem[] = [];
  const warnings: AgentFileProblem[] = [];
  const parsed: Agent[] = [];
  for (const { file, text } of files) {
    const result = parseAgentFile(text, file);
    if (result.ok) {
      parsed.push(result.agent);
      warnings.push(...result.warnings);
    } else {
      problems.push(...result.problems);
    }
  }
  return { agents: dropConflictingAgents(parsed, problems), problems, warnings };
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

