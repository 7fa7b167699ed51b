import type { ModelTool } from '../model/ports.js';
import type { Agent } from './agent.js';

/** Most searches and fetches one answer may make: enough to check a few sources, bounded in cost and time. */
export const WEB_TOOL_MAX_USES = 5;

/** The tools of an agent file the crew can offer in Slack, and the ones it cannot. */
export interface AgentTools {
  offered: ModelTool[];
  /** Honoured tool names, as written. */
  honoured: string[];
  /** Tools the crew does not run in Slack (`Bash`, `Edit`, `Read`, MCP tools …), as written. */
  ignored: string[];
}

const toolsByName: Readonly<Record<string, ModelTool>> = {
  websearch: { kind: 'web-search', maxUses: WEB_TOOL_MAX_USES },
  webfetch: { kind: 'web-fetch', maxUses: WEB_TOOL_MAX_USES },
};

/**
 * Reads an agent file's `tools`: `WebSearch` and `WebFetch` become the provider's web search and
 * web fetch (unless web tools are off for the install), `Agent(…)` is honoured as consults;
 * everything else is ignored and reported.
 */
export function toolsOfAgent(agent: Pick<Agent, 'tools'>, options: { webTools: boolean }): AgentTools {
  const offered: ModelTool[] = [];
  const honoured: string[] = [];
  const ignored: string[] = [];
  for (const name of agent.tools) {
    // `Agent` / `Agent(a, b)`: consults, offered by the turn runner (see consultTargetsOf).
    if (/^agent(?:\(.*\))?$/i.test(name.trim())) {
      honoured.push(name);
      continue;
    }
    const tool = toolsByName[name.trim().toLowerCase()];
    if (tool && options.webTools) {
      if (!offered.some((existing) => existing.kind === tool.kind)) offered.push(tool);
      honoured.push(name);
    } else {
      ignored.push(name);
    }
  }
  return { offered, honoured, ignored };
}
