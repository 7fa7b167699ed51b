import { AgentNotFoundError } from '../errors.js';
import type { Agent } from './agent.js';
import { AgentFileError, NoDefaultAgentError, UnknownDefaultAgentError } from './agent-file-error.js';
import type { AgentFileProblem } from './agent-file-error.js';
import { suggestClosestName } from './suggest-closest-name.js';

/** Name of the agent used as default when several agents exist and none is configured. */
export const FALLBACK_DEFAULT_AGENT_NAME = 'backend-architect';

/**
 * How the default agent was chosen: `DEFAULT_AGENT`, the only agent, the agent named
 * `backend-architect`, or — several agents and none of these — the first agent in load order.
 */
export type DefaultAgentRule = 'configured' | 'only-agent' | 'fallback-name' | 'first-agent';

/** The default agent and the rule that chose it (start-up warns on `first-agent`). */
export interface DefaultAgentChoice {
  agent: Agent;
  rule: DefaultAgentRule;
}

/** Options for `createAgentRegistry`. */
export interface AgentRegistryOptions {
  /** Name or alias of the agent for bare mentions and DMs (config `DEFAULT_AGENT`). */
  defaultAgentName?: string;
}

/** The crew's agents, looked up by name or alias. */
export interface AgentRegistry {
  /** All agents, in the order given to the registry. */
  list(): readonly Agent[];
  /** The agent with this name or alias (case-insensitive, trimmed, a leading `@` allowed), if any. */
  find(nameOrAlias: string): Agent | undefined;
  /**
   * Like `find`, but throws when there is no such agent.
   * @throws AgentNotFoundError with the closest name as `suggestion`, when one is close.
   */
  require(nameOrAlias: string): Agent;
  /**
   * The agent for messages that name none: the configured default; else the only agent; else
   * `backend-architect`; else the first agent in the order given (load order).
   * @throws NoDefaultAgentError when the crew has no agents.
   */
  defaultAgent(): Agent;
  /** Like `defaultAgent`, with the rule that chose it. */
  defaultAgentChoice(): DefaultAgentChoice;
  /** The name or alias closest to `word` when it looks like a typo of one, else undefined. */
  suggest(word: string): string | undefined;
}

/**
 * Creates the registry over a fixed set of agents (typically `loadAgents(dir).agents`).
 *
 * @throws AgentFileError (`agent_file_invalid`) when two agents share a name or alias; the
 *   problems name both files. `loadAgents` never produces such a set.
 * @throws UnknownDefaultAgentError (`default_agent_unknown`) when `defaultAgentName` names no
 *   agent, so a mistyped `DEFAULT_AGENT` fails at startup (one line, with a did-you-mean) instead
 *   of silently picking another agent.
 */
export function createAgentRegistry(agents: readonly Agent[], options: AgentRegistryOptions = {}): AgentRegistry {
  const all = [...agents];
  const lookup = buildLookup(all);
  // Names first, so a typo is suggested as a name when a name and an alias are equally close.
  const candidates = [...all.map((agent) => agent.name), ...all.flatMap((agent) => agent.aliases)];

  const find = (nameOrAlias: string): Agent | undefined => lookup.get(normalizeLookupKey(nameOrAlias));
  const suggest = (word: string): string | undefined => {
    const normalized = normalizeLookupKey(word);
    return normalized === '' ? undefined : suggestClosestName(normalized, candidates);
  };
  const require = (nameOrAlias: string): Agent => {
    const agent = find(nameOrAlias);
    if (agent === undefined) throw new AgentNotFoundError(nameOrAlias.trim(), suggest(nameOrAlias));
    return agent;
  };

  const configuredName = options.defaultAgentName;
  const configured = configuredName === undefined ? undefined : find(configuredName);
  if (configuredName !== undefined && configured === undefined) {
    throw new UnknownDefaultAgentError(configuredName.trim(), suggest(configuredName), all.length);
  }
  const defaultAgentChoice = (): DefaultAgentChoice => {
    if (configured !== undefined) return { agent: configured, rule: 'configured' };
    const [first] = all;
    if (first === undefined) throw new NoDefaultAgentError([]);
    if (all.length === 1) return { agent: first, rule: 'only-agent' };
    const fallback = find(FALLBACK_DEFAULT_AGENT_NAME);
    return fallback === undefined ? { agent: first, rule: 'first-agent' } : { agent: fallback, rule: 'fallback-name' };
  };

  return { list: () => all, find, require, defaultAgent: () => defaultAgentChoice().agent, defaultAgentChoice, suggest };
}

function normalizeLookupKey(nameOrAlias: string): string {
  return nameOrAlias.trim().replace(/^@/, '').trim().toLowerCase();
}

function buildLookup(agents: readonly Agent[]): Map<string, Agent> {
  const lookup = new Map<string, Agent>();
  const problems: AgentFileProblem[] = [];
  for (const agent of agents) {
    for (const [index, key] of [agent.name, ...agent.aliases].entries()) {
      const normalized = normalizeLookupKey(key);
      const owner = lookup.get(normalized);
      if (owner !== undefined && owner !== agent) {
        problems.push({
          file: agent.sourceFile,
          field: index === 0 ? 'name' : 'aliases',
          reason: `'${normalized}' is already used by '${owner.name}' in ${owner.sourceFile}`,
        });
      } else {
        lookup.set(normalized, agent);
      }
    }
  }
  if (problems.length > 0) throw new AgentFileError(problems);
  return lookup;
}
