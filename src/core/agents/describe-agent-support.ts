import { AGENT_FRONTMATTER_KEYS } from './agent-schema.js';

/**
 * Claude Code subagent keys the crew does not act on: the file still loads, but what they ask
 * for (permission modes, hooks, worktree isolation, MCP servers …) does not happen in Slack.
 */
export const CLAUDE_CODE_ONLY_KEYS: readonly string[] = Object.freeze([
  'background', 'color', 'disallowedTools', 'disabled', 'hooks', 'isolation', 'maxTurns', 'mcpServers',
  'memory', 'permissionMode', 'skills',
]);

/** Which of an agent's frontmatter fields and tools the crew honours, and which it ignores. */
export interface AgentSupport {
  honouredFields: string[];
  /** Keys the crew ignores, each with why: a Claude Code key, or a key neither knows. */
  ignoredFields: Array<{ key: string; why: 'claude-code-only' | 'unknown-key' }>;
  honouredTools: string[];
  ignoredTools: string[];
}

/** Options for `describeAgentSupport`. */
export interface AgentSupportOptions {
  /** Tools the crew runs for an agent (none by default; web tools and consults add theirs). */
  honouredTools?: readonly string[];
}

/**
 * Sorts an agent's frontmatter keys and tools into honoured and ignored, so `crew lint` can say
 * plainly what a file copied from a Claude Code pack will and will not do here.
 */
export function describeAgentSupport(
  frontmatterKeys: readonly string[],
  tools: readonly string[],
  options: AgentSupportOptions = {},
): AgentSupport {
  const crewKeys: readonly string[] = AGENT_FRONTMATTER_KEYS;
  const honouredFields = frontmatterKeys.filter((key) => crewKeys.includes(key));
  const ignoredFields = frontmatterKeys
    .filter((key) => !crewKeys.includes(key))
    .map((key) => ({ key, why: CLAUDE_CODE_ONLY_KEYS.includes(key) ? ('claude-code-only' as const) : ('unknown-key' as const) }));
  const runnable = (options.honouredTools ?? []).map((tool) => tool.toLowerCase());
  const isHonoured = (tool: string): boolean => runnable.includes(tool.toLowerCase());
  return {
    honouredFields,
    ignoredFields,
    honouredTools: tools.filter(isHonoured),
    ignoredTools: tools.filter((tool) => !isHonoured(tool)),
  };
}
