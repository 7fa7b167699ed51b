import type { AgentRegistry } from './agent-registry.js';
import type { Agent } from './agent.js';

const AGENT_TOOL = /^agent(?:\((.*)\))?$/i;

/**
 * The crew members an agent may consult: Claude Code's `tools: Agent(security-engineer, sre)`
 * (`Agent` alone means any member) and the crew key `consults: [...]` (`any` for every member).
 * Names and aliases resolve through the registry; unknown names are left out; never itself.
 */
export function consultTargetsOf(agent: Agent, registry: AgentRegistry): Agent[] {
  const names: string[] = [...agent.consults];
  for (const tool of agent.tools) {
    const match = AGENT_TOOL.exec(tool.trim());
    if (!match) continue;
    if (match[1] === undefined || match[1].trim() === '') names.push('any');
    else names.push(...match[1].split(',').map((name) => name.trim().toLowerCase()));
  }
  const members = names.includes('any') || names.includes('*') ? registry.list() : names.flatMap((name) => registry.find(name) ?? []);
  const unique = new Map(members.filter((member) => member.name !== agent.name).map((member) => [member.name, member]));
  return [...unique.values()];
}
