import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import type { Agent } from '../../../core/agents/agent.js';
import { consultTargetsOf } from '../../../core/agents/consult-targets.js';

/** One member: name, aliases, what it is for, and whom it consults. */
function formatMember(agent: Agent, registry: AgentRegistry): string {
  const aliases = agent.aliases.length > 0 ? ` (also \`${agent.aliases.join('`, `')}\`)` : '';
  const consults = consultTargetsOf(agent, registry).map((member) => member.displayName);
  const who = consults.length > 0 ? `\n   _consults ${consults.join(', ')}_` : '';
  return `• *${agent.displayName}* — \`${agent.name}\`${aliases}\n   ${agent.description}${who}`;
}

/** The crew as a Slack list, grouped by each member's `crew` (members without one last). */
export function formatAgentList(registry: AgentRegistry): string {
  const groups = new Map<string, Agent[]>();
  for (const agent of registry.list()) {
    const group = agent.crew ?? '';
    groups.set(group, [...(groups.get(group) ?? []), agent]);
  }
  const named = [...groups].filter(([group]) => group !== '');
  const ungrouped = groups.get('') ?? [];
  if (named.length === 0) return ungrouped.map((agent) => formatMember(agent, registry)).join('\n');
  const sections = named.map(([group, members]) => [`*${group}*`, ...members.map((agent) => formatMember(agent, registry))].join('\n'));
  if (ungrouped.length > 0) sections.push(['*Other members*', ...ungrouped.map((agent) => formatMember(agent, registry))].join('\n'));
  return sections.join('\n\n');
}

/** `/crew help`: how to reach the crew, who bare questions reach here (`hereLine`), and who is in it. */
export function formatCrewHelp(registry: AgentRegistry, botHandle: string, hereLine?: string): string {
  const example = registry.defaultAgent().name;
  return [
    '*Ask the crew*',
    `• \`/crew ${example} <question>\` — I post your question here and answer in its thread.`,
    `• \`${botHandle} <question>\` in a channel — I answer in the thread. Start with an agent's name to pick one.`,
    '• DM me for quick questions. Reply in a thread to follow up; I remember the thread.',
    '• `/crew usage` — today’s token use against the daily budgets.',
    '• `/crew use <agent>` — who answers bare mentions and `/crew <question>` in this channel; `/crew use` shows it, `/crew use default` goes back.',
    ...(hereLine ? [hereLine] : []),
    '',
    '*The crew*',
    formatAgentList(registry),
  ].join('\n');
}

/** `/crew nobody …`: names the unknown agent, suggests a near miss, lists the crew. */
export function formatUnknownAgent(registry: AgentRegistry, requestedName: string, suggestion?: string): string {
  const didYouMean = suggestion ? ` Did you mean \`${suggestion}\`?` : '';
  return `There is no agent called \`${requestedName}\` in the crew.${didYouMean}\n\n*The crew*\n${formatAgentList(registry)}`;
}
